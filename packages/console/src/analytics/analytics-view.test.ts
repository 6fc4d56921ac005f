import type { MetricsReply, MetricsRow, MonitorReply } from '@parley/protocol'
import { deepText, getByLabel, getByRole, queryAllByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createRestApi } from '../rest-api.ts'
import { settle } from '../test/dom.ts'
import type { ParleyAnalytics } from './analytics-view.ts'
import { defineAnalyticsElements } from './elements.ts'

defineAnalyticsElements()

const row = (key: string | null, label: string, extra: Partial<MetricsRow> = {}): MetricsRow => ({
  key,
  label,
  received: 0,
  accepted: 0,
  missed: 0,
  waiting: 0,
  transferred: 0,
  firstResponseFromAssignment: null,
  firstResponseFromQueue: null,
  responseTime: null,
  handleTime: null,
  resolutionTime: null,
  csat: null,
  ratingResponse: null,
  rated: 0,
  timeOnline: null,
  timePaused: null,
  ...extra,
})

const PERIOD = {
  from: '2026-11-25',
  to: '2026-12-02',
  timeZone: 'Europe/Moscow',
  fromAt: Date.parse('2026-11-24T21:00:00Z'),
  toAt: Date.parse('2026-12-01T21:00:00Z'),
}

const ANNA = row('u1', 'Anna', {
  received: 12,
  accepted: 11,
  missed: 1,
  firstResponseFromQueue: 42_000,
  responseTime: 65_000,
  csat: 0.9,
  timeOnline: 3_600_000,
})
const BY_OPERATOR: MetricsReply = {
  period: PERIOD,
  groupBy: 'operator',
  rows: [ANNA, row(null, 'Nobody', { received: 2, waiting: 2 })],
  total: row(null, 'Total', { ...ANNA, received: 14, waiting: 2, label: 'Total', key: null }),
}
const BY_DAY: MetricsReply = {
  period: PERIOD,
  groupBy: 'day',
  rows: ['2026-11-25', '2026-11-26'].map((d) => row(d, d, { received: 7 })),
  total: row(null, 'Total', { received: 14 }),
}
const LIVE: MonitorReply = {
  at: Date.parse('2026-12-02T10:00:00Z'),
  visitors: [
    {
      visitorId: 'v1',
      siteId: 'shop',
      page: 'https://shop.example/cart',
      title: 'Cart',
      since: Date.parse('2026-12-02T09:55:00Z'),
      pages: 3,
      region: 'RU-MOW',
      source: 'newsletter',
      engaged: true,
      chatting: false,
    },
  ],
  groups: [
    {
      groupId: 'g1',
      siteId: 'shop',
      name: 'General',
      open: 4,
      waiting: 2,
      longestWaitMs: 95_000,
    },
  ],
}

let calls: string[]
let posted: { path: string; body: unknown }[]
let refuse: { status: number; code: string; message: string } | undefined
let view: ParleyAnalytics

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

async function relay(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const path = String(input)
  calls.push(path)
  if (refuse) return json(refuse.status, { code: refuse.code, message: refuse.message })
  if (init?.method === 'POST' && path === '/v1/analytics/live/invitations') {
    posted.push({ path, body: JSON.parse(String(init.body)) })
    return json(202, { id: 'i_1', at: 0 })
  }
  if (path === '/v1/admin/sites') return json(200, { sites: [{ id: 'shop', name: 'Shop' }] })
  if (path.startsWith('/v1/analytics/metrics.csv')) {
    return new Response('\uFEFFoperator,key\r\n', {
      headers: { 'content-disposition': 'attachment; filename="metrics-x.csv"' },
    })
  }
  if (path.startsWith('/v1/analytics/metrics')) {
    return json(200, path.includes('groupBy=day') ? BY_DAY : BY_OPERATOR)
  }
  if (path.startsWith('/v1/analytics/live')) return json(200, LIVE)
  return json(404, { code: 'not_found', message: 'No route' })
}

beforeEach(async () => {
  calls = []
  posted = []
  refuse = undefined
  view = document.createElement('parley-analytics')
  view.today = () => new Date(2026, 11, 1)
  view.operator = { id: 'u0', name: 'Sam', email: 's@example.com', role: 'supervisor' } as never
  view.api = createRestApi({ fetch: relay as typeof fetch })
  document.body.append(view)
  await settle(view)
  await settle(view)
})
afterEach(() => view.remove())

const root = () => view.shadowRoot!

test('shows the totals as tiles, the rows in a table with a total, in the site zone', () => {
  expect(calls).toContain('/v1/analytics/metrics?from=2026-11-25&to=2026-12-02&groupBy=operator')
  const tiles = getByRole(root(), 'list', { name: 'Totals' })
  const text = deepText(tiles)
  expect(text).toContain('14')
  expect(text).toContain('42 s')
  expect(text).toContain('1 min 05 s')
  expect(text).toContain('90%')
  const table = getByRole(root(), 'table', { name: 'Operator metrics by Operator' })
  const rows = queryAllByRole(table, 'row')
  expect(rows).toHaveLength(4)
  expect(deepText(rows[0]!)).toContain('First response from queue')
  expect(deepText(rows[1]!)).toContain('Anna')
  expect(deepText(rows[1]!)).toContain('1 h 00 min')
  expect(deepText(rows[3]!)).toContain('Total')
  expect(getByRole(root(), 'table', { name: 'Operator metrics by day' })).toBeTruthy()
  expect(getByRole(root(), 'img', { name: /received, accepted and missed per day/ })).toBeTruthy()
  expect(deepText(root())).toContain('Europe/Moscow')
})

