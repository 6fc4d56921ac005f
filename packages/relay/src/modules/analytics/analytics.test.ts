import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
afterEach(async () => {
  await relay.close()
})

// The manual clock starts at 1970-01-01T00:16:40Z: the period is that UTC day.
const DAY = 'from=1970-01-01&to=1970-01-02'

async function hire(admin: string, name: string, role = 'operator') {
  const email = `${name.toLowerCase()}@example.com`
  const password = `${name} password 1`
  const created = await call(relay, admin, 'POST', '/v1/admin/employees', {
    email,
    name,
    role,
    password,
  })
  expect(created.status).toBe(201)
  return { id: created.body.employee.id as string, cookie: await relay.login(email, password) }
}

/**
 * One day, written by hand: Anna answers a chat 5 s after it arrives, again 2 s after the
 * visitor's next message, closes it 20 s after it arrived and gets a 5; a second chat is
 * closed unanswered; a third still waits. Anna is online 60 s, then on pause.
 */
async function day() {
  const clock = manualClock()
  relay = await injectRelay({ now: clock.now, timers: clock.timers })
  const admin = await relay.login()
  const anna = await hire(admin, 'Anna')
  const { socket: op } = await relay.operator({ cookie: anna.cookie })
  await op.next(ofType('status', (f) => f.status === 'online'))
  const start = clock.now()

  const { socket: v1 } = await relay.visitor()
  v1.send({ t: 'send', cid: 'a', text: 'hello' })
  const { conversationId: c1 } = await v1.next(ofType('ack'))
  await op.next(ofType('conversation', (f) => f.conversation.id === c1 && f.conversation.operator))
  clock.advance(5_000)
  op.send({ t: 'send', cid: 'r1', conversationId: c1, text: 'Hi, how can I help?' })
  await op.next(ofType('ack', (f) => f.cid === 'r1'))
  clock.advance(3_000)
  v1.send({ t: 'send', cid: 'b', conversationId: c1, text: 'Where is my order?' })
  await v1.next(ofType('ack', (f) => f.cid === 'b'))
  clock.advance(2_000)
  op.send({ t: 'send', cid: 'r2', conversationId: c1, text: 'On its way' })
  await op.next(ofType('ack', (f) => f.cid === 'r2'))
  clock.advance(10_000)
  op.send({ t: 'close', cid: 'x1', conversationId: c1 })
  await op.next(ofType('ack', (f) => f.cid === 'x1'))
  v1.send({ t: 'rate', cid: 'rate', conversationId: c1, rating: 5 })
  await v1.next(ofType('ack', (f) => f.cid === 'rate'))

  const { socket: v2 } = await relay.visitor()
  v2.send({ t: 'send', cid: 'a', text: 'anyone?' })
  const { conversationId: c2 } = await v2.next(ofType('ack'))
  await op.next(ofType('conversation', (f) => f.conversation.id === c2 && f.conversation.operator))
  op.send({ t: 'close', cid: 'x2', conversationId: c2 })
  await op.next(ofType('ack', (f) => f.cid === 'x2'))

  clock.advance(40_000)
  op.send({ t: 'status', cid: 'p', status: 'pause' })
  await op.next(ofType('status', (f) => f.status === 'pause'))
  const { socket: v3 } = await relay.visitor()
  v3.send({ t: 'send', cid: 'a', text: 'still there?' })
  await v3.next(ofType('ack'))
  clock.advance(30_000)
  await relay.app.inflight.idle()
  return { clock, admin, anna, start }
}

