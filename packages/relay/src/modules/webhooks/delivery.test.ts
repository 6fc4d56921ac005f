import { WEBHOOK_EVENT_TYPES } from '@parley/protocol'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import type { RelayConfig } from '../../config/config.ts'
import { CONSENT, MONDAY_NOON_MSK, MOSCOW_OFFICE, TEMPLATE } from '../../testing/forms.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { type Received, type Receiver, startReceiver } from '../../testing/webhook-receiver.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
let receiver: Receiver
let admin: string
let clock: ReturnType<typeof manualClock>

afterEach(async () => {
  await relay.close()
  await receiver.close()
})

async function start(overrides: Partial<RelayConfig> = {}) {
  clock = manualClock(MONDAY_NOON_MSK)
  receiver = await startReceiver({ now: clock.now })
  relay = await injectRelay({
    sites: [
      {
        id: 'shop',
        locale: 'ru',
        agreement: TEMPLATE,
        workingHours: MOSCOW_OFFICE,
        prechat: { enabled: true, fields: ['name', 'email'] },
      },
      { id: 'other' },
    ],
    now: clock.now,
    timers: clock.timers,
    rateLimit: { burst: 1000, perSecond: 1000 },
    webhooks: { allowPrivateNetworks: ['127.0.0.1'], random: () => 0.5 },
    ...overrides,
  })
  admin = await relay.login()
}

async function endpoint(events: readonly string[] = WEBHOOK_EVENT_TYPES) {
  const created = await call(relay, admin, 'POST', '/v1/admin/webhooks', {
    url: receiver.url,
    events,
  })
  expect(created.status).toBe(201)
  receiver.secret = created.body.secret as string
  return created.body.endpoint as { id: string }
}

const types = (list: Received[]) => list.map((r) => r.payload!.type)
const ofConversation = (list: Received[], id: string) =>
  list.filter((r) => r.payload!.conversationId === id)

