import type { WebhookDelivery, WebhookEndpoint } from '@parley/protocol'
import { deepText, getByLabel, getByRole, queryAllByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createRestApi } from '../rest-api.ts'
import { settle, typeInto } from '../test/dom.ts'
import { defineSettingsElements } from './elements.ts'
import type { ParleyWebhooksSettings } from './webhooks.ts'

defineSettingsElements()

const SECRET = 'whsec_c2VjcmV0IHNob3duIG9uY2UgYW5kIG5ldmVyIGFnYWlu'

const endpoint = (extra: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: 'wh_1',
  kind: 'webhook',
  url: 'https://crm.example.com/hooks',
  description: '',
  events: ['message.created'],
  active: true,
  disabledReason: null,
  disabledAt: null,
  config: null,
  credentials: [],
  createdAt: Date.parse('2026-12-01T10:00:00Z'),
  updatedAt: Date.parse('2026-12-01T10:00:00Z'),
  ...extra,
})

const DELIVERY: WebhookDelivery = {
  id: '7',
  messageId: 'msg_abc',
  type: 'message.created',
  conversationId: 'c_1',
  state: 'pending',
  attempts: [
    {
      at: Date.parse('2026-12-01T10:01:00Z'),
      ok: false,
      status: 503,
      latencyMs: 41,
      excerpt: 'Service Unavailable',
      error: 'HTTP 503',
    },
  ],
  nextAttemptAt: Date.parse('2026-12-01T10:01:10Z'),
  createdAt: Date.parse('2026-12-01T10:01:00Z'),
}

let endpoints: WebhookEndpoint[]
let calls: { method: string; path: string; body?: unknown }[]
let refuse: { code: string; message: string } | undefined
let view: ParleyWebhooksSettings

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

/** The relay's webhook routes, as their replies look. */
async function relay(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const path = String(input)
  const method = init?.method ?? 'GET'
  const body = init?.body ? JSON.parse(String(init.body)) : undefined
  calls.push({ method, path, ...(body !== undefined && { body }) })
  if (refuse && method !== 'GET') return json(400, refuse)
  if (method === 'GET' && path === '/v1/admin/webhooks') return json(200, { endpoints })
  if (method === 'POST' && path === '/v1/admin/webhooks') {
    const created = endpoint({ id: 'wh_2', url: body.url, events: body.events })
    endpoints = [...endpoints, created]
    return json(201, { endpoint: created, secret: SECRET })
  }
  const one = /^\/v1\/admin\/webhooks\/(wh_\d)(\/.*)?$/.exec(path)
  const found = endpoints.find((e) => e.id === one?.[1])
  if (!found)
    return json(404, { code: 'webhook_not_found', message: 'No webhook endpoint with this id' })
  const rest = one![2] ?? ''
  if (method === 'PATCH' && rest === '') {
    Object.assign(found, body, body.active ? { disabledReason: null, disabledAt: null } : {})
    return json(200, { endpoint: found })
  }
  if (method === 'DELETE' && rest === '') {
    endpoints = endpoints.filter((e) => e !== found)
    return new Response(null, { status: 204 })
  }
  if (method === 'GET' && rest === '/deliveries') return json(200, { deliveries: [DELIVERY] })
  if (method === 'POST' && rest === '/test') {
    return json(202, { delivery: { ...DELIVERY, type: 'webhook.test', attempts: [] } })
  }
  if (method === 'POST' && rest === '/rotate-secret')
    return json(200, { endpoint: found, secret: SECRET })
  if (method === 'POST' && rest === `/deliveries/${DELIVERY.id}/resend`) {
    return json(202, { delivery: DELIVERY })
  }
  return json(404, { code: 'webhook_delivery_not_found', message: 'No delivery' })
}

beforeEach(async () => {
  calls = []
  refuse = undefined
  endpoints = [
    endpoint(),
    endpoint({
      id: 'wh_3',
      url: 'https://old.example.com/in',
      active: false,
      disabledReason: 'Every delivery failed for 24 hours (last: HTTP 503)',
      disabledAt: Date.parse('2026-12-01T12:00:00Z'),
    }),
  ]
  view = document.createElement('parley-webhooks-settings')
  view.operator = { id: 'u1', name: 'Admin', email: 'admin@example.com', role: 'admin' } as never
  view.api = createRestApi({ fetch: relay as typeof fetch })
  document.body.append(view)
  await settle(view)
})

afterEach(() => view.remove())

const root = () => view.shadowRoot!
const writes = () => calls.filter((c) => c.method !== 'GET')
async function click(name: string | RegExp) {
  getByRole(root(), 'button', { name }).click()
  await settle(view)
  await settle(view)
}

test('lists endpoints with their state, and why the relay turned one off', () => {
  const table = getByRole(root(), 'table', { name: 'Webhook endpoints' })
  const rows = queryAllByRole(table, 'row')
  expect(rows).toHaveLength(3)
  expect(deepText(rows[1]!)).toContain('https://crm.example.com/hooks')
  expect(deepText(rows[1]!)).toContain('Active')
  expect(deepText(rows[2]!)).toContain('Turned off by Parley')
  expect(deepText(rows[2]!)).toContain('Every delivery failed for 24 hours (last: HTTP 503)')
})

