import {
  AMOCRM_FIELD_ROWS,
  BITRIX24_FIELD_ROWS,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '@parley/protocol'
import { deepText, getByLabel, getByRole, queryAllByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createRestApi } from '../rest-api.ts'
import { settle, typeInto } from '../test/dom.ts'
import type { ParleyCrmSettings } from './crm.ts'
import { defineSettingsElements } from './elements.ts'

defineSettingsElements()

const AT = Date.parse('2026-12-01T10:00:00Z')
const WEBHOOK_URL = 'https://shop.bitrix24.ru/rest/1/s3cr3tc0de/'

const connection = (extra: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: 'wh_1',
  kind: 'amocrm',
  url: 'https://shop.amocrm.ru',
  description: 'Sales',
  events: ['lead.created'],
  active: true,
  disabledReason: null,
  disabledAt: null,
  config: { baseUrl: 'https://shop.amocrm.ru', pipelineId: 7001, statusId: 142001 },
  credentials: ['accessToken'],
  createdAt: AT,
  updatedAt: AT,
  ...extra,
})

const DELIVERY: WebhookDelivery = {
  id: '3',
  messageId: 'msg_lead',
  type: 'lead.created',
  conversationId: 'c_1',
  state: 'delivered',
  attempts: [
    {
      at: AT,
      ok: true,
      status: 200,
      latencyMs: 120,
      excerpt: 'lead 4411 created',
      error: null,
    },
  ],
  nextAttemptAt: null,
  createdAt: AT,
}

let endpoints: WebhookEndpoint[]
let calls: { method: string; path: string; body?: unknown }[]
let refuse: { code: string; message: string; fields?: unknown[] } | undefined
let view: ParleyCrmSettings

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