test('asks for the chosen period, site and rows, and downloads the table as CSV', async () => {
  getByLabel(root(), 'From').value = '2026-11-01'
  getByLabel(root(), 'Until (not included)').value = '2026-12-01'
  getByLabel<HTMLSelectElement>(root(), 'Site').value = 'shop'
  getByLabel<HTMLSelectElement>(root(), 'Rows by').value = 'group'
  getByRole(root(), 'button', { name: 'Show' }).click()
  await settle(view)
  expect(calls).toContain(
    '/v1/analytics/metrics?from=2026-11-01&to=2026-12-01&siteId=shop&groupBy=group',
  )
  getByRole(root(), 'button', { name: 'Download CSV: Operator metrics by Operator' }).click()
  await settle(view)
  expect(calls.at(-1)).toBe(
    '/v1/analytics/metrics.csv?from=2026-11-01&to=2026-12-01&siteId=shop&groupBy=operator',
  )
})

test("shows the relay's refusal as an alert", async () => {
  refuse = { status: 400, code: 'period_invalid', message: 'The period must be real dates' }
  getByRole(root(), 'button', { name: 'Last 30 days' }).click()
  await settle(view)
  await settle(view)
  expect(deepText(getByRole(root(), 'alert'))).toBe('The period must be real dates')
  expect(calls.at(-1)).toContain('from=2026-11-02&to=2026-12-02')
})

test('monitoring lists visitors and queues, and says who is not listed', async () => {
  view.tab = 'monitoring'
  await settle(view)
  await settle(view)
  const queues = getByRole(root(), 'table', { name: 'Queues now' })
  expect(deepText(queryAllByRole(queues, 'row')[1]!)).toMatch(/General.*4.*2.*1 min 35 s/)
  const visitors = getByRole(root(), 'table', { name: 'Visitors on the site now' })
  const cells = deepText(queryAllByRole(visitors, 'row')[1]!)
  expect(cells).toContain('Cart')
  expect(cells).toContain('5 min 00 s')
  expect(cells).toContain('newsletter')
  expect(deepText(root())).toContain('Only visitors whose widget may store data')
})

async function monitoring(role: 'admin' | 'supervisor' | 'operator') {
  view.operator = { id: 'u0', name: 'Sam', email: 's@example.com', role } as never
  view.tab = 'monitoring'
  await settle(view)
  await settle(view)
  return getByRole(root(), 'table', { name: 'Visitors on the site now' })
}

test('a supervisor invites a visitor on the site to a chat with a message of their own', async () => {
  const visitors = await monitoring('supervisor')
  getByRole(visitors, 'button', { name: 'Invite to chat: Cart (Shop)' }).click()
  await settle(view)
  const form = getByRole(root(), 'form', { name: 'Invite to chat: Cart (Shop)' })
  getByLabel<HTMLTextAreaElement>(form, 'Message').value = 'Can I help you choose a size?'
  getByRole(form, 'button', { name: 'Send' }).click()
  await settle(view)
  await settle(view)
  expect(posted).toEqual([
    {
      path: '/v1/analytics/live/invitations',
      body: { siteId: 'shop', visitorId: 'v1', message: 'Can I help you choose a size?' },
    },
  ])
  expect(deepText(getByRole(root(), 'status'))).toBe('Invitation sent to Cart (Shop).')
  expect(queryAllByRole(root(), 'form', { name: 'Invite to chat: Cart (Shop)' })).toHaveLength(0)
})

test("shows the relay's refusal of an invitation, and keeps the form", async () => {
  const visitors = await monitoring('admin')
  getByRole(visitors, 'button', { name: 'Invite to chat: Cart (Shop)' }).click()
  await settle(view)
  const form = getByRole(root(), 'form', { name: 'Invite to chat: Cart (Shop)' })
  getByLabel<HTMLTextAreaElement>(form, 'Message').value = 'Hello'
  refuse = {
    status: 409,
    code: 'visitor_offline',
    message: 'The visitor has no widget connected now',
  }
  getByRole(form, 'button', { name: 'Send' }).click()
  await settle(view)
  await settle(view)
  expect(deepText(getByRole(root(), 'alert'))).toBe('The visitor has no widget connected now')
  expect(getByRole(root(), 'form', { name: 'Invite to chat: Cart (Shop)' })).toBeTruthy()
})

test('an operator sees no invitation button', async () => {
  const visitors = await monitoring('operator')
  expect(deepText(visitors)).toContain('Cart')
  expect(queryAllByRole(visitors, 'button', { name: /Invite to chat/ })).toHaveLength(0)
})
