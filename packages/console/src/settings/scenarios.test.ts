import type { Scenario } from '@parley/protocol'
import {
  accessibleName,
  deepText,
  getByLabel,
  getByRole,
  queryAllByRole,
  queryByRole,
} from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createRestApi } from '../rest-api.ts'
import { settle, typeInto } from '../test/dom.ts'
import { defineSettingsElements } from './elements.ts'
import type { ParleyScenariosSettings } from './scenarios.ts'

defineSettingsElements()

const HELPER: Scenario = {
  id: 'sc1',
  siteId: 'shop',
  name: 'Catalog helper',
  enabled: true,
  priority: 0,
  where: {
    include: [{ type: 'prefix', value: '/catalog' }],
    exclude: [{ type: 'exact', value: '/catalog/old' }],
  },
  conditions: {
    all: [
      { type: 'timeOnSite', seconds: 20 },
      { type: 'utm', source: { op: 'equals', value: 'mail' } } as never,
    ],
  },
  action: { type: 'bubble', message: 'Need help choosing?' },
  delaySeconds: 0,
  rules: { oncePerSession: true },
  routing: { group: 'Sales' },
}

const PAGES =
  'Pages (one per line; /path is a prefix, =/path exact, * a wildcard, ~ a regex; none: every page)'

let scenarios: Scenario[]
// biome-ignore lint/suspicious/noExplicitAny: request bodies in tests are read field by field
let calls: { method: string; path: string; body?: any }[]
let refuse: unknown
let view: ParleyScenariosSettings

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

async function relay(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const path = String(input)
  const method = init?.method ?? 'GET'
  const body = init?.body ? JSON.parse(String(init.body)) : undefined
  calls.push({ method, path, ...(body !== undefined && { body }) })
  if (refuse && method !== 'GET') return json(400, refuse)
  if (path === '/v1/admin/sites') return json(200, { sites: [{ id: 'shop', name: 'Shop' }] })
  if (path.startsWith('/v1/admin/sites/shop/scenarios/stats')) {
    return json(200, {
      from: 0,
      to: 1,
      scenarios: [
        {
          scenarioId: 'sc1',
          name: 'Catalog helper',
          impressions: 40,
          clicks: 9,
          dismissals: 3,
          conversions: { chat: 4, callback: 1, offline: 0, total: 5 },
          conversionRate: 0.125,
        },
      ],
    })
  }
  if (method === 'GET' && path === '/v1/admin/sites/shop/scenarios') return json(200, { scenarios })
  if (method === 'POST') {
    const created = { ...body, id: 'sc2', siteId: 'shop' }
    scenarios = [...scenarios, created]
    return json(201, { scenario: created })
  }
  if (method === 'PUT') {
    const id = path.split('/').at(-1)
    scenarios = scenarios.map((s) => (s.id === id ? { ...body, id, siteId: 'shop' } : s))
    return json(200, { scenario: scenarios.find((s) => s.id === id) })
  }
  if (method === 'DELETE') {
    scenarios = scenarios.filter((s) => s.id !== path.split('/').at(-1))
    return new Response(null, { status: 204 })
  }
  return json(404, { code: 'scenario_not_found', message: 'No scenario with this id' })
}

async function mount(role: 'admin' | 'supervisor') {
  view = document.createElement('parley-scenarios-settings')
  view.operator = { id: 'u1', name: 'Ann', email: 'a@x', role } as never
  view.api = createRestApi({ fetch: relay as typeof fetch })
  document.body.append(view)
  for (let i = 0; i < 3; i++) await settle(view)
}

beforeEach(() => {
  scenarios = [HELPER]
  calls = []
  refuse = undefined
})
afterEach(() => view.remove())

const root = () => view.shadowRoot!
async function click(name: string | RegExp) {
  getByRole(root(), 'button', { name }).click()
  for (let i = 0; i < 3; i++) await settle(view)
}

test("lists each scenario with its last 30 days' figures, and turns one off", async () => {
  await mount('admin')
  const table = getByRole(root(), 'table', { name: 'Scenarios' })
  const cells = queryAllByRole(queryAllByRole(table, 'row')[1]!, 'cell').map(deepText)
  expect(cells.slice(1, 5)).toEqual(['40', '9', '5', `${(12.5).toLocaleString()} %`])
  const on = getByRole<HTMLInputElement>(root(), 'checkbox', { name: 'Catalog helper is on' })
  expect(on.checked).toBe(true)
  on.checked = false
  on.dispatchEvent(new Event('change'))
  for (let i = 0; i < 3; i++) await settle(view)
  const put = calls.find((c) => c.method === 'PUT')
  expect(put?.path).toBe('/v1/admin/sites/shop/scenarios/sc1')
  expect(put?.body).toMatchObject({ name: 'Catalog helper', enabled: false, where: HELPER.where })
  expect(put?.body).not.toHaveProperty('id')
})

