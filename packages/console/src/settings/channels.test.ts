import type { ContactPoint } from '@parley/protocol'
import { deepText, getByLabel, getByRole, queryAllByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createRestApi } from '../rest-api.ts'
import { settle, typeInto } from '../test/dom.ts'
import type { ParleyChannelsSettings } from './channels.ts'
import { defineSettingsElements } from './elements.ts'

defineSettingsElements()

const TOKEN = '7012345678:AAHk-secret-token-never-shown'

const point = (extra: Partial<ContactPoint> = {}): ContactPoint => ({
  id: 'cp_1',
  kind: 'telegram',
  siteId: 'shop',
  name: 'Shop bot',
  group: 'g_sales',
  mode: 'webhook',
  credentials: { token: 'set' },
  webhookPath: '/v1/channels/cp_1/webhook',
  status: 'webhook',
  statusError: null,
  createdAt: Date.parse('2026-12-01T10:00:00Z'),
  updatedAt: Date.parse('2026-12-01T10:00:00Z'),
  ...extra,
})

let points: ContactPoint[]
let calls: { method: string; path: string; body?: unknown }[]
let refuse: { code: string; message: string } | undefined
let view: ParleyChannelsSettings

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

/** The relay's contact point routes, as their replies look: credentials only ever "set". */
async function relay(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const path = String(input)
  const method = init?.method ?? 'GET'
  const body = init?.body ? JSON.parse(String(init.body)) : undefined
  calls.push({ method, path, ...(body !== undefined && { body }) })
  if (refuse && method !== 'GET') return json(400, refuse)
  if (path === '/v1/admin/sites') return json(200, { sites: [{ id: 'shop', name: 'Chai Shop' }] })
  if (path === '/v1/admin/sites/shop/groups') {
    return json(200, {
      groups: [
        {
          id: 'g_general',
          siteId: 'shop',
          name: 'General',
          isDefault: true,
          members: [],
          capacity: 5,
        },
        {
          id: 'g_sales',
          siteId: 'shop',
          name: 'Sales',
          isDefault: false,
          members: [],
          capacity: 5,
        },
      ],
    })
  }
  if (method === 'GET' && path === '/v1/admin/contact-points') {
    return json(200, { contactPoints: points })
  }
  if (method === 'POST' && path === '/v1/admin/contact-points') {
    const created = point({
      id: 'cp_2',
      kind: body.kind,
      name: body.name,
      group: body.group,
      mode: body.mode ?? 'webhook',
      credentials: Object.fromEntries(
        Object.keys(body.credentials).map((k) => [k, 'set']),
      ) as never,
      status: 'failed',
      statusError: 'Unauthorized',
    })
    points = [...points, created]
    return json(201, { contactPoint: created })
  }
  const found = points.find((p) => path === `/v1/admin/contact-points/${p.id}`)
  if (!found)
    return json(404, { code: 'contact_point_not_found', message: 'No contact point with this id' })
  if (method === 'PATCH') {
    Object.assign(found, { name: body.name, group: body.group })
    return json(200, { contactPoint: found })
  }
  points = points.filter((p) => p !== found)
  return new Response(null, { status: 204 })
}

