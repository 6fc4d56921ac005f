import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONSENT, FORM_SITES, MONDAY_NOON_MSK } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call, createScenario } from '../../testing/scenarios.ts'
import { type Frame, ofType, type TestSocket } from '../../testing/ws-client.ts'

let relay: TestRelay
let admin: string
let clock: number
const MINUTE = 60_000

beforeEach(async () => {
  clock = MONDAY_NOON_MSK
  relay = await injectRelay({
    sites: FORM_SITES,
    now: () => clock,
    rateLimit: { burst: 1000, perSecond: 1000 },
    requestLimits: { engage: { max: 100, windowMs: MINUTE } },
  })
  admin = await relay.login()
})
afterEach(async () => {
  await relay.close()
})

/** A group of site `shop` named `name`; returns its id. */
async function group(name: string): Promise<string> {
  const created = await call(relay, admin, 'POST', '/v1/admin/sites/shop/groups', { name })
  expect(created.status).toBe(201)
  return created.body.group.id
}
/** The id of site `shop`'s default group (where a conversation without a scenario group goes). */
async function defaultGroup(): Promise<string> {
  const { groups } = (await call(relay, admin, 'GET', '/v1/admin/sites/shop/groups')).body
  return groups.find((g: { isDefault: boolean }) => g.isDefault).id
}

const stats = async (query = '') =>
  (await call(relay, admin, 'GET', `/v1/admin/sites/shop/scenarios/stats${query}`)).body
const engage = (socket: TestSocket, cid: string, scenarioId: string, event: string) => {
  socket.send({ t: 'engage', cid, scenarioId, event, page: 'https://shop.example/catalog' })
  return socket.next(ofType('ack', (f) => f.cid === cid))
}
const conversationFor = (operator: TestSocket, id: string): Promise<Frame> =>
  operator.next(ofType('conversation', (f) => f.conversation.id === id)).then((f) => f.conversation)

describe('engage frames', () => {
  it('are acked with {cid, id, at}, stored once per cid, and refused for an unknown scenario', async () => {
    const scenario = await createScenario(relay, admin)
    const { socket } = await relay.visitor()
    const ack = await engage(socket, 'e1', scenario.id, 'impression')
    expect(ack).toEqual({ t: 'ack', cid: 'e1', id: expect.any(String), at: MONDAY_NOON_MSK })
    expect((await engage(socket, 'e1', scenario.id, 'impression')).id).toBe(ack.id)
    await engage(socket, 'e2', scenario.id, 'click')
    await engage(socket, 'e3', scenario.id, 'dismiss')
    socket.send({ t: 'engage', cid: 'e4', scenarioId: 'sc_nope', event: 'click', page: '/' })
    expect(await socket.next(ofType('error'))).toMatchObject({
      code: 'scenario_not_found',
      cid: 'e4',
    })
    socket.send({ t: 'engage', cid: 'e5', scenarioId: scenario.id, event: 'hover', page: '/' })
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'bad_frame', cid: 'e5' })
    expect((await stats()).scenarios).toEqual([
      {
        scenarioId: scenario.id,
        name: 'Catalog helper',
        impressions: 1,
        clicks: 1,
        dismissals: 1,
        conversions: { chat: 0, callback: 0, offline: 0, total: 0 },
        conversionRate: 0,
      },
    ])
  })
})

describe('POST /v1/sites/:site/engage', () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    relay.fetch('/v1/sites/shop/engage', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

  it('records an anonymous impression without a token, also from sendBeacon (text/plain)', async () => {
    const scenario = await createScenario(relay, admin)
    const event = { cid: 'h1', scenarioId: scenario.id, event: 'impression', page: '/catalog' }
    const first = await post(event)
    expect(first.status).toBe(200)
    expect(await first.json()).toEqual({ cid: 'h1', id: expect.any(String), at: MONDAY_NOON_MSK })
    const beacon = await post(JSON.stringify({ ...event, cid: 'h2' }), {
      'content-type': 'text/plain;charset=UTF-8',
    })
    expect(beacon.status).toBe(200)
    await post({ ...event, cid: 'h2' })
    const stored = await relay.stores.scenarios.stats('shop', 0, clock + 1)
    expect(stored[0]?.impressions).toBe(2)
  })

  it('ties the event to the visitor of a valid token and refuses a forged one', async () => {
    const scenario = await createScenario(relay, admin)
    const { welcome } = await relay.visitor()
    const body = { scenarioId: scenario.id, event: 'click', page: '/catalog', token: welcome.token }
    expect((await post(body)).status).toBe(200)
    const events = await relay.stores.scenarios.visitorEngagements('shop', welcome.visitorId, 0)
    expect(events).toMatchObject([{ scenarioId: scenario.id, event: 'click', page: '/catalog' }])
    const forged = await post({ ...body, token: `${welcome.token}x` })
    expect(forged.status).toBe(401)
    expect((await forged.json()).code).toBe('token_invalid')
  })

  it('answers an unknown scenario and a bad body with their codes', async () => {
    const scenario = await createScenario(relay, admin)
    const missing = await post({ scenarioId: 'sc_nope', event: 'click', page: '/' })
    expect(missing.status).toBe(404)
    expect((await missing.json()).code).toBe('scenario_not_found')
    const bad = await post({ scenarioId: scenario.id, event: 'stare', page: '/' })
    expect(bad.status).toBe(400)
    expect((await bad.json()).code).toBe('bad_request')
  })
})

