import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type FakeViber, startFakeViber, viberText } from '../../testing/fake-viber.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

let viber: FakeViber
let relay: TestRelay
let cookie: string
let clock: ReturnType<typeof manualClock>

async function api(method: string, path: string, body?: unknown) {
  const response = await relay.fetch(path, {
    method,
    headers: { cookie, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

async function addBot() {
  const { status, body } = await api('POST', '/v1/admin/contact-points', {
    kind: 'viber',
    siteId: 'shop',
    name: 'Shop',
    credentials: { token: 'viber-token' },
  })
  expect(status, JSON.stringify(body)).toBe(201)
  return body.contactPoint
}

const conversations = () => relay.stores.conversations.list(50)

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

beforeEach(async () => {
  viber = await startFakeViber({ token: 'viber-token' })
  clock = manualClock(Date.UTC(2026, 11, 2, 9))
  relay = await injectRelay({
    publicUrl: 'http://relay.test',
    now: clock.now,
    timers: clock.timers,
    channels: {
      secretKey: 'f'.repeat(64),
      viberApiRoot: viber.apiRoot,
      random: () => 0.5,
      policy: { perChatIntervalMs: 0, perBotIntervalMs: 0 },
    },
  })
  viber.reachRelayWith((url, init) => relay.fetch(url, init))
  cookie = await relay.login()
})
afterEach(async () => {
  await relay.close()
  await viber.close()
})

describe('a Viber contact point', () => {
  it('sets its webhook, which Viber checks with a signed callback the relay answers', async () => {
    const bot = await addBot()
    expect(bot).toMatchObject({ kind: 'viber', status: 'webhook', credentials: { token: 'set' } })
    expect(viber.webhook()).toBe(`http://relay.test/v1/channels/${bot.id}/webhook`)
    expect(viber.callsOf('set_webhook')[0]!.body.event_types).toEqual(
      expect.arrayContaining([
        'delivered',
        'seen',
        'failed',
        'subscribed',
        'unsubscribed',
        'conversation_started',
      ]),
    )
  })

  it('refuses callbacks without or with a wrong signature, storing nothing', async () => {
    await addBot()
    for (const signature of ['missing', 'wrong'] as const) {
      const response = await viber.callback(viberText('anna==', 'Forged'), signature)
      expect(response.status).toBe(403)
    }
    expect(await conversations()).toEqual([])
  })

  it('takes a message once however often Viber repeats it', async () => {
    await addBot()
    const message = viberText('anna==', 'Привет! Is delivery free?')
    expect((await viber.callback(message)).status).toBe(200)
    expect((await viber.callback(message)).status).toBe(200)
    const [conversation, ...rest] = await conversations()
    expect(rest).toEqual([])
    expect(conversation).toMatchObject({ channel: 'viber', visitorName: 'Anna' })
    const events = await relay.stores.conversations.eventsAfter(conversation!.id, 0, 10)
    expect(events.map((e) => e.text)).toEqual(['Привет! Is delivery free?'])
  })

  it('keeps apart two messages whose 64-bit tokens differ only past what a JSON number holds', async () => {
    await addBot()
    const one = `{"event":"message","timestamp":1,"message_token":9007199254740993,"sender":{"id":"anna=="},"message":{"type":"text","text":"One"}}`
    const two = one.replace('9007199254740993', '9007199254740992').replace('"One"', '"Two"')
    await viber.callback(one)
    await viber.callback(two)
    const [conversation] = await conversations()
    const events = await relay.stores.conversations.eventsAfter(conversation!.id, 0, 10)
    expect(events.map((e) => e.text)).toEqual(['One', 'Two'])
  })

  it("ties the chat to the site visitor by conversation_started's context", async () => {
    const bot = await addBot()
    void bot
    const { welcome } = await relay.visitor()
    await viber.callback(
      `{"event":"conversation_started","timestamp":2,"message_token":4912661846655238146,"type":"open","context":${JSON.stringify(welcome.startParam)},"user":{"id":"anna==","name":"Anna"},"subscribed":false}`,
    )
    await viber.callback(viberText('anna==', 'From the site'))
    const [conversation] = await conversations()
    expect(conversation!.visitorId).toBe(welcome.visitorId)
  })

  it("sends the operator's reply and follows it to delivered and seen, keeping the token exact", async () => {
    await addBot()
    const { socket } = await relay.operator({ cookie })
    await viber.callback(viberText('anna==', 'Hello?'))
    const { conversation } = await socket.next(ofType('conversation'))
    socket.send({ t: 'send', cid: 'r1', conversationId: conversation.id, text: 'Hello, Anna!' })
    const ack = await socket.next(ofType('ack'))
    await relay.app.channels.worker.idle()
    expect(viber.callsOf('send_message').map((c) => c.body)).toEqual([
      expect.objectContaining({
        receiver: 'anna==',
        type: 'text',
        text: 'Hello, Anna!',
        sender: { name: 'Shop' },
      }),
    ])
    const [row] = await relay.stores.channels.listOutbox(conversation.id)
    expect(row).toMatchObject({ eventId: ack.id, state: 'sent', externalId: '5741311803571721088' })
    await viber.callback(
      '{"event":"delivered","timestamp":3,"message_token":5741311803571721088,"user_id":"anna=="}',
    )
    expect(
      await socket.next(ofType('delivery', (f) => f.delivery.state === 'delivered')),
    ).toBeTruthy()
    await viber.callback(
      '{"event":"seen","timestamp":4,"message_token":5741311803571721088,"user_id":"anna=="}',
    )
    await socket.next(ofType('delivery', (f) => f.delivery.state === 'read'))
    const { body } = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(body.deliveries).toEqual([
      {
        eventId: ack.id,
        channel: 'viber',
        state: 'read',
        attempts: 1,
        error: null,
        updatedAt: expect.any(Number),
      },
    ])
  })

  it("refuses an operator's photo for a Viber chat, which takes text from the relay, storing nothing", async () => {
    await addBot()
    const { socket } = await relay.operator({ cookie })
    await viber.callback(viberText('anna==', 'A photo?'))
    const { conversation } = await socket.next(ofType('conversation'))
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'tin.png')
    const response = await relay.fetch(`/v1/conversations/${conversation.id}/attachments`, {
      method: 'POST',
      headers: { cookie },
      body: form,
    })
    expect(response.status).toBe(409)
    expect(await response.json()).toMatchObject({ code: 'attachment_channel_unsupported' })
    const stored = (relay.stores.db as SqliteDatabase).raw
      .prepare('SELECT COUNT(*) AS n FROM attachments')
      .get() as { n: number }
    expect(stored.n).toBe(0)
  })

  it('backs off status 12 and sends once it passes; a not-subscribed user (status 6) fails for good', async () => {
    await addBot()
    const { socket } = await relay.operator({ cookie })
    await viber.callback(viberText('anna==', 'Hello?'))
    const { conversation } = await socket.next(ofType('conversation'))
    viber.failNext('send_message', 12, 'tooManyRequests')
    socket.send({ t: 'send', cid: 'r1', conversationId: conversation.id, text: 'First' })
    await socket.next(ofType('ack'))
    await relay.app.channels.worker.idle()
    expect(viber.callsOf('send_message')).toHaveLength(1)
    // The first retry: 2 s with the jitter at its middle.
    clock.advance(2_000)
    await relay.app.channels.worker.idle()
    expect(viber.callsOf('send_message')).toHaveLength(2)
    viber.failNext('send_message', 6, 'notSubscribed')
    socket.send({ t: 'send', cid: 'r2', conversationId: conversation.id, text: 'Second' })
    await socket.next(ofType('ack', (f) => f.cid === 'r2'))
    await relay.app.channels.worker.idle()
    clock.advance(60 * 60_000)
    await relay.app.channels.worker.idle()
    expect(viber.callsOf('send_message')).toHaveLength(3)
    const { body } = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(body.deliveries.map((d: { state: string }) => d.state)).toEqual(['sent', 'failed'])
    expect(body.deliveries[1].error).toBe('notSubscribed (status 6)')
  })

  it('sends nothing to a user who unsubscribed', async () => {
    await addBot()
    const { socket } = await relay.operator({ cookie })
    await viber.callback(viberText('anna==', 'Hello?'))
    const { conversation } = await socket.next(ofType('conversation'))
    await viber.callback(
      '{"event":"unsubscribed","timestamp":5,"message_token":4912661846655238199,"user_id":"anna=="}',
    )
    socket.send({ t: 'send', cid: 'r1', conversationId: conversation.id, text: 'Still there?' })
    await socket.next(ofType('ack'))
    await relay.app.channels.worker.idle()
    expect(viber.callsOf('send_message')).toEqual([])
    expect(await relay.stores.channels.listOutbox(conversation.id)).toEqual([])
  })

  it('fails a message to a user Viber does not know (status 5) for good, and queues no more for them', async () => {
    await addBot()
    const { socket } = await relay.operator({ cookie })
    await viber.callback(viberText('anna==', 'Hello?'))
    const { conversation } = await socket.next(ofType('conversation'))
    viber.failNext('send_message', 5, 'receiverNotRegistered')
    socket.send({ t: 'send', cid: 'r1', conversationId: conversation.id, text: 'First' })
    await socket.next(ofType('ack'))
    await relay.app.channels.worker.idle()
    const failed = await socket.next(ofType('delivery', (f) => f.delivery.state === 'failed'))
    expect(failed.delivery).toMatchObject({ error: 'receiverNotRegistered (status 5)' })
    socket.send({ t: 'send', cid: 'r2', conversationId: conversation.id, text: 'Second' })
    await socket.next(ofType('ack', (f) => f.cid === 'r2'))
    await relay.app.channels.worker.idle()
    clock.advance(60 * 60_000)
    await relay.app.channels.worker.idle()
    expect(viber.callsOf('send_message')).toHaveLength(1)
    const { body } = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(body.deliveries).toEqual([
      expect.objectContaining({
        state: 'failed',
        attempts: 1,
        error: 'receiverNotRegistered (status 5)',
      }),
    ])
  })
})