describe('operator metrics over REST', () => {
  it('counts one hand-written day by the definitions', async () => {
    const { admin, anna } = await day()
    const { status, body } = await call(relay, admin, 'GET', `/v1/analytics/metrics?${DAY}`)
    expect(status, JSON.stringify(body)).toBe(200)
    expect(body.period).toMatchObject({ timeZone: 'UTC', fromAt: 0, toAt: 86_400_000 })
    const row = body.rows.find((r: { key: string }) => r.key === anna.id)
    expect(row).toEqual({
      key: anna.id,
      label: 'Anna',
      received: 2,
      accepted: 1,
      missed: 1,
      waiting: 0,
      transferred: 0,
      firstResponseFromAssignment: 5_000,
      firstResponseFromQueue: 5_000,
      responseTime: 3_500,
      handleTime: 20_000,
      resolutionTime: 20_000,
      csat: 1,
      ratingResponse: 1,
      rated: 1,
      timeOnline: 60_000,
      timePaused: 30_000,
    })
    // The third chat waits with nobody: its own row, and the total adds both up.
    const nobody = body.rows.find((r: { key: string | null }) => r.key === null)
    expect(nobody).toMatchObject({ label: 'Nobody', received: 1, waiting: 1, accepted: 0 })
    expect(body.total).toMatchObject({
      received: 3,
      accepted: 1,
      missed: 1,
      waiting: 1,
      firstResponseFromQueue: 5_000,
      timeOnline: 60_000,
      timePaused: 30_000,
    })
  })

  it('gives the same numbers as CSV: BOM, header from the definitions, total last', async () => {
    const { admin } = await day()
    const response = await relay.fetch(`/v1/analytics/metrics.csv?${DAY}`, {
      headers: { cookie: admin },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="metrics-1970-01-01-1970-01-02.csv"',
    )
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = new TextDecoder().decode(bytes).slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toContain('First response from queue (s)')
    expect(lines.at(-1)).toMatch(/^Total,,3,1,1,1,0,5,5,/)
    expect(lines.find((l) => l.startsWith('Anna,'))).toMatch(/,5,5,3\.5,20,20,1,1,60,30$/)
  })
})

describe('who may read the reports', () => {
  it('refuses anonymous callers and operators, and keeps a supervisor to their groups', async () => {
    relay = await injectRelay()
    const admin = await relay.login()
    const olga = await hire(admin, 'Olga')
    const sam = await hire(admin, 'Sam', 'supervisor')
    const anon = await relay.fetch(`/v1/analytics/metrics?${DAY}`)
    expect(anon.status).toBe(401)
    expect((await anon.json()).code).toBe('unauthorized')
    for (const path of ['metrics', 'metrics.csv', 'channels', 'channels.csv']) {
      const refused = await call(relay, olga.cookie, 'GET', `/v1/analytics/${path}?${DAY}`)
      expect(refused.status, path).toBe(403)
      expect(refused.body.code).toBe('forbidden')
    }
    expect((await call(relay, olga.cookie, 'GET', '/v1/analytics/live')).status).toBe(403)

    const created = await call(relay, admin, 'POST', '/v1/admin/sites/shop/groups', {
      name: 'VIP',
      members: [olga.id],
    })
    expect(created.status).toBe(201)
    const vip = created.body.group.id
    const theirs = await call(
      relay,
      sam.cookie,
      'GET',
      `/v1/analytics/metrics?${DAY}&groupId=${vip}`,
    )
    expect(theirs.status).toBe(403)
    expect(theirs.body.code).toBe('forbidden')
    const own = await call(relay, sam.cookie, 'GET', `/v1/analytics/metrics?${DAY}`)
    expect(own.status).toBe(200)
    const adminView = await call(relay, admin, 'GET', `/v1/analytics/metrics?${DAY}&groupId=${vip}`)
    expect(adminView.status).toBe(200)
  })

  it('answers bad input with a stable code', async () => {
    relay = await injectRelay()
    const admin = await relay.login()
    const cases: [string, number, string][] = [
      ['from=2026-01-02&to=2026-01-01', 400, 'period_invalid'],
      ['from=2026-02-30&to=2026-03-01', 400, 'period_invalid'],
      ['from=2026-1-1&to=2026-01-02', 400, 'bad_request'],
      ['from=2026-01-01&to=2026-01-02&groupBy=week', 400, 'bad_request'],
      ['from=2026-01-01&to=2026-01-02&channel=icq', 400, 'bad_request'],
      ['from=2026-01-01&to=2026-01-02&siteId=nowhere', 404, 'site_not_found'],
      ['from=2026-01-01&to=2026-01-02&groupId=nowhere', 404, 'group_not_found'],
      ['from=2026-01-01&to=2026-01-02&operatorId=nobody', 404, 'employee_not_found'],
    ]
    for (const [query, status, code] of cases) {
      const reply = await call(relay, admin, 'GET', `/v1/analytics/metrics?${query}`)
      expect([reply.status, reply.body.code], query).toEqual([status, code])
    }
  })

  it("counts the period in the site's zone", async () => {
    relay = await injectRelay()
    const admin = await relay.login()
    const days = { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null }
    const put = await call(relay, admin, 'PUT', '/v1/admin/sites/shop', {
      workingHours: { timeZone: 'Asia/Tokyo', days: { ...days, mon: ['09:00', '18:00'] } },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    const { body } = await call(
      relay,
      admin,
      'GET',
      '/v1/analytics/metrics?from=2026-01-01&to=2026-01-08&siteId=shop&groupBy=day',
    )
    expect(body.period).toMatchObject({
      timeZone: 'Asia/Tokyo',
      fromAt: Date.UTC(2025, 11, 31, 15),
    })
    expect(body.rows.map((r: { key: string }) => r.key)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
    ])
  })
})