beforeEach(async () => {
  calls = []
  refuse = undefined
  points = [
    point(),
    point({
      id: 'cp_3',
      kind: 'viber',
      name: 'Viber shop',
      group: null,
      status: 'failed',
      statusError: 'Viber set_webhook: invalidUrl (status 1)',
    }),
  ]
  view = document.createElement('parley-channels-settings')
  view.operator = { id: 'u1', name: 'Admin', email: 'admin@example.com', role: 'admin' } as never
  view.api = createRestApi({ fetch: relay as typeof fetch })
  document.body.append(view)
  await settle(view)
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

test('lists the bots with their messenger, group and whether the webhook is set, and why not', () => {
  const table = getByRole(root(), 'table', { name: 'Contact points' })
  const rows = queryAllByRole(table, 'row')
  expect(rows).toHaveLength(3)
  expect(deepText(rows[1]!)).toContain('Shop bot')
  expect(deepText(rows[1]!)).toContain('Telegram · webhook')
  expect(deepText(rows[1]!)).toContain('Sales')
  expect(deepText(rows[1]!)).toContain('Webhook set')
  expect(deepText(rows[2]!)).toContain('Default group')
  expect(deepText(rows[2]!)).toContain('Not connected')
  expect(deepText(rows[2]!)).toContain('Viber set_webhook: invalidUrl (status 1)')
})

test('adds a Telegram bot in polling mode with its token, and says why it is not connected', async () => {
  await click('Add a bot')
  const form = getByRole(root(), 'form', { name: 'Add a bot' })
  typeInto(getByLabel(form, 'Name'), 'Support bot')
  const group = getByLabel(form, 'Routing group') as unknown as HTMLSelectElement
  group.value = 'g_sales'
  const mode = getByLabel(form, 'Mode') as unknown as HTMLSelectElement
  mode.value = 'polling'
  const token = getByLabel(form, 'Bot token')
  expect(token.type).toBe('password')
  typeInto(token, TOKEN)
  await click('Add bot')
  expect(writes()).toEqual([
    {
      method: 'POST',
      path: '/v1/admin/contact-points',
      body: {
        kind: 'telegram',
        siteId: 'shop',
        name: 'Support bot',
        group: 'g_sales',
        mode: 'polling',
        credentials: { token: TOKEN },
      },
    },
  ])
  expect(getByRole(root(), 'status').textContent).toContain(
    'Support bot is saved but not connected: Unauthorized',
  )
  expect(deepText(getByRole(root(), 'table', { name: 'Contact points' }))).toContain('Support bot')
  expect(deepText(root())).not.toContain(TOKEN)
})

test('asks a VK community for its token, Callback API secret and confirmation string', async () => {
  await click('Add a bot')
  const form = getByRole(root(), 'form', { name: 'Add a bot' })
  const kind = getByLabel(form, 'Messenger') as unknown as HTMLSelectElement
  kind.value = 'vk'
  kind.dispatchEvent(new Event('change'))
  await settle(view)
  expect(getByLabel(form, 'Community access token')).toBeTruthy()
  expect(getByLabel(form, 'Callback API secret key')).toBeTruthy()
  expect(getByLabel(form, 'Confirmation string')).toBeTruthy()
  expect(queryByRole(form, 'combobox', { name: 'Mode' })).toBeNull()
})

test('shows a saved token only as "set" and keeps it unless a new one is typed', async () => {
  await click('Change Shop bot')
  const form = getByRole(root(), 'form', { name: 'Change Shop bot' })
  const token = getByLabel(form, 'Bot token')
  expect(token.value).toBe('')
  expect(token.placeholder).toBe('Set — type to replace')
  typeInto(getByLabel(form, 'Name'), 'Shop bot 2')
  await click('Save')
  expect(writes()).toEqual([
    {
      method: 'PATCH',
      path: '/v1/admin/contact-points/cp_1',
      body: { name: 'Shop bot 2', group: 'g_sales', mode: 'webhook' },
    },
  ])
})

test("removes a bot, and shows the relay's refusal as an alert", async () => {
  refuse = { code: 'channel_secret_key_missing', message: 'The relay has no PARLEY_SECRET_KEY' }
  await click('Remove Shop bot')
  expect(getByRole(root(), 'alert').textContent).toContain('The relay has no PARLEY_SECRET_KEY')
  refuse = undefined
  await click('Remove Shop bot')
  expect(getByRole(root(), 'status').textContent).toContain('Shop bot is removed.')
  expect(deepText(getByRole(root(), 'table', { name: 'Contact points' }))).not.toContain(
    'Shop bot<',
  )
  expect(points.map((p) => p.id)).toEqual(['cp_3'])
})
