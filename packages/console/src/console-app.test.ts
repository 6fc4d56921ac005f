import type { OperatorProfile } from '@parley/protocol'
import { afterEach, beforeEach, expect, test } from 'vitest'
import type { ParleyConsole } from './console-app.ts'
import { defineConsoleElements } from './elements.ts'
import { setConsoleEnvironment } from './environment.ts'
import { buttonNamed, deepQuery, settle, textOf, typeInto } from './test/dom.ts'
import { createFakeOperatorClient, type FakeOperatorClient } from './test/fake-operator-client.ts'

defineConsoleElements()

const olga: OperatorProfile = { id: 'op1', email: 'olga@example.com', name: 'Olga', role: 'admin' }

interface Recorded {
  method: string
  url: string
  body?: unknown
}

let requests: Recorded[]
let clients: FakeOperatorClient[]
let loggedIn: boolean
let app: ParleyConsole

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

const fakeFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = String(input)
  const method = init?.method ?? 'GET'
  const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
  requests.push({ method, url, ...(body ? { body } : {}) })
  if (url === '/v1/auth/me') {
    return loggedIn
      ? json(200, { operator: olga })
      : json(401, { code: 'unauthorized', message: 'Log in or pass a valid API token' })
  }
  if (url === '/v1/auth/login') {
    if (body?.password === 'right-password') {
      loggedIn = true
      return json(200, { operator: olga })
    }
    return json(401, { code: 'invalid_credentials', message: 'Wrong email or password' })
  }
  if (url === '/v1/auth/logout') {
    loggedIn = false
    return new Response(null, { status: 204 })
  }
  return json(404, { code: 'bad_request', message: 'no route' })
}) as typeof fetch

beforeEach(() => {
  requests = []
  clients = []
  loggedIn = false
  setConsoleEnvironment({
    fetch: fakeFetch,
    host: 'http://relay.test',
    createClient: () => {
      const client = createFakeOperatorClient()
      clients.push(client)
      return client
    },
  })
  app = document.createElement('parley-console')
  document.body.append(app)
})

afterEach(() => {
  app.remove()
})

async function logIn(password: string): Promise<void> {
  await settle(app)
  const email = deepQuery<HTMLInputElement>(app, '#email')!
  const field = deepQuery<HTMLInputElement>(app, '#password')!
  typeInto(email, 'olga@example.com')
  typeInto(field, password)
  buttonNamed(app, 'Log in').click()
  await settle(app)
  await settle(app)
}

test('a visitor without a session sees the login form with labelled fields', async () => {
  await settle(app)
  expect(requests).toEqual([{ method: 'GET', url: '/v1/auth/me' }])
  const form = deepQuery(app, 'form')!
  expect(textOf(form.querySelector('label[for="email"]'))).toBe('Email')
  expect(textOf(form.querySelector('label[for="password"]'))).toBe('Password')
  expect(buttonNamed(app, 'Log in').type).toBe('submit')
  expect(deepQuery(app, '[role="alert"]')).toBeNull()
})

test('a wrong password posts the credentials and shows the relay message as an alert', async () => {
  await logIn('wrong-password')
  expect(requests.at(-1)).toEqual({
    method: 'POST',
    url: '/v1/auth/login',
    body: { email: 'olga@example.com', password: 'wrong-password' },
  })
  expect(textOf(deepQuery(app, '[role="alert"]'))).toBe('Wrong email or password')
  expect(clients).toHaveLength(0)
})

test('a right password connects a client and shows the workspace with the operator name', async () => {
  await logIn('right-password')
  expect(clients).toHaveLength(1)
  expect(clients[0]!.calls).toEqual([['connect']])
  expect(deepQuery(app, 'parley-login')).toBeNull()
  expect(textOf(deepQuery(app, '[role="status"]'))).toBe('Connected')
  expect(textOf(deepQuery(app, '.who'))).toContain('Olga')
})

test('an existing session skips the login form', async () => {
  app.remove()
  loggedIn = true
  app = document.createElement('parley-console')
  document.body.append(app)
  await settle(app)
  await settle(app)
  expect(deepQuery(app, 'parley-workspace')).not.toBeNull()
  expect(clients).toHaveLength(1)
})

test('log out destroys the client, ends the session and returns to the login form', async () => {
  await logIn('right-password')
  buttonNamed(app, 'Log out').click()
  await settle(app)
  expect(clients[0]!.calls.at(-1)).toEqual(['destroy'])
  expect(requests.at(-1)).toEqual({ method: 'POST', url: '/v1/auth/logout' })
  expect(deepQuery(app, 'parley-login')).not.toBeNull()
})

test('removing the console from the page destroys its client', async () => {
  await logIn('right-password')
  app.remove()
  expect(clients[0]!.calls.at(-1)).toEqual(['destroy'])
})

test('a socket closed after the session expired returns to the login form', async () => {
  await logIn('right-password')
  loggedIn = false
  clients[0]!.status.set('closed')
  await settle(app)
  await settle(app)
  expect(deepQuery(app, 'parley-login')).not.toBeNull()
  expect(clients).toHaveLength(1)
})

test('a socket closed while the session is valid keeps the workspace and offers Reconnect', async () => {
  await logIn('right-password')
  clients[0]!.status.set('closed')
  await settle(app)
  await settle(app)
  expect(deepQuery(app, 'parley-workspace')).not.toBeNull()
  expect(textOf(deepQuery(app, '[role="status"]'))).toBe('Disconnected')
  expect(clients).toHaveLength(1)
  buttonNamed(app, 'Reconnect').click()
  await settle(app)
  expect(clients[0]!.calls.at(-1)).toEqual(['connect'])
  expect(textOf(deepQuery(app, '[role="status"]'))).toBe('Connected')
})