describe('webhook delivery', () => {
  it('delivers every event type once, signed, in order per conversation', async () => {
    await start()
    await endpoint()
    // A bot with an API token, to answer as a bot.
    const bot = await call(relay, admin, 'POST', '/v1/admin/employees', {
      kind: 'bot',
      name: 'Helper',
      role: 'admin',
    })
    const token = await call(relay, admin, 'POST', '/v1/admin/tokens', {
      name: 'bot',
      employeeId: (bot.body.employee as { id: string }).id,
      scopes: ['conversations:read', 'conversations:reply', 'conversations:read_all'],
    })
    const { socket: operator } = await relay.operator()
    const { socket: visitor, welcome } = await relay.visitor()

    visitor.send({
      t: 'prechat',
      cid: 'p1',
      name: 'Anna',
      email: 'anna@example.com',
      consent: CONSENT,
    })
    await visitor.next(ofType('ack', (f) => f.cid === 'p1'))
    visitor.send({ t: 'identify', cid: 'i1', userId: 'u-42', name: 'Anna' })
    await visitor.next(ofType('ack', (f) => f.cid === 'i1'))
    visitor.send({ t: 'send', cid: 'm1', text: 'Hello' })
    const chat = (await visitor.next(ofType('ack', (f) => f.cid === 'm1'))).conversationId
    // Routing gives the chat to the admin, who is online.
    await operator.next(ofType('conversation', (f) => f.conversation.operator?.id !== undefined))
    operator.send({ t: 'send', cid: 'o1', conversationId: chat, text: 'Hi Anna' })
    await operator.next(ofType('ack', (f) => f.cid === 'o1'))
    const { socket: botSocket } = await relay.operator({ apiToken: token.body.token as string })
    botSocket.send({ t: 'send', cid: 'b1', conversationId: chat, text: 'A bot here' })
    await botSocket.next(ofType('ack', (f) => f.cid === 'b1'))
    operator.send({ t: 'close', cid: 'x1', conversationId: chat })
    await operator.next(ofType('ack', (f) => f.cid === 'x1'))
    visitor.send({ t: 'rate', cid: 'r1', conversationId: chat, rating: 5 })
    await visitor.next(ofType('ack', (f) => f.cid === 'r1'))
    visitor.send({
      t: 'callback',
      cid: 'cb1',
      name: 'Anna',
      phone: '8 (916) 123-45-67',
      when: 'asap',
      consent: CONSENT,
    })
    const callback = (await visitor.next(ofType('ack', (f) => f.cid === 'cb1'))).conversationId
    operator.send({ t: 'send', cid: 'o2', conversationId: callback, text: 'Calling you' })
    await operator.next(ofType('ack', (f) => f.cid === 'o2'))
    operator.send({ t: 'close', cid: 'x2', conversationId: callback })
    await operator.next(ofType('ack', (f) => f.cid === 'x2'))

    const expected = 16
    await receiver.until((r) => r.length >= expected)
    await relay.app.webhooks.worker.idle()
    const got = receiver.received
    expect(got).toHaveLength(expected)
    expect(got.every((r) => r.verified && r.signature.startsWith('v1,'))).toBe(true)
    expect(new Set(got.map((r) => r.id)).size).toBe(expected)
    expect(types(ofConversation(got, chat))).toEqual([
      'conversation.created',
      // The visitor left an email in the pre-chat form: the chat is a lead.
      'lead.created',
      'message.created',
      'conversation.assigned',
      'message.created',
      'message.created',
      'conversation.closed',
      'rating.created',
    ])
    expect(
      ofConversation(got, chat)
        .filter((r) => r.payload!.type === 'message.created')
        .map((r) => [r.payload!.data.author, r.payload!.data.message.text]),
    ).toEqual([
      ['visitor', 'Hello'],
      ['operator', 'Hi Anna'],
      ['bot', 'A bot here'],
    ])
    expect(types(ofConversation(got, callback))).toEqual([
      'conversation.created',
      'lead.created',
      'message.created',
      'conversation.assigned',
      'callback.status_changed',
      'conversation.closed',
      'callback.status_changed',
    ])
    const leadOf = (id: string) =>
      ofConversation(got, id).find((r) => r.payload!.type === 'lead.created')!.payload!.data
    // One shape (`LeadCreatedData`), what the CRM connectors file too.
    expect(leadOf(callback)).toEqual({
      kind: 'callback',
      conversationId: callback,
      siteId: 'shop',
      visitorId: welcome.visitorId,
      name: 'Anna',
      phone: '+79161234567',
      email: 'anna@example.com',
      when: 'asap',
      consoleUrl: `/console/#conversation=${callback}`,
      transcript: expect.stringMatching(/^\[\d{4}-\d\d-\d\d \d\d:\d\d UTC\] Anna: \(form\) /),
    })
    expect(leadOf(chat)).toMatchObject({
      kind: 'chat-contact',
      conversationId: chat,
      name: 'Anna',
      email: 'anna@example.com',
      transcript: expect.stringMatching(/\] Anna: Hello$/),
    })
    const outside = got.filter((r) => r.payload!.conversationId === null)
    expect(types(outside)).toEqual(['visitor.identified'])
    expect(outside[0]!.payload!.data).toMatchObject({
      visitor: { siteId: 'shop', visitorId: welcome.visitorId },
      userId: 'u-42',
      verified: false,
    })
    // Every subscribable type was sent.
    expect(new Set(types(got))).toEqual(new Set(WEBHOOK_EVENT_TYPES))
  })
})

/** Lets the worker finish what the clock made due. */
async function settle() {
  await relay.app.webhooks.worker.idle()
}

/** Moves the relay's clock in steps, letting due deliveries run at each. */
async function advance(totalMs: number, stepMs = 60_000) {
  for (let done = 0; done < totalMs; done += stepMs) {
    clock.advance(Math.min(stepMs, totalMs - done))
    await settle()
  }
}

async function visitorSays(texts: string[]) {
  const { socket } = await relay.visitor()
  let conversationId = ''
  for (const [i, text] of texts.entries()) {
    socket.send({ t: 'send', cid: `m${i}`, text })
    conversationId = (await socket.next(ofType('ack', (f) => f.cid === `m${i}`))).conversationId
  }
  return conversationId
}

const texts = (list: Received[]) => list.map((r) => r.payload!.data.message.text)