describe('conversions', () => {
  it('attribute a chat started within the session after a click to the scenario and route it to its group', async () => {
    const sales = await group('Sales')
    await group('Support')
    const scenario = await createScenario(relay, admin, { routing: { group: 'sales' } })
    const other = await createScenario(relay, admin, {
      name: 'Other',
      routing: { group: 'support' },
    })
    const { socket: operator } = await relay.operator()
    const { socket } = await relay.visitor()
    await engage(socket, 'i1', scenario.id, 'impression')
    clock += MINUTE
    await engage(socket, 'c1', scenario.id, 'click')
    clock += MINUTE
    await engage(socket, 'i2', other.id, 'impression')
    clock += 20 * MINUTE
    socket.send({ t: 'send', cid: 'm1', text: 'Which tea is the strongest?' })
    const ack = await socket.next(ofType('ack', (f) => f.cid === 'm1'))
    // The scenario names the group (by name, in any case); the conversation is in it by id.
    expect(await conversationFor(operator, ack.conversationId)).toMatchObject({ group: sales })
    expect((await relay.app.conversations.get(ack.conversationId))?.group).toBe(sales)
    // The visitor's own summary carries it too.
    expect(await socket.next(ofType('conversation'))).toMatchObject({
      conversation: { group: sales },
    })

    const counts = (await stats()).scenarios
    expect(counts).toEqual([
      expect.objectContaining({
        scenarioId: scenario.id,
        impressions: 1,
        clicks: 1,
        conversions: { chat: 1, callback: 0, offline: 0, total: 1 },
        conversionRate: 1,
      }),
      expect.objectContaining({
        scenarioId: other.id,
        impressions: 1,
        conversions: expect.objectContaining({ total: 0 }),
      }),
    ])
  })

  it('attribute to the latest impression when nothing was clicked', async () => {
    await group('first')
    const secondGroup = await group('second')
    const first = await createScenario(relay, admin, { routing: { group: 'first' } })
    const second = await createScenario(relay, admin, { routing: { group: 'second' } })
    const { socket } = await relay.visitor()
    await engage(socket, 'i1', first.id, 'impression')
    clock += MINUTE
    await engage(socket, 'i2', second.id, 'impression')
    socket.send({ t: 'send', cid: 'm1', text: 'Hello' })
    const ack = await socket.next(ofType('ack'))
    expect((await relay.app.conversations.get(ack.conversationId))?.group).toBe(secondGroup)
  })

  it('are not attributed after 30 minutes without events, nor twice in one session', async () => {
    const sales = await group('sales')
    const general = await defaultGroup()
    const scenario = await createScenario(relay, admin)
    const { socket } = await relay.visitor()
    await engage(socket, 'i1', scenario.id, 'impression')
    clock += 31 * MINUTE
    socket.send({ t: 'send', cid: 'm1', text: 'Hello' })
    const late = await socket.next(ofType('ack', (f) => f.cid === 'm1'))
    // Not the scenario's doing: the site's default group.
    expect((await relay.app.conversations.get(late.conversationId))?.group).toBe(general)

    // A fresh impression converts once: a second conversation in the session is not its doing.
    await engage(socket, 'i2', scenario.id, 'impression')
    const callback = {
      t: 'callback',
      name: 'Anna',
      phone: '+79161234567',
      when: 'asap',
      consent: CONSENT,
    }
    socket.send({ ...callback, cid: 'cb1' })
    const first = await socket.next(ofType('ack', (f) => f.cid === 'cb1'))
    socket.send({ ...callback, cid: 'cb2' })
    const second = await socket.next(ofType('ack', (f) => f.cid === 'cb2'))
    const { conversations } = relay.app
    expect((await conversations.get(first.conversationId))?.group).toBe(sales)
    expect((await conversations.get(second.conversationId))?.group).toBe(general)
    expect((await stats()).scenarios[0].conversions).toEqual({
      chat: 0,
      callback: 1,
      offline: 0,
      total: 1,
    })
  })

  it('follow an explicit scenarioId on the frame, even without an impression on record', async () => {
    const vip = await group('VIP')
    const scenario = await createScenario(relay, admin, { routing: { group: 'vip' } })
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'Hi', scenarioId: scenario.id })
    const ack = await socket.next(ofType('ack'))
    expect((await relay.app.conversations.get(ack.conversationId))?.group).toBe(vip)
    expect((await stats()).scenarios[0].conversions.chat).toBe(1)
  })

  it('count callback requests and offline leads by kind, routed to the scenario group', async () => {
    const callbacks = await group('callbacks')
    const scenario = await createScenario(relay, admin, { routing: { group: callbacks } })
    const { socket: operator } = await relay.operator()
    const { socket } = await relay.visitor()
    await engage(socket, 'i1', scenario.id, 'impression')
    socket.send({
      t: 'callback',
      cid: 'cb1',
      name: 'Anna',
      phone: '+7 916 123-45-67',
      when: 'asap',
      consent: CONSENT,
    })
    const callback = await socket.next(ofType('ack', (f) => f.cid === 'cb1'))
    expect(await conversationFor(operator, callback.conversationId)).toMatchObject({
      kind: 'callback',
      group: callbacks,
    })
    socket.send({
      t: 'offline',
      cid: 'off1',
      name: 'Anna',
      email: 'anna@example.com',
      text: 'Call me',
      consent: CONSENT,
      scenarioId: scenario.id,
    })
    const offline = await socket.next(ofType('ack', (f) => f.cid === 'off1'))
    expect((await relay.app.conversations.get(offline.conversationId))?.group).toBe(callbacks)
    expect((await stats()).scenarios[0]).toMatchObject({
      impressions: 1,
      conversions: { chat: 0, callback: 1, offline: 1, total: 2 },
      conversionRate: 2,
    })
  })
})

