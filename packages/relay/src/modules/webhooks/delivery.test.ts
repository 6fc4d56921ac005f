import { WEBHOOK_EVENT_TYPES } from '@parley/protocol'
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
    const lead = ofConversation(got, callback).find((r) => r.payload!.type === 'lead.created')!
    expect(lead.payload!.data).toMatchObject({
      source: 'callback',
      contact: { name: 'Anna', phone: '+79161234567' },
      fields: { when: 'asap' },
    })
    const outside = got.filter((r) => r.payload!.conversationId === null)
    expect(outside.map((r) => [r.payload!.type, r.payload!.data.source ?? null])).toEqual([
      ['lead.created', 'chat'],
      ['visitor.identified', null],
    ])
    expect(outside[1]!.payload!.data).toMatchObject({
      visitor: { siteId: 'shop', visitorId: welcome.visitorId },
      userId: 'u-42',
      verified: false,
    })
    // Every subscribable type was sent.
    expect(new Set(types(got))).toEqual(new Set(WEBHOOK_EVENT_TYPES))
  })
})
