import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type FakeVk, startFakeVk, vkMessage, vkMessageRead } from '../../testing/fake-vk.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'
import { randomIdOf } from './vk/channel.ts'

const SECRET = 'callback-secret'
let vk: FakeVk
let relay: TestRelay
let cookie: string
let clock: ReturnType<typeof manualClock>
let hook: string

async function api(method: string, path: string, body?: unknown) {
  const response = await relay.fetch(path, {
    method,
    headers: { cookie, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

/** Posts a Callback API request as VK does; returns the status and the answer's text. */
async function callback(body: unknown) {
  const response = await relay.fetch(hook, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: response.status, text: await response.text() }
}

const conversations = () => relay.stores.conversations.list(50)

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

/** The operator's photo for a conversation, uploaded as the console's composer does. */
async function uploadPhoto(conversationId: string) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'tin.png')
  const response = await relay.fetch(`/v1/conversations/${conversationId}/attachments`, {
    method: 'POST',
    headers: { cookie },
    body: form,
  })
  return { status: response.status, body: await response.json() }
}

beforeEach(async () => {
  vk = await startFakeVk({ token: 'vk-token' })
  clock = manualClock(Date.UTC(2026, 11, 2, 9))
  relay = await injectRelay({
    publicUrl: 'https://chat.example.com',
    now: clock.now,
    timers: clock.timers,
    channels: {
      secretKey: '0'.repeat(64),
      vkApiBaseUrl: vk.apiBaseUrl,
      random: () => 0.5,
      policy: { perChatIntervalMs: 0, perBotIntervalMs: 0 },
    },
  })
  cookie = await relay.login()
  const { status, body } = await api('POST', '/v1/admin/contact-points', {
    kind: 'vk',
    siteId: 'shop',
    name: 'Shop community',
    credentials: { token: 'vk-token', secret: SECRET, confirmation: 'a1b2c3d4' },
  })
  expect(status, JSON.stringify(body)).toBe(201)
  expect(body.contactPoint).toMatchObject({
    status: 'webhook',
    credentials: { token: 'set', secret: 'set', confirmation: 'set' },
  })
  hook = body.contactPoint.webhookPath
})
afterEach(async () => {
  await relay.close()
  await vk.close()
})

describe('a VK community', () => {
  it('answers the confirmation handshake with its string, and everything else with ok', async () => {
    const confirm = await callback({ type: 'confirmation', group_id: 229000001, secret: SECRET })
    expect(confirm).toEqual({ status: 200, text: 'a1b2c3d4' })
    expect(await callback(vkMessage(7001, 'Hi', SECRET))).toEqual({ status: 200, text: 'ok' })
  })

  it('refuses a request without or with a wrong secret, and stores nothing', async () => {
    for (const secret of [undefined, 'guessed']) {
      const body = { ...vkMessage(7001, 'Forged', SECRET), secret }
      expect((await callback(body)).status).toBe(403)
    }
    expect((await callback({ type: 'confirmation', group_id: 229000001 })).status).toBe(403)
    expect(await conversations()).toEqual([])
  })

  it('takes a repeated event_id once', async () => {
    const message = vkMessage(7001, 'Where is my order?', SECRET)
    await callback(message)
    await callback(message)
    const [conversation, ...rest] = await conversations()
    expect(rest).toEqual([])
    expect(conversation).toMatchObject({ channel: 'vk', lastText: 'Where is my order?' })
    expect(await relay.stores.conversations.eventsAfter(conversation!.id, 0, 10)).toHaveLength(1)
  })

  it('ties the chat to the site visitor by the ref of the vk.me link', async () => {
    const { welcome } = await relay.visitor()
    await callback(vkMessage(7001, 'From the site', SECRET, { ref: welcome.startParam }))
    const [conversation] = await conversations()
    expect(conversation!.visitorId).toBe(welcome.visitorId)
  })

  it("sends the operator's reply with a random_id from its id, so a resend is dropped by VK", async () => {
    const { socket } = await relay.operator({ cookie })
    await callback(vkMessage(7001, 'Hello?', SECRET))
    const { conversation } = await socket.next(ofType('conversation'))
    socket.send({
      t: 'send',
      cid: 'r1',
      conversationId: conversation.id,
      text: 'Hello from the shop',
    })
    const ack = await socket.next(ofType('ack'))
    await relay.app.channels.worker.idle()
    const [call] = vk.callsOf('messages.send')
    expect(call!.params).toMatchObject({
      peer_id: '7001',
      message: 'Hello from the shop',
      random_id: String(randomIdOf(ack.id)),
      access_token: 'vk-token',
    })
    // A relay killed after VK took the message but before it stored so sends it again.
    const raw = (relay.stores.db as SqliteDatabase).raw
    raw.prepare("UPDATE channel_outbox SET state = 'pending', external_id = NULL").run()
    relay.app.channels.worker.kick()
    await relay.app.channels.worker.idle()
    expect(vk.callsOf('messages.send')).toHaveLength(2)
    expect(vk.delivered.map((m) => m.text)).toEqual(['Hello from the shop'])
    const { body } = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(body.deliveries).toEqual([expect.objectContaining({ eventId: ack.id, state: 'sent' })])
  })

  it("sends an operator's photo through VK's upload server, attached to the message with the caption", async () => {
    const { socket } = await relay.operator({ cookie })
    await callback(vkMessage(7001, 'Can I see the tin?', SECRET))
    const { conversation } = await socket.next(ofType('conversation'))
    const first = await uploadPhoto(conversation.id)
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    socket.send({
      t: 'send',
      cid: 'p1',
      conversationId: conversation.id,
      text: 'Here it is',
      attachmentId: first.body.attachment.id,
    })
    const ack = await socket.next(ofType('ack', (f) => f.cid === 'p1'))
    await relay.app.channels.worker.idle()
    expect(vk.calls.map((c) => c.method)).toEqual([
      'groups.getById',
      'photos.getMessagesUploadServer',
      'photos.saveMessagesPhoto',
      'messages.send',
    ])
    expect(vk.callsOf('photos.getMessagesUploadServer')[0]!.params.peer_id).toBe('7001')
    expect(vk.delivered).toEqual([
      {
        peerId: '7001',
        text: 'Here it is',
        randomId: String(randomIdOf(ack.id)),
        id: expect.any(Number),
        attachment: 'photo-229000001_457239001',
      },
    ])
    expect(vk.photos.get('photo-229000001_457239001')).toEqual({ name: 'tin.png', data: PNG })

    // No caption: the photo alone.
    const second = await uploadPhoto(conversation.id)
    socket.send({
      t: 'send',
      cid: 'p2',
      conversationId: conversation.id,
      text: '',
      attachmentId: second.body.attachment.id,
    })
    await socket.next(ofType('ack', (f) => f.cid === 'p2'))
    await relay.app.channels.worker.idle()
    expect(vk.delivered.map((m) => [m.text, m.attachment])).toEqual([
      ['Here it is', 'photo-229000001_457239001'],
      ['', 'photo-229000001_457239002'],
    ])
    const { body } = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(body.deliveries.map((d: { state: string }) => d.state)).toEqual(['sent', 'sent'])
  })

  it('retries a photo whose save failed, and the message still arrives once', async () => {
    const { socket } = await relay.operator({ cookie })
    await callback(vkMessage(7001, 'Photo?', SECRET))
    const { conversation } = await socket.next(ofType('conversation'))
    const { body } = await uploadPhoto(conversation.id)
    vk.failNext('photos.saveMessagesPhoto', 10, 'Internal server error')
    socket.send({
      t: 'send',
      cid: 'p3',
      conversationId: conversation.id,
      text: 'Here',
      attachmentId: body.attachment.id,
    })
    await socket.next(ofType('ack', (f) => f.cid === 'p3'))
    await relay.app.channels.worker.idle()
    expect(vk.delivered).toEqual([])
    clock.advance(60_000)
    await relay.app.channels.worker.idle()
    expect(vk.callsOf('photos.saveMessagesPhoto')).toHaveLength(2)
    expect(vk.delivered.map((m) => [m.text, m.attachment])).toEqual([
      ['Here', 'photo-229000001_457239001'],
    ])
  })

  it('backs off flood control (error 9), and fails for good a user who denied messages (901)', async () => {
    const { socket } = await relay.operator({ cookie })
    await callback(vkMessage(7001, 'Hello?', SECRET))
    const { conversation } = await socket.next(ofType('conversation'))
    vk.failNext('messages.send', 9, 'Flood control')
    socket.send({ t: 'send', cid: 'r1', conversationId: conversation.id, text: 'One' })
    await socket.next(ofType('ack'))
    await relay.app.channels.worker.idle()
    expect(vk.delivered).toEqual([])
    clock.advance(2_000)
    await relay.app.channels.worker.idle()
    expect(vk.delivered.map((m) => m.text)).toEqual(['One'])
    vk.failNext('messages.send', 901, "Can't send messages for users without permission")
    socket.send({ t: 'send', cid: 'r2', conversationId: conversation.id, text: 'Two' })
    await socket.next(ofType('ack', (f) => f.cid === 'r2'))
    await relay.app.channels.worker.idle()
    clock.advance(60 * 60_000)
    await relay.app.channels.worker.idle()
    expect(vk.callsOf('messages.send')).toHaveLength(3)
    const { body } = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(body.deliveries.map((d: { state: string }) => d.state)).toEqual(['sent', 'failed'])
  })

  it('backs off too many requests per second (error 6) on the clock, not in vk-io, and sends once', async () => {
    const { socket } = await relay.operator({ cookie })
    await callback(vkMessage(7001, 'Hello?', SECRET))
    const { conversation } = await socket.next(ofType('conversation'))
    vk.failNext('messages.send', 6, 'Too many requests per second')
    socket.send({ t: 'send', cid: 'r1', conversationId: conversation.id, text: 'One' })
    await socket.next(ofType('ack'))
    await relay.app.channels.worker.idle()
    // One call: vk-io did not retry it behind the outbox's back.
    expect(vk.callsOf('messages.send')).toHaveLength(1)
    const { body } = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(body.deliveries).toEqual([
      expect.objectContaining({
        state: 'pending',
        attempts: 1,
        error: 'Code №6 - Too many requests per second',
      }),
    ])
    // The first retry waits 2 s (the jitter at its middle).
    clock.advance(1_999)
    await relay.app.channels.worker.idle()
    expect(vk.callsOf('messages.send')).toHaveLength(1)
    clock.advance(1)
    await relay.app.channels.worker.idle()
    expect(vk.delivered.map((m) => m.text)).toEqual(['One'])
    expect(vk.callsOf('messages.send')).toHaveLength(2)
  })

  it('marks our messages read up to the one VK says the visitor read (message_read), once', async () => {
    const { socket } = await relay.operator({ cookie })
    await callback(vkMessage(7001, 'Hello?', SECRET))
    const { conversation } = await socket.next(ofType('conversation'))
    const ids: string[] = []
    for (const text of ['One', 'Two', 'Three']) {
      socket.send({ t: 'send', cid: text, conversationId: conversation.id, text })
      ids.push((await socket.next(ofType('ack', (f) => f.cid === text))).id)
      await relay.app.channels.worker.idle()
    }
    // VK numbered them as it took them.
    expect(vk.delivered.map((m) => [m.text, m.id])).toEqual([
      ['One', 1001],
      ['Two', 1002],
      ['Three', 1003],
    ])
    const read = vkMessageRead(7001, 1002, SECRET)
    expect(await callback(read)).toEqual({ status: 200, text: 'ok' })
    const frames = [
      await socket.next(ofType('delivery', (f) => f.delivery.state === 'read')),
      await socket.next(ofType('delivery', (f) => f.delivery.state === 'read')),
    ]
    expect(frames.map((f) => f.delivery.eventId)).toEqual([ids[0], ids[1]])
    const states = async () =>
      (await api('GET', `/v1/conversations/${conversation.id}/deliveries`)).body.deliveries.map(
        (d: { state: string }) => d.state,
      )
    expect(await states()).toEqual(['read', 'read', 'sent'])
    // A repeated event changes nothing; a forged one is refused; a later one reads the rest.
    expect(await callback(read)).toEqual({ status: 200, text: 'ok' })
    expect(
      (await callback({ ...vkMessageRead(7001, 1003, SECRET), secret: 'guessed' })).status,
    ).toBe(403)
    expect(await states()).toEqual(['read', 'read', 'sent'])
    await callback(vkMessageRead(7001, 1003, SECRET))
    expect(await states()).toEqual(['read', 'read', 'read'])
  })
})