describe('retries', () => {
  it('delivers everything once the receiver is back (503, then refused connections), in order, without duplicates', async () => {
    await start()
    const hook = await endpoint(['message.created'])
    receiver.answer = 503
    await visitorSays(['one', 'two', 'three'])
    await receiver.until((r) => r.length === 1)
    await settle()
    // The first waits 5 s (jitter 0.5 → ×1.0); the others wait behind it.
    await advance(4_999, 4_999)
    expect(receiver.received).toHaveLength(1)
    await advance(1, 1)
    await receiver.until((r) => r.length === 2)
    await settle()
    await receiver.stop()
    await advance(10_000, 10_000) // refused: nothing reaches the receiver
    expect(receiver.received).toHaveLength(2)
    await receiver.resume()
    receiver.answer = 204
    await advance(20_000, 20_000)
    await receiver.until((r) => r.length === 5)
    await settle()
    expect(receiver.received.map((r) => r.status)).toEqual([503, 503, 204, 204, 204])
    expect(texts(receiver.accepted())).toEqual(['one', 'two', 'three'])
    expect(new Set(receiver.accepted().map((r) => r.id)).size).toBe(3)
    // The retries of the first carried the same webhook-id.
    expect(receiver.received[0]!.id).toBe(receiver.received[2]!.id)

    const log = await call(relay, admin, 'GET', `/v1/admin/webhooks/${hook.id}/deliveries`)
    const first = log.body.deliveries.at(-1)
    expect(first).toMatchObject({ state: 'delivered', messageId: receiver.received[0]!.id })
    expect(first.attempts.map((a: { status: number | null }) => a.status)).toEqual([
      503,
      503,
      null,
      204,
    ])
    // Refused, or a pooled connection found closed: either way nothing was received.
    expect(first.attempts[2].error).toMatch(/ECONNREFUSED|UND_ERR_SOCKET/)
    expect(first.attempts[3]).toMatchObject({ ok: true, excerpt: '' })
    expect(first.attempts[0]).toMatchObject({ ok: false, excerpt: 'ok', error: 'HTTP 503' })
  })

  it('gives a delivery up 3 days after it was queued, then sends the next one', async () => {
    await start({
      webhooks: {
        allowPrivateNetworks: ['127.0.0.1'],
        random: () => 0.5,
        policy: { disableAfterMs: 10 * 24 * 3_600_000 },
      },
    })
    const hook = await endpoint(['message.created'])
    receiver.answer = (payload) => (payload.data.message.text === 'doomed' ? 500 : 204)
    await visitorSays(['doomed', 'next'])
    await receiver.until((r) => r.length === 1)
    await settle()
    await advance(72 * 3_600_000 - 60_000, 30 * 60_000)
    // Only the first was tried so far: the second waits behind it.
    expect(receiver.received.every((r) => r.payload!.data.message.text === 'doomed')).toBe(true)
    const tries = receiver.received.length
    await advance(2 * 3_600_000, 30 * 60_000)
    await receiver.until((r) => r.some((x) => x.status === 204))
    await settle()
    const log = (await call(relay, admin, 'GET', `/v1/admin/webhooks/${hook.id}/deliveries`)).body
    expect(log.deliveries.map((d: { state: string }) => d.state)).toEqual(['delivered', 'dead'])
    const [next, doomed] = log.deliveries
    // Doubling from 5 s up to 2 h: about 45 tries in 3 days, the last one at the 3-day mark.
    expect(tries).toBeGreaterThan(30)
    expect(doomed.attempts).toHaveLength(tries + 1)
    // (The clock moves in 30-minute steps: an attempt is logged at the end of its step.)
    const lastTry = doomed.attempts.at(-1).at - MONDAY_NOON_MSK
    expect(lastTry).toBeGreaterThanOrEqual(72 * 3_600_000)
    expect(lastTry).toBeLessThanOrEqual(72 * 3_600_000 + 30 * 60_000)
    expect(next.attempts[0].at).toBeGreaterThanOrEqual(doomed.attempts.at(-1).at)
    expect(texts(receiver.accepted())).toEqual(['next'])
  })

  it('turns an endpoint off after 24 hours of failures, says why, keeps what waits and sends it when turned on', async () => {
    await start()
    const hook = await endpoint(['message.created'])
    receiver.answer = 503
    await visitorSays(['kept'])
    await receiver.until((r) => r.length === 1)
    await settle()
    await advance(23 * 3_600_000, 30 * 60_000)
    let listed = (await call(relay, admin, 'GET', '/v1/admin/webhooks')).body.endpoints[0]
    expect(listed).toMatchObject({ active: true, disabledReason: null })
    await advance(3 * 3_600_000, 30 * 60_000)
    listed = (await call(relay, admin, 'GET', '/v1/admin/webhooks')).body.endpoints[0]
    expect(listed.active).toBe(false)
    expect(listed.disabledReason).toMatch(
      /^Every delivery failed for 2[45] hours \(last: HTTP 503\)$/,
    )
    const tries = receiver.received.length
    // Off: nothing more is tried, and a new event is not queued for it.
    await visitorSays(['while off'])
    await advance(6 * 3_600_000, 30 * 60_000)
    expect(receiver.received).toHaveLength(tries)

    receiver.answer = 204
    const on = await call(relay, admin, 'PATCH', `/v1/admin/webhooks/${hook.id}`, { active: true })
    expect(on.body.endpoint).toMatchObject({ active: true, disabledReason: null })
    await receiver.until((r) => r.some((x) => x.status === 204))
    await settle()
    expect(texts(receiver.accepted())).toEqual(['kept'])
  })
})

