import type { OperatorProfile } from '@parley/protocol'
import { deepText, getByLabel, getByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import type { ParleyConsole } from './console-app.ts'
import { defineConsoleElements } from './elements.ts'
import { setConsoleEnvironment } from './environment.ts'
import { settle, typeInto } from './test/dom.ts'
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
  typeInto(getByRole<HTMLInputElement>(app, 'textbox', { name: 'Email' }), 'olga@example.com')
  typeInto(getByLabel(app, 'Password'), password)
  getByRole(app, 'button', { name: 'Log in' }).click()
  await settle(app)
  await settle(app)
}

const loginForm = () => queryByRole(app, 'form', { name: 'Parley console' })
/** The workspace's header: connection state, the operator, Reconnect and Log out. */
const banner = () => getByRole(app, 'banner')
const connection = () => deepText(getByRole(banner(), 'status'))
const workspaceShown = () => queryByRole(app, 'heading', { name: /^Conversations \d+$/ }) !== null

test('a visitor without a session sees the login form with labelled fields', async () => {
  await settle(app)
  expect(requests).toEqual([{ method: 'GET', url: '/v1/auth/me' }])
  const form = loginForm()!
  expect(getByRole<HTMLInputElement>(form, 'textbox', { name: 'Email' }).type).toBe('email')
  expect(getByLabel(form, 'Password').type).toBe('password')
  expect(getByRole<HTMLButtonElement>(form, 'button', { name: 'Log in' }).type).toBe('submit')
  expect(queryByRole(app, 'alert')).toBeNull()
})

test('a wrong password posts the credentials and shows the relay message as an alert', async () => {
  await logIn('wrong-password')
  expect(requests.at(-1)).toEqual({
    method: 'POST',
    url: '/v1/auth/login',
    body: { email: 'olga@example.com', password: 'wrong-password' },
  })
  expect(deepText(getByRole(app, 'alert'))).toBe('Wrong email or password')
  expect(clients).toHaveLength(0)
})

test('a right password connects a client and shows the workspace with the operator name', async () => {
  await logIn('right-password')
  expect(clients).toHaveLength(1)
  expect(clients[0]!.calls).toEqual([['connect']])
  expect(loginForm()).toBeNull()
  expect(connection()).toBe('Connected')
  expect(deepText(banner())).toContain('Olga')
})

test('an existing session skips the login form', async () => {
  app.remove()
  loggedIn = true
  app = document.createElement('parley-console')
  document.body.append(app)
  await settle(app)
  await settle(app)
  expect(workspaceShown()).toBe(true)
  expect(clients).toHaveLength(1)
})

test('log out destroys the client, ends the session and returns to the login form', async () => {
  await logIn('right-password')
  getByRole(app, 'button', { name: 'Log out' }).click()
  await settle(app)
  expect(clients[0]!.calls.at(-1)).toEqual(['destroy'])
  expect(requests.at(-1)).toEqual({ method: 'POST', url: '/v1/auth/logout' })
  expect(loginForm()).not.toBeNull()
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
  expect(loginForm()).not.toBeNull()
  expect(clients).toHaveLength(1)
})

test('a socket closed while the session is valid keeps the workspace and offers Reconnect', async () => {
  await logIn('right-password')
  clients[0]!.status.set('closed')
  await settle(app)
  await settle(app)
  expect(workspaceShown()).toBe(true)
  expect(connection()).toBe('Disconnected')
  expect(clients).toHaveLength(1)
  getByRole(app, 'button', { name: 'Reconnect' }).click()
  await settle(app)
  expect(clients[0]!.calls.at(-1)).toEqual(['connect'])
  expect(connection()).toBe('Connected')
})
