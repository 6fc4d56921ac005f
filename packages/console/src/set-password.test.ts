import { deepText, getByLabel, getByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import type { ParleyConsole } from './console-app.ts'
import { defineConsoleElements } from './elements.ts'
import { setConsoleEnvironment } from './environment.ts'
import { settle, typeInto } from './test/dom.ts'
import { createFakeOperatorClient } from './test/fake-operator-client.ts'

defineConsoleElements()

let posted: unknown[]
let app: ParleyConsole

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

beforeEach(() => {
  posted = []
  setConsoleEnvironment({
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input)
      if (url === '/v1/auth/password') {
        const body = JSON.parse(String(init?.body))
        posted.push(body)
        return body.token === 'good_link_token'
          ? new Response(null, { status: 204 })
          : json(400, {
              code: 'password_link_invalid',
              message: 'This password link is unknown, used or expired; ask an admin for a new one',
            })
      }
      return json(401, { code: 'unauthorized', message: 'Log in or pass a valid API token' })
    }) as typeof fetch,
    host: 'http://relay.test',
    createClient: () => createFakeOperatorClient(),
  })
})

afterEach(() => {
  app.remove()
  history.replaceState(null, '', '/console/')
})

async function open(hash: string): Promise<void> {
  history.replaceState(null, '', `/console/${hash}`)
  app = document.createElement('parley-console')
  document.body.append(app)
  await settle(app)
}

async function choose(password: string, again = password): Promise<void> {
  typeInto(getByLabel(app, 'New password'), password)
  typeInto(getByLabel(app, 'Repeat the password'), again)
  getByRole(app, 'button', { name: 'Set password' }).click()
  await settle(app)
  await settle(app)
}

test('a set-password link opens a form to choose a password, then the login says it is set', async () => {
  await open('#set-password=good_link_token')
  expect(getByRole(app, 'form', { name: 'Choose your password' })).toBeTruthy()
  await choose('a long new password')
  expect(posted).toEqual([{ token: 'good_link_token', password: 'a long new password' }])
  expect(getByRole(app, 'form', { name: 'Parley console' })).toBeTruthy()
  expect(deepText(getByRole(app, 'status'))).toBe('Your password is set. Log in with it.')
  // The used token leaves the address bar.
  expect(location.hash).toBe('')
})

test('a short or mistyped password is refused before anything is sent', async () => {
  await open('#set-password=good_link_token')
  await choose('short')
  expect(deepText(getByRole(app, 'alert'))).toBe('The password needs at least 8 characters.')
  await choose('a long new password', 'a long new passwort')
  expect(deepText(getByRole(app, 'alert'))).toBe(
    'The two passwords differ. Type the same one twice.',
  )
  expect(posted).toEqual([])
})

test('a used or expired link says so and asks for a new one', async () => {
  await open('#set-password=used_link_token')
  await choose('a long new password')
  expect(deepText(getByRole(app, 'alert'))).toBe(
    'This password link is unknown, used or expired; ask an admin for a new one',
  )
  expect(queryByRole(app, 'form', { name: 'Parley console' })).toBeNull()
})