/** The relay's routes for outbox endpoints, as their replies look. */
async function relay(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const path = String(input)
  const method = init?.method ?? 'GET'
  const body = init?.body ? JSON.parse(String(init.body)) : undefined
  calls.push({ method, path, ...(body !== undefined && { body }) })
  if (refuse && method !== 'GET') return json(400, refuse)
  if (method === 'GET' && path === '/v1/admin/webhooks') return json(200, { endpoints })
  if (method === 'POST' && path === '/v1/admin/webhooks') {
    const { webhookUrl: _, ...shown } = body.config
    const created = connection({
      id: 'wh_2',
      kind: body.kind,
      url: new URL(body.config.webhookUrl).origin,
      description: body.description,
      config: shown,
      credentials: ['webhookUrl'],
    })
    endpoints = [...endpoints, created]
    return json(201, { endpoint: created })
  }
  const one = /^\/v1\/admin\/webhooks\/(wh_\d)(\/.*)?$/.exec(path)
  const found = endpoints.find((e) => e.id === one?.[1])
  if (!found) return json(404, { code: 'webhook_not_found', message: 'No such endpoint' })
  const rest = one![2] ?? ''
  if (method === 'PATCH' && rest === '') {
    const { accessToken: _, ...shown } = body.config
    Object.assign(found, { ...body, config: shown })
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
  return json(404, { code: 'webhook_delivery_not_found', message: 'No delivery' })
}

beforeEach(async () => {
  calls = []
  refuse = undefined
  endpoints = [
    connection(),
    // Signed webhooks are the Webhooks screen's.
    connection({ id: 'wh_9', kind: 'webhook', url: 'https://hooks.example.com', config: null }),
  ]
  view = document.createElement('parley-crm-settings')
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

test('lists the CRM connections with their settings, never a credential', () => {
  const rows = queryAllByRole(getByRole(root(), 'table', { name: 'CRM connections' }), 'row')
  expect(rows).toHaveLength(2)
  const text = deepText(rows[1]!)
  expect(text).toContain('amoCRM')
  expect(text).toContain('https://shop.amocrm.ru')
  expect(text).toContain('Pipeline 7001, stage 142001')
  expect(text).toContain('Active')
  expect(deepText(root())).not.toContain('hooks.example.com')
})

test('connects Bitrix24 with the field mapping shown as a table, the webhook URL then write-only', async () => {
  await click('Connect Bitrix24')
  const form = getByRole(root(), 'form', { name: 'Connect Bitrix24' })
  const mapping = getByRole(root(), 'table', {
    name: 'Field mapping: what Parley puts in each Bitrix24 field',
  })
  const rows = queryAllByRole(mapping, 'row').slice(1)
  expect(rows.map((row) => queryAllByRole(row, 'rowheader').map(deepText))).toEqual(
    BITRIX24_FIELD_ROWS.map((row) => [row.field]),
  )
  expect(deepText(rows[0]!)).toContain('Callback request: Anna (+79161234567)')
  typeInto(getByLabel(form, 'Incoming webhook URL'), WEBHOOK_URL)
  typeInto(getByLabel(form, 'Responsible user ID (optional)'), '5')
  await click(/^Connect Bitrix24$/)
  expect(writes()).toEqual([
    {
      method: 'POST',
      path: '/v1/admin/webhooks',
      body: {
        kind: 'bitrix24',
        description: '',
        config: { webhookUrl: WEBHOOK_URL, assignedById: 5 },
      },
    },
  ])
  expect(deepText(getByRole(root(), 'status'))).toBe(
    'Bitrix24 is connected. Send a test lead to check it.',
  )
  const table = getByRole(root(), 'table', { name: 'CRM connections' })
  expect(deepText(table)).toContain('https://shop.bitrix24.ru')
  expect(deepText(root())).not.toContain('s3cr3tc0de')

  await click('Change Bitrix24 https://shop.bitrix24.ru')
  const change = getByRole(root(), 'form', { name: 'Change Bitrix24 https://shop.bitrix24.ru' })
  const saved = getByLabel(change, 'Incoming webhook URL (saved)')
  expect(saved.value).toBe('')
  expect(saved.placeholder).toBe('Saved: leave empty to keep it')
  expect(saved.required).toBe(false)
})

test('shows each refused setting beside its field and in an alert, changing nothing', async () => {
  refuse = {
    code: 'field_invalid',
    message: 'Invalid: config.webhookUrl (url_invalid)',
    fields: [{ field: 'config.webhookUrl', code: 'url_invalid' }],
  }
  await click('Connect Bitrix24')
  const form = getByRole(root(), 'form', { name: 'Connect Bitrix24' })
  typeInto(getByLabel(form, 'Incoming webhook URL'), 'https://shop.bitrix24.ru/crm/lead/')
  await click(/^Connect Bitrix24$/)
  const hint = 'Not an incoming webhook: it looks like https://<portal>/rest/<user>/<code>/.'
  expect(deepText(getByRole(root(), 'alert'))).toBe(`Not saved: Incoming webhook URL: ${hint}`)
  const field = getByLabel(root(), 'Incoming webhook URL')
  expect(field.getAttribute('aria-invalid')).toBe('true')
  const described = root().getElementById(field.getAttribute('aria-describedby')!)!
  expect(deepText(described)).toBe(hint)
  expect(getByRole(root(), 'form', { name: 'Connect Bitrix24' })).toBeTruthy()
  expect(
    queryAllByRole(getByRole(root(), 'table', { name: 'CRM connections' }), 'row'),
  ).toHaveLength(2)
})

test('changes an amoCRM stage without the token, which stays saved', async () => {
  await click('Change amoCRM https://shop.amocrm.ru')
  const form = getByRole(root(), 'form', { name: 'Change amoCRM https://shop.amocrm.ru' })
  expect(getByLabel(form, 'Pipeline ID').value).toBe('7001')
  expect(getByLabel(form, 'Long-lived token (saved)').value).toBe('')
  const mapping = getByRole(root(), 'table', {
    name: 'Field mapping: what Parley puts in each amoCRM field',
  })
  expect(queryAllByRole(mapping, 'row')).toHaveLength(AMOCRM_FIELD_ROWS.length + 1)
  typeInto(getByLabel(form, 'Stage (status) ID'), '142002')
  await click('Save')
  expect(writes()).toEqual([
    {
      method: 'PATCH',
      path: '/v1/admin/webhooks/wh_1',
      body: {
        description: 'Sales',
        active: true,
        config: { baseUrl: 'https://shop.amocrm.ru', pipelineId: 7001, statusId: 142002 },
      },
    },
  ])
  expect(deepText(getByRole(root(), 'table', { name: 'CRM connections' }))).toContain(
    'Pipeline 7001, stage 142002',
  )
})

test('sends a test lead and shows the delivery log; disconnects', async () => {
  await click('Send a test lead to amoCRM https://shop.amocrm.ru')
  expect(writes()).toEqual([{ method: 'POST', path: '/v1/admin/webhooks/wh_1/test' }])
  expect(deepText(getByRole(root(), 'status'))).toContain('A test lead ("Parley test lead")')
  const log = getByRole(root(), 'table', { name: 'Deliveries to amoCRM https://shop.amocrm.ru' })
  expect(deepText(log)).toContain('HTTP 200, 120 ms')
  expect(deepText(log)).toContain('lead 4411 created')
  await click('Delete amoCRM https://shop.amocrm.ru')
  expect(writes().at(-1)).toEqual({ method: 'DELETE', path: '/v1/admin/webhooks/wh_1' })
  expect(queryByRole(root(), 'table', { name: 'CRM connections' })).toBeNull()
  expect(deepText(root())).toContain('No CRM connected yet.')
})