test('adds an endpoint and shows its secret once, read-only, with Copy', async () => {
  await click('Add an endpoint')
  const form = getByRole(root(), 'form', { name: 'Add an endpoint' })
  typeInto(getByLabel(form, 'URL'), 'https://new.example.com/parley')
  getByRole(form, 'checkbox', { name: /A lead: callback request/ }).click()
  getByRole(form, 'checkbox', { name: /A conversation is closed/ }).click()
  await click('Add endpoint')
  expect(writes()).toEqual([
    {
      method: 'POST',
      path: '/v1/admin/webhooks',
      body: {
        url: 'https://new.example.com/parley',
        description: '',
        events: ['conversation.closed', 'lead.created'],
      },
    },
  ])
  const secret = getByLabel(root(), 'Signing secret')
  expect(secret.value).toBe(SECRET)
  expect(secret.readOnly).toBe(true)
  expect(getByRole(root(), 'button', { name: 'Copy' })).toBeTruthy()
  expect(deepText(getByRole(root(), 'table', { name: 'Webhook endpoints' }))).toContain(
    'https://new.example.com/parley',
  )
  await click('Done')
  expect(deepText(root())).not.toContain(SECRET)
})

test("shows the relay's refusal of a private URL and adds nothing", async () => {
  refuse = {
    code: 'webhook_url_private',
    message: 'intranet.example resolves to 10.0.0.5 (private), which is not allowed',
  }
  await click('Add an endpoint')
  const form = getByRole(root(), 'form', { name: 'Add an endpoint' })
  typeInto(getByLabel(form, 'URL'), 'http://intranet.example/hook')
  getByRole(form, 'checkbox', { name: /A message/ }).click()
  await click('Add endpoint')
  expect(deepText(getByRole(root(), 'alert'))).toBe(
    'intranet.example resolves to 10.0.0.5 (private), which is not allowed',
  )
  expect(queryByRole(root(), 'textbox', { name: 'Signing secret' })).toBeNull()
  expect(getByRole(root(), 'form', { name: 'Add an endpoint' })).toBeTruthy()
})

test('asks for at least one event before sending anything', async () => {
  await click('Add an endpoint')
  typeInto(getByLabel(root(), 'URL'), 'https://new.example.com/parley')
  await click('Add endpoint')
  expect(deepText(getByRole(root(), 'alert'))).toBe('Choose at least one event.')
  expect(writes()).toEqual([])
})

test('changes the events of an endpoint and turns a disabled one back on', async () => {
  await click('Change https://old.example.com/in')
  const form = getByRole(root(), 'form', { name: 'Change https://old.example.com/in' })
  getByRole(form, 'checkbox', { name: /A visitor rates/ }).click()
  getByRole(form, 'checkbox', { name: 'Active' }).click()
  await click('Save')
  expect(writes()).toEqual([
    {
      method: 'PATCH',
      path: '/v1/admin/webhooks/wh_3',
      body: {
        url: 'https://old.example.com/in',
        description: '',
        events: ['message.created', 'rating.created'],
        active: true,
      },
    },
  ])
  const rows = queryAllByRole(getByRole(root(), 'table', { name: 'Webhook endpoints' }), 'row')
  expect(deepText(rows[2]!)).toContain('Active')
  expect(deepText(rows[2]!)).not.toContain('Turned off')
})

test('opens the delivery log with each attempt, resends, and sends a test event', async () => {
  await click('Delivery log of https://crm.example.com/hooks')
  const log = getByRole(root(), 'table', { name: 'Deliveries to https://crm.example.com/hooks' })
  const text = deepText(log)
  expect(text).toContain('message.created')
  expect(text).toContain('Waiting')
  expect(text).toContain('HTTP 503, 41 ms — HTTP 503')
  expect(text).toContain('Service Unavailable')
  await click('Resend message.created msg_abc')
  expect(writes()).toEqual([
    { method: 'POST', path: '/v1/admin/webhooks/wh_1/deliveries/7/resend' },
  ])
  expect(deepText(getByRole(root(), 'status'))).toBe(
    'message.created is queued again, with the same webhook-id.',
  )
  await click('Send a test event to https://crm.example.com/hooks')
  expect(writes().at(-1)).toEqual({ method: 'POST', path: '/v1/admin/webhooks/wh_1/test' })
  expect(deepText(getByRole(root(), 'status'))).toContain('A test event is on its way')
})

test('a new secret is shown once; deleting removes the endpoint', async () => {
  await click('New secret for https://crm.example.com/hooks')
  expect(getByLabel(root(), 'Signing secret').value).toBe(SECRET)
  await click('Delete https://crm.example.com/hooks')
  expect(writes().at(-1)).toEqual({ method: 'DELETE', path: '/v1/admin/webhooks/wh_1' })
  const rows = queryAllByRole(getByRole(root(), 'table', { name: 'Webhook endpoints' }), 'row')
  expect(rows).toHaveLength(2)
  expect(queryAllByRole(root(), 'status').map((s) => deepText(s))).toContain(
    'https://crm.example.com/hooks is deleted.',
  )
})