test('edits a scenario keeping the conditions it has no field for', async () => {
  await mount('admin')
  await click('Edit Catalog helper')
  const form = getByRole(root(), 'form', { name: 'Edit Catalog helper' })
  // A label's name holds its field's value (accname), so filled fields are found by name.
  const named = (name: string) => form.querySelector(`[name="${name}"]`) as HTMLInputElement
  expect(named('include').value).toBe('/catalog')
  expect(named('exclude').value).toBe('=/catalog/old')
  expect(accessibleName(named('timeOnSite'))).toMatch(/^Seconds on the site/)
  expect(deepText(form)).toContain('1 more condition(s) set through the API are kept.')
  typeInto(named('timeOnSite'), '45')
  typeInto(getByLabel(form, 'Regions (e.g. RU, RU-MOW; empty: anywhere)'), 'RU-MOW, ru-spe')
  await click('Save scenario')
  const put = calls.find((c) => c.method === 'PUT')!
  expect(put.body.conditions).toEqual({
    all: [
      { type: 'timeOnSite', seconds: 45 },
      {
        any: [
          { type: 'region', country: 'RU', region: 'MOW' },
          { type: 'region', country: 'RU', region: 'SPE' },
        ],
      },
      { type: 'utm', source: { op: 'equals', value: 'mail' } },
    ],
  })
  expect(deepText(getByRole(root(), 'status'))).toBe(
    '“Catalog helper” is saved. Visitors get it on their next page.',
  )
})

test("creates a scenario, and shows the relay's refusal naming the fields", async () => {
  await mount('admin')
  await click('New scenario')
  const form = getByRole(root(), 'form', { name: 'New scenario' })
  typeInto(getByLabel(form, 'Name'), 'Cart rescue')
  typeInto(getByLabel(form, PAGES), '/cart\n/checkout/*')
  refuse = {
    code: 'field_invalid',
    message: 'Some fields are invalid; see fields',
    fields: [{ field: '/action/message', code: 'required' }],
  }
  await click('Create scenario')
  expect(deepText(getByRole(root(), 'alert'))).toBe(
    'Some fields are invalid; see fields: /action/message (required)',
  )
  refuse = undefined
  typeInto(getByLabel(form, 'Message'), 'Something stopping you?')
  await click('Create scenario')
  const post = calls.filter((c) => c.method === 'POST').at(-1)!
  expect(post.body).toMatchObject({
    name: 'Cart rescue',
    enabled: true,
    where: {
      include: [
        { type: 'prefix', value: '/cart' },
        { type: 'wildcard', value: '/checkout/*' },
      ],
      exclude: [],
    },
    action: { type: 'bubble', message: 'Something stopping you?' },
    rules: { oncePerSession: true },
    routing: { group: 'General' },
  })
  expect(queryByRole(root(), 'form', { name: 'New scenario' })).toBeNull()
  expect(queryAllByRole(getByRole(root(), 'table', { name: 'Scenarios' }), 'row')).toHaveLength(3)
})

test('a supervisor reads the scenarios and their figures but changes nothing', async () => {
  await mount('supervisor')
  expect(queryByRole(root(), 'button', { name: 'New scenario' })).toBeNull()
  expect(queryByRole(root(), 'button', { name: 'Edit Catalog helper' })).toBeNull()
  expect(
    getByRole<HTMLInputElement>(root(), 'checkbox', { name: 'Catalog helper is on' }).disabled,
  ).toBe(true)
  expect(accessibleName(getByRole(root(), 'table'))).toBe('Scenarios')
})

test('deleting asks once more, then deletes', async () => {
  await mount('admin')
  await click('Delete Catalog helper')
  expect(calls.filter((c) => c.method === 'DELETE')).toEqual([])
  await click('Delete Catalog helper for good')
  expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([
    '/v1/admin/sites/shop/scenarios/sc1',
  ])
  expect(deepText(getByRole(root(), 'status'))).toContain('is deleted')
})

test('"Test a URL" says live whether the scenario shows there and which rule decided', async () => {
  await mount('admin')
  await click('Edit Catalog helper')
  const form = getByRole(root(), 'form', { name: 'Edit Catalog helper' })
  const address = getByRole<HTMLInputElement>(form, 'textbox', { name: 'Test a URL' })
  const verdict = async (url: string) => {
    typeInto(address, url)
    await settle(view)
    return deepText(getByRole(form, 'status'))
  }
  expect(await verdict('https://shop.example/catalog/green-tea?utm=mail')).toBe(
    'Shown: “/catalog” matches.',
  )
  expect(await verdict('https://shop.example/catalog/old')).toBe(
    'Not shown: “=/catalog/old” under “Except on” matches.',
  )
  expect(await verdict('https://shop.example/cart')).toBe(
    'Not shown: none of the pages listed matches.',
  )
  expect(await verdict('/catalog')).toBe(
    'Type the whole address, like https://example.com/catalog.',
  )

  // The pages as they are being edited, before saving: a wildcard on the whole address.
  // A label's name holds its field's value (accname): "Pages (…) /catalog".
  const pages = getByRole<HTMLTextAreaElement>(form, 'textbox', { name: /^Pages \(one per line/ })
  typeInto(pages, '*://shop.example/cart*\n~^/p/\\d+$')
  await settle(view)
  expect(await verdict('https://shop.example/cart?step=2')).toBe(
    'Shown: “*://shop.example/cart*” matches.',
  )
  expect(await verdict('https://shop.example/p/42')).toBe('Shown: “~^/p/\\d+$” matches.')
  typeInto(pages, '')
  await settle(view)
  expect(await verdict('https://shop.example/anything')).toBe(
    'Shown: no pages are listed, so it shows on every page, and no exception matches.',
  )
  // A regex the relay refuses (it could take seconds on a long address) is not run.
  typeInto(pages, '~^/(a+)+$')
  expect(await verdict('https://shop.example/aaaa')).toBe(
    'Cannot test: “~^/(a+)+$” is not a regular expression the relay accepts.',
  )
  // The pages as typed are what is saved.
  typeInto(pages, '/catalog')
  await click('Save scenario')
  expect(calls.find((c) => c.method === 'PUT')!.body.where).toEqual(HELPER.where)
})