describe('signatures', () => {
  it("a receiver's verify rejects a tampered body, a changed timestamp and another secret", async () => {
    await start()
    await endpoint(['message.created'])
    await visitorSays(['sign me'])
    await receiver.until((r) => r.length === 1)
    const [got] = receiver.received
    expect(got!.verified).toBe(true)
    const headers = {
      'webhook-id': got!.id,
      'webhook-timestamp': got!.timestamp,
      'webhook-signature': got!.signature,
    }
    const verify = (secret: string, body: string, h = headers) => {
      const real = Date.now
      Date.now = clock.now
      try {
        return new Webhook(secret).verify(body, h)
      } finally {
        Date.now = real
      }
    }
    expect(verify(receiver.secret, got!.body)).toMatchObject({ type: 'message.created' })
    expect(() => verify(receiver.secret, got!.body.replace('sign me', 'sign us'))).toThrow()
    expect(() =>
      verify(receiver.secret, got!.body, {
        ...headers,
        'webhook-timestamp': String(Number(got!.timestamp) + 1),
      }),
    ).toThrow()
    expect(() =>
      verify(`whsec_${Buffer.from('another key').toString('base64')}`, got!.body),
    ).toThrow()
    expect(got!.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
    expect(Number(got!.timestamp)).toBe(Math.floor(clock.now() / 1000))
  })

  it('signs with the new secret at once after rotation (the old one fails verify)', async () => {
    await start()
    const hook = await endpoint(['message.created'])
    const old = receiver.secret
    const rotated = await call(relay, admin, 'POST', `/v1/admin/webhooks/${hook.id}/rotate-secret`)
    expect(rotated.status).toBe(200)
    expect(rotated.body.secret).toMatch(/^whsec_/)
    expect(rotated.body.secret).not.toBe(old)
    receiver.secret = old
    await visitorSays(['after rotation'])
    await receiver.until((r) => r.length === 1)
    expect(receiver.received[0]).toMatchObject({ verified: false, status: 400 })
    receiver.secret = rotated.body.secret
    await settle()
    await advance(5_000, 5_000)
    await receiver.until((r) => r.length === 2)
    expect(receiver.received[1]).toMatchObject({ verified: true, status: 204 })
    // The secret is never shown again.
    const listed = await call(relay, admin, 'GET', '/v1/admin/webhooks')
    expect(JSON.stringify(listed.body)).not.toContain(rotated.body.secret.slice(6))
  })
})

describe('the delivery log, resend and test events', () => {
  it('sends a test event, resends a delivered event with the same webhook-id, logs each attempt', async () => {
    await start()
    const hook = await endpoint(['conversation.created'])
    const test = await call(relay, admin, 'POST', `/v1/admin/webhooks/${hook.id}/test`)
    expect(test.status).toBe(202)
    expect(test.body.delivery).toMatchObject({
      type: 'webhook.test',
      state: 'pending',
      attempts: [],
    })
    await receiver.until((r) => r.length === 1)
    await settle()
    expect(receiver.received[0]!.payload).toMatchObject({
      type: 'webhook.test',
      data: { endpointId: hook.id },
    })
    await visitorSays(['hello'])
    await receiver.until((r) => r.length === 2)
    await settle()
    const log = (await call(relay, admin, 'GET', `/v1/admin/webhooks/${hook.id}/deliveries`)).body
    expect(log.deliveries.map((d: { type: string }) => d.type)).toEqual([
      'conversation.created',
      'webhook.test',
    ])
    const created = log.deliveries[0]
    expect(created.attempts).toEqual([
      {
        at: clock.now(),
        ok: true,
        status: 204,
        latencyMs: expect.any(Number),
        excerpt: '',
        error: null,
      },
    ])
    const again = await call(
      relay,
      admin,
      'POST',
      `/v1/admin/webhooks/${hook.id}/deliveries/${created.id}/resend`,
    )
    expect(again.status).toBe(202)
    await receiver.until((r) => r.length === 3)
    expect(receiver.received[2]!.id).toBe(receiver.received[1]!.id)
    expect(receiver.received[2]!.body).toBe(receiver.received[1]!.body)

    const missing = await call(
      relay,
      admin,
      'POST',
      `/v1/admin/webhooks/${hook.id}/deliveries/999/resend`,
    )
    expect(missing).toMatchObject({ status: 404, body: { code: 'webhook_delivery_not_found' } })
    const gone = await call(relay, admin, 'POST', '/v1/admin/webhooks/wh_nope/test')
    expect(gone).toMatchObject({ status: 404, body: { code: 'webhook_not_found' } })
  })

  it('keeps at most 1 KB of a reply body in the log', async () => {
    await start()
    const hook = await endpoint(['conversation.created'])
    await receiver.close()
    const { createServer } = await import('node:http')
    let asked!: () => void
    const request = new Promise<void>((r) => {
      asked = r
    })
    const big = createServer((_req, res) => {
      res.writeHead(500)
      res.end('é'.repeat(4000))
      asked()
    })
    await new Promise<void>((r) => big.listen(receiver.port, '127.0.0.1', r))
    try {
      await visitorSays(['hello'])
      await request
      await settle()
      const log = (await call(relay, admin, 'GET', `/v1/admin/webhooks/${hook.id}/deliveries`)).body
      const [attempt] = log.deliveries[0].attempts
      expect(attempt.status).toBe(500)
      expect(Buffer.byteLength(attempt.excerpt)).toBeLessThanOrEqual(1024)
      expect(attempt.excerpt).toBe('é'.repeat(512))
    } finally {
      big.closeAllConnections()
      await new Promise((r) => big.close(r))
    }
  })
})

describe('the SSRF guard at delivery', () => {
  it('checks the address again when connecting: a host rebound to loopback after saving is refused', async () => {
    let answers = ['93.184.216.34']
    await start({
      webhooks: { allowPrivateNetworks: false, random: () => 0.5, resolve: async () => answers },
    })
    const created = await call(relay, admin, 'POST', '/v1/admin/webhooks', {
      url: `http://rebind.example:${receiver.port}/hook`,
      events: ['message.created'],
    })
    expect(created.status).toBe(201)
    receiver.secret = created.body.secret
    // The receiver really is on 127.0.0.1: were the guard not asked again, it would get this.
    answers = ['127.0.0.1']
    await visitorSays(['to the intranet'])
    await settle()
    const log = await call(
      relay,
      admin,
      'GET',
      `/v1/admin/webhooks/${created.body.endpoint.id}/deliveries`,
    )
    const [attempt] = log.body.deliveries[0].attempts
    expect(attempt).toMatchObject({ ok: false, status: null })
    expect(attempt.error).toMatch(/127\.0\.0\.1, which is not allowed/)
    expect(receiver.received).toEqual([])
  })
})

describe('independent conversations', () => {
  it('delivers other conversations while one hangs on the receiver', async () => {
    await start()
    await endpoint(['message.created'])
    receiver.answer = (payload) => (payload.data.message.text === 'stuck' ? 'hang' : 204)
    await visitorSays(['stuck'])
    await receiver.until((r) => r.length === 1)
    await visitorSays(['free one'])
    await visitorSays(['free two'])
    await receiver.until((r) => r.filter((x) => x.status === 204).length === 2)
    expect(texts(receiver.accepted())).toEqual(['free one', 'free two'])
  })
})