describe('GET /v1/admin/sites/:site/scenarios/stats', () => {
  it('counts only events inside [from, to), given as epoch ms or ISO dates', async () => {
    const scenario = await createScenario(relay, admin)
    const idle = await createScenario(relay, admin, { name: 'Idle' })
    const { socket } = await relay.visitor()
    const day1 = clock
    await engage(socket, 'a', scenario.id, 'impression')
    await engage(socket, 'b', scenario.id, 'impression')
    clock = day1 + 24 * 60 * MINUTE
    await engage(socket, 'c', scenario.id, 'impression')
    await engage(socket, 'd', scenario.id, 'click')
    socket.send({ t: 'send', cid: 'm1', text: 'Hi' })
    await socket.next(ofType('ack', (f) => f.cid === 'm1'))

    const all = await stats()
    expect(all.scenarios[0]).toMatchObject({ impressions: 3, clicks: 1, conversionRate: 1 / 3 })
    expect(all.scenarios[1]).toEqual({
      scenarioId: idle.id,
      name: 'Idle',
      impressions: 0,
      clicks: 0,
      dismissals: 0,
      conversions: { chat: 0, callback: 0, offline: 0, total: 0 },
      conversionRate: 0,
    })
    const firstDay = await stats(`?from=${day1}&to=${day1 + 60 * MINUTE}`)
    expect(firstDay).toMatchObject({ from: day1, to: day1 + 60 * MINUTE })
    expect(firstDay.scenarios[0]).toMatchObject({ impressions: 2, clicks: 0, conversionRate: 0 })
    const secondDay = await stats(`?from=${new Date(day1 + 12 * 60 * MINUTE).toISOString()}`)
    expect(secondDay.scenarios[0]).toMatchObject({
      impressions: 1,
      clicks: 1,
      conversions: { chat: 1, total: 1 },
      conversionRate: 1,
    })
    const bad = await call(relay, admin, 'GET', '/v1/admin/sites/shop/scenarios/stats?from=soon')
    expect(bad.status).toBe(400)
    expect(bad.body.fields).toEqual([{ field: 'from', code: 'value_invalid' }])
  })

  it('keeps counting a deleted scenario, without its name', async () => {
    const scenario = await createScenario(relay, admin)
    const { socket } = await relay.visitor()
    await engage(socket, 'a', scenario.id, 'impression')
    await call(relay, admin, 'DELETE', `/v1/admin/sites/shop/scenarios/${scenario.id}`)
    expect((await stats()).scenarios).toEqual([
      expect.objectContaining({ scenarioId: scenario.id, impressions: 1 }),
    ])
    expect((await stats()).scenarios[0]).not.toHaveProperty('name')
  })
})

describe('POST /v1/sites/:site/engage from one address', () => {
  it('is rate limited per client address', async () => {
    const scenario = await createScenario(relay, admin)
    const body = JSON.stringify({ scenarioId: scenario.id, event: 'impression', page: '/' })
    const statuses: number[] = []
    for (let i = 0; i < 101; i++) {
      const response = await relay.fetch('/v1/sites/shop/engage', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      statuses.push(response.status)
    }
    // 100 a minute in this relay: the 101st within the minute is refused.
    expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true)
    expect(statuses[100]).toBe(429)
  })
})
