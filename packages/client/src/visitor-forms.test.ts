import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import WebSocket from 'ws'
import type { ParleyError } from './errors.ts'
import { type KeyValueStorage, memoryStorage } from './storage.ts'
import { FakeRelay, until } from './test/fake-relay.ts'
import { createVisitorClient } from './visitor-client.ts'
import type { VisitorClient } from './visitor-types.ts'

let relay: FakeRelay
const clients: VisitorClient[] = []

beforeEach(async () => {
  relay = await FakeRelay.start()
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  vi.unstubAllGlobals()
  await relay.close()
})

function visitor(
  storage: KeyValueStorage = memoryStorage(),
  socket: typeof WebSocket | null = WebSocket,
): VisitorClient {
  const client = createVisitorClient({
    host: relay.url,
    site: 'site-1',
    ...(socket ? { WebSocket: socket } : {}),
    storage,
    random: () => 0.5,
    backoff: { baseMs: 5, capMs: 20 },
  })
  clients.push(client)
  return client
}

const consent = { version: 'v1' }
const callback = { name: 'Anna', phone: '+79161234567', when: 'asap' as const, consent }

test('a callback request opens its own conversation and never becomes the chat', async () => {
  const client = visitor()
  const ack = await client.submitCallback(callback)
  expect(ack).toMatchObject({ conversationId: 'callback-1', seq: 1 })
  expect(relay.frames('callback')[0]).toMatchObject({ t: 'callback', ...callback })
  expect(relay.log.get('callback-1')?.map((e) => e.kind)).toEqual(['form'])
  // The relay sends the form event before the ack, on the same socket: it has been applied.
  expect(client.$messages.get()).toEqual([])
  expect(client.$conversation.get()).toBeUndefined()
  // An operator's answer in the callback conversation is not the chat either; the
  // send's ack comes after it on the socket, so by then it has been applied too.
  relay.push('callback-1', 'We will call you at five', { kind: 'operator', name: 'Olga' })
  await client.send('And a question')
  expect(relay.frames('send').map((f) => f.conversationId ?? 'new')).toEqual(['new'])
  expect(client.$messages.get().map((m) => m.text)).toEqual(['And a question'])
})

test('after the chat is closed, the next message names neither it nor the open callback, and only the new chat shows', async () => {
  const client = visitor()
  const olga = { kind: 'operator' as const, name: 'Olga' }
  await client.send('Is Sencha in stock?')
  await client.submitCallback(callback)
  relay.broadcast({
    t: 'conversation',
    conversation: { ...relay.summary('callback-1'), kind: 'callback' },
  })
  relay.push('callback-1', 'We will call you at five', olga)
  relay.broadcast({ t: 'conversation', conversation: { ...relay.summary('c1'), status: 'closed' } })
  await until(() => expect(client.$conversation.get()?.status).toBe('closed'))

  // The relay puts a send without conversationId into a new chat; like the relay, the
  // fake acks first, then announces the conversation, then its events.
  relay.newConversationId = 'c2'
  await client.send('One more question')
  relay.broadcast({ t: 'conversation', conversation: relay.summary('c2') })
  relay.push('c2', 'Ask away', olga)
  await until(() => expect(client.$messages.get()).toHaveLength(2))
  expect(relay.frames('send').map((f) => f.conversationId ?? 'new')).toEqual(['new', 'new'])
  expect(client.$conversation.get()).toMatchObject({ id: 'c2', status: 'open' })
  expect(
    client.$messages.get().map((m) => `${m.conversationId} ${m.author.kind}: ${m.text}`),
  ).toEqual(['c2 visitor: One more question', 'c2 operator: Ask away'])
  // And the chat goes on there.
  await client.send('Thanks')
  expect(relay.frames('send').at(-1)?.conversationId).toBe('c2')
})

test('an offline form submitted while disconnected is kept and stored exactly once after reconnect', async () => {
  const storage = memoryStorage()
  relay.holdAcks = true
  const first = visitor(storage)
  first.connect()
  await until(() => expect(first.$status.get()).toBe('connected'))
  const form = { name: 'Anna', email: 'anna@example.com', text: 'Call me', consent }
  void first.submitOffline(form).catch(() => {})
  await until(() => expect(relay.frames('offline')).toHaveLength(1))
  first.destroy()

  relay.holdAcks = false
  const second = visitor(storage)
  second.connect()
  await until(() => expect(storage.getItem('parley:site-1:outbox')).toBe('[]'))
  const sent = relay.frames('offline')
  expect(sent).toHaveLength(2)
  expect(sent[1]?.cid).toBe(sent[0]?.cid)
  expect([...relay.log.keys()]).toEqual(['offline-1'])
})

test('a form without the current consent is refused with consent_required', async () => {
  const client = visitor()
  relay.agreementVersion = 'v2'
  const error = await client.submitCallback(callback).catch((e: ParleyError) => e)
  expect(error).toMatchObject({ code: 'consent_required' })
  expect(relay.log.size).toBe(0)
})

test('field errors come back with their field codes', async () => {
  const client = visitor()
  const error = await client
    .submitOffline({ name: '', phone: '+79161234567', text: 'hi', consent })
    .catch((e: ParleyError) => e)
  expect(error).toMatchObject({
    code: 'field_invalid',
    fields: [{ field: 'name', code: 'required' }],
  })
})

test('pre-chat, identify and attributes are acknowledged without a conversation', async () => {
  const client = visitor()
  await expect(client.submitPrechat({ name: 'Anna', consent })).resolves.toMatchObject({
    t: 'ack',
  })
  await client.identify({ userId: 'u1', name: 'Anna', hash: 'ab' })
  await client.setAttributes({ plan: 'pro', seats: 3, trial: false })
  expect(relay.frames('identify')[0]).toMatchObject({ userId: 'u1', name: 'Anna', hash: 'ab' })
  expect(relay.frames('attributes')[0]).toMatchObject({
    attributes: { plan: 'pro', seats: 3, trial: false },
  })
  expect(relay.frames('prechat')[0]).toMatchObject({ name: 'Anna', consent })
  expect(relay.log.size).toBe(0)
})

test('rating a conversation sends the rating and shows it on the summary', async () => {
  const client = visitor()
  await client.send('hi')
  relay.broadcast({ t: 'conversation', conversation: { ...relay.summary('c1'), status: 'closed' } })
  await until(() => expect(client.$conversation.get()?.status).toBe('closed'))
  await client.rate('c1', 5, 'Thanks!')
  expect(relay.frames('rate')[0]).toMatchObject({
    conversationId: 'c1',
    rating: 5,
    comment: 'Thanks!',
  })
  expect(client.$conversation.get()).toMatchObject({ rating: 5, ratingComment: 'Thanks!' })
})

test('availability and the start parameter come from welcome, then from live presence', async () => {
  relay.available = false
  const client = visitor()
  expect(client.$available.get()).toBeUndefined()
  client.connect()
  await until(() => expect(client.$available.get()).toBe(false))
  expect(client.$startParam.get()).toBe('dmlzaXRvci0x.sig')
  relay.broadcast({ t: 'presence', operatorsOnline: 1, available: true })
  await until(() => expect(client.$available.get()).toBe(true))
  expect(client.$operatorsOnline.get()).toBe(1)
})

test('when the socket keeps failing, a callback goes over HTTP once and the token is kept', async () => {
  const storage = memoryStorage()
  relay.refuse(1000)
  const client = visitor(storage)
  const ack = await client.submitCallback(callback)
  expect(ack).toMatchObject({ t: 'ack', conversationId: 'callback-1', seq: 1 })
  expect(relay.connections).toBeGreaterThanOrEqual(3)
  expect(relay.posts).toHaveLength(1)
  expect(relay.posts[0]).toMatchObject({
    path: '/v1/sites/site-1/callback',
    body: { cid: ack.cid, ...callback },
  })
  expect(storage.getItem('parley:site-1:token')).toBe('token-http')
  expect(storage.getItem('parley:site-1:outbox')).toBe('[]')
})

test('without any WebSocket, forms go over HTTP at once and refusals reject', async () => {
  vi.stubGlobal('WebSocket', undefined)
  const storage = memoryStorage()
  const client = visitor(storage, null)
  const ack = await client.submitOffline({
    name: 'Anna',
    phone: '+79161234567',
    text: 'Hi',
    consent,
  })
  expect(ack.conversationId).toBe('offline-1')
  relay.agreementVersion = 'v2'
  const error = await client.submitCallback(callback).catch((e: ParleyError) => e)
  expect(error).toMatchObject({ code: 'consent_required' })
  expect(relay.posts).toHaveLength(2)
  expect(storage.getItem('parley:site-1:outbox')).toBe('[]')
})

test('shutdown forgets the visitor: storage keys removed, stores emptied, socket closed', async () => {
  const storage = memoryStorage()
  const client = visitor(storage)
  await client.send('hello')
  await until(() => expect(client.$messages.get()[0]?.seq).toBe(1))
  client.markRead()
  const keys = ['token', 'outbox', 'read'].map((key) => `parley:site-1:${key}`)
  expect(keys.map((key) => storage.getItem(key) === null)).toEqual([false, false, false])
  client.shutdown()
  expect(keys.map((key) => storage.getItem(key))).toEqual([null, null, null])
  expect(client.$messages.get()).toEqual([])
  expect(client.$conversation.get()).toBeUndefined()
  expect(client.$status.get()).toBe('closed')
  await until(() => expect(relay.open).toBe(0))
})

test('an invitation event goes through the outbox and is acknowledged once', async () => {
  const storage = memoryStorage()
  const client = visitor(storage)
  const data = { scenarioId: 'gift', event: 'impression' as const, page: 'https://shop.example/' }
  const ack = await client.engage(data)
  expect(ack).toMatchObject({ id: expect.any(String) })
  expect(relay.frames('engage')).toEqual([{ t: 'engage', cid: expect.any(String), ...data }])
  expect(storage.getItem('parley:site-1:outbox')).toBe('[]')
})

test('a message and forms may name the scenario that led to them; without one the frame has no scenarioId', async () => {
  const client = visitor()
  await client.send('Looking for a gift', { scenarioId: 'gift' })
  await client.send('Second message')
  await client.submitCallback({ ...callback, scenarioId: 'gift' })
  const sends = relay.frames('send')
  expect(sends[0]).toMatchObject({ text: 'Looking for a gift', scenarioId: 'gift' })
  expect(sends[1]).not.toHaveProperty('scenarioId')
  expect(relay.frames('callback')[0]).toMatchObject({ scenarioId: 'gift' })
})
