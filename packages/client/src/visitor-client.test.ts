import { afterEach, beforeEach, expect, test } from 'vitest'
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
  await relay.close()
})

function visitor(storage: KeyValueStorage = memoryStorage()): VisitorClient {
  const client = createVisitorClient({
    host: relay.url,
    site: 'site-1',
    WebSocket,
    storage,
    random: () => 0.5,
    backoff: { baseMs: 10 },
  })
  clients.push(client)
  return client
}

const shown = (client: VisitorClient) =>
  client.$messages.get().map((m) => `${m.seq ?? '-'} ${m.author.kind}: ${m.text} (${m.status})`)

test('a message sent before a reload is delivered exactly once by the next client on the same storage', async () => {
  const storage = memoryStorage()
  relay.holdAcks = true
  const first = visitor(storage)
  first.connect()
  await until(() => expect(first.$status.get()).toBe('connected'))
  const sent = first.send('Is the green tea in stock?')
  const failure = sent.catch((error: ParleyError) => error.code)
  await until(() => expect(relay.frames('send')).toHaveLength(1))
  expect(shown(first)).toEqual(['- visitor: Is the green tea in stock? (pending)'])
  first.destroy()
  expect(await failure).toBe('destroyed')

  relay.holdAcks = false
  const second = visitor(storage)
  expect(shown(second)).toEqual(['- visitor: Is the green tea in stock? (pending)'])
  const key = second.$messages.get()[0]?.key
  second.connect()
  await until(() => expect(storage.getItem('parley:site-1:outbox')).toBe('[]'))

  const sends = relay.frames('send')
  expect(sends).toHaveLength(2)
  expect(sends[1]?.cid).toBe(sends[0]?.cid)
  expect(relay.log.get('c1')?.map((e) => e.text)).toEqual(['Is the green tea in stock?'])
  expect(shown(second)).toEqual(['1 visitor: Is the green tea in stock? (sent)'])
  expect(second.$messages.get()[0]?.key).toBe(key)
})

test('an own message shows as pending at once and keeps its key when acknowledged', async () => {
  const client = visitor()
  const log: string[] = []
  client.$messages.listen((messages) =>
    log.push(
      messages.map((m) => `${m.key === messages[0]?.cid ? 'cid' : m.key}:${m.status}`).join(),
    ),
  )
  const ack = await client.send('Hello')
  expect(ack).toMatchObject({ t: 'ack', conversationId: 'c1', seq: 1 })
  await until(() => expect(relay.log.get('c1')).toHaveLength(1))
  // pending, then acknowledged, then confirmed by its event: always under the cid key.
  await until(() => expect(log).toEqual(['cid:pending', 'cid:sent', 'cid:sent']))
  // The acknowledged message belongs to the conversation the relay opened, and the
  // next message goes there too.
  expect(client.$messages.get()).toMatchObject([{ conversationId: 'c1', seq: 1 }])
  await client.send('Still there?')
  expect(relay.frames('send').map((f) => f.conversationId ?? 'new')).toEqual(['new', 'c1'])
})

test('events are applied by seq: a duplicate is ignored and a gap is synced and filled in order', async () => {
  const client = visitor()
  const messages: string[] = []
  client.on('message', ({ message }) => messages.push(`${message.seq} ${message.text}`))
  client.connect()
  await until(() => expect(client.$status.get()).toBe('connected'))
  const operator = { kind: 'operator' as const, name: 'Olga' }
  const one = relay.push('c1', 'one', operator)
  await until(() => expect(messages).toEqual(['1 one']))
  relay.append('c1', 'two', operator)
  const three = relay.append('c1', 'three', operator)
  relay.broadcast({ t: 'event', ...three })
  relay.broadcast({ t: 'event', ...one })
  await until(() => expect(messages).toHaveLength(3))
  relay.broadcast({ t: 'event', ...three })
  relay.push('c1', 'four', operator)
  await until(() => expect(messages).toHaveLength(4))

  expect(messages).toEqual(['1 one', '2 two', '3 three', '4 four'])
  expect(relay.frames('sync')).toEqual([{ t: 'sync', cursor: { c1: 1 } }])
  expect(shown(client)).toEqual([
    '1 operator: one (sent)',
    '2 operator: two (sent)',
    '3 operator: three (sent)',
    '4 operator: four (sent)',
  ])
})

test('a new page shows the latest events the relay replays, from past seq 1, without a sync', async () => {
  relay.replayLimit = 100
  for (let i = 1; i <= 700; i++) relay.append('c1', `m${i}`, { kind: 'operator' })
  const client = visitor()
  client.connect()
  await until(() => expect(client.$messages.get()).toHaveLength(100))
  relay.push('c1', 'm701', { kind: 'operator' })
  await until(() => expect(client.$messages.get()).toHaveLength(101))
  const seqs = client.$messages.get().map((m) => m.seq)
  expect([seqs[0], seqs.at(-1), client.$messages.get()[0]?.text]).toEqual([601, 701, 'm601'])
  expect(relay.frames('sync')).toEqual([])
})

test('a reconnect further behind than the relay replays starts the log at the latest events', async () => {
  relay.replayLimit = 5
  const client = visitor()
  await client.send('one')
  await until(() => expect(shown(client)).toEqual(['1 visitor: one (sent)']))
  relay.dropAll()
  for (let i = 2; i <= 12; i++) relay.append('c1', `m${i}`, { kind: 'operator' })
  await until(() => expect(shown(client)).toHaveLength(5))
  expect(relay.frames('hello').at(-1)).toMatchObject({ cursor: { c1: 1 } })
  expect(client.$messages.get().map((m) => m.seq)).toEqual([8, 9, 10, 11, 12])
  expect(relay.frames('sync')).toEqual([])
})

test('a gap still open after a sync is synced again on the next event, and shows once filled', async () => {
  const client = visitor()
  client.connect()
  await until(() => expect(client.$status.get()).toBe('connected'))
  const operator = { kind: 'operator' as const }
  relay.answerSync = false
  relay.push('c1', 'one', operator)
  relay.append('c1', 'two (lost)', operator)
  relay.push('c1', 'three', operator)
  await until(() => expect(relay.frames('sync')).toHaveLength(1))
  relay.answerSync = true
  relay.push('c1', 'four', operator)
  await until(() => expect(shown(client)).toHaveLength(4))
  expect(relay.frames('sync')).toEqual([
    { t: 'sync', cursor: { c1: 1 } },
    { t: 'sync', cursor: { c1: 1 } },
  ])
  expect(shown(client).at(-1)).toBe('4 operator: four (sent)')
})

/** A storage whose keys can be listed. */
function listedStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  }
}

test('a reload keeps no conversation text: the next client says hello with an empty cursor and shows the history replayed after welcome', async () => {
  const storage = listedStorage()
  const first = visitor(storage)
  await first.send('one')
  relay.push('c1', 'two', { kind: 'operator' })
  await until(() => expect(first.$messages.get()).toHaveLength(2))
  first.markRead()
  first.destroy()
  expect(Object.fromEntries(storage.data)).toEqual({
    'parley:site-1:token': 'token-1',
    'parley:site-1:outbox': '[]',
    'parley:site-1:read': '{"c1":2}',
  })

  const second = visitor(storage)
  expect(shown(second)).toEqual([])
  second.connect()
  await until(() => expect(shown(second)).toHaveLength(2))
  expect(relay.frames('hello')[1]).toMatchObject({ token: 'token-1', cursor: {} })
  expect(shown(second)).toEqual(['1 visitor: one (sent)', '2 operator: two (sent)'])
  expect(second.$unread.get()).toBe(0)
  relay.push('c1', 'three', { kind: 'operator' })
  await until(() => expect(second.$messages.get()).toHaveLength(3))
  expect([shown(second).at(-1), second.$unread.get()]).toEqual(['3 operator: three (sent)', 1])
})

test('within a live client the cursor in memory resumes hello after a reconnect', async () => {
  const client = visitor()
  const messages: string[] = []
  client.on('message', ({ message }) => messages.push(message.text))
  await client.send('one')
  relay.push('c1', 'two', { kind: 'operator' })
  await until(() => expect(messages).toEqual(['one', 'two']))
  relay.dropAll()
  await until(() => expect(relay.frames('hello')).toHaveLength(2))
  await until(() => expect(client.$status.get()).toBe('connected'))
  relay.push('c1', 'three', { kind: 'operator' })
  await until(() => expect(messages).toHaveLength(3))
  expect(relay.frames('hello')[1]).toMatchObject({ cursor: { c1: 2 } })
  expect(messages).toEqual(['one', 'two', 'three'])
})

test('the obsolete message cache and stored cursor are removed when a client starts', () => {
  const storage = listedStorage()
  storage.setItem('parley:site-1:messages', '{"c1":{"messages":[{"text":"private"}],"read":1}}')
  storage.setItem('parley:site-1:cursor', '{"c1":1}')
  storage.setItem('parley:site-1:token', 'token-1')
  visitor(storage)
  expect([...storage.data.keys()]).toEqual(['parley:site-1:token'])
})

test('an invalid stored token is dropped and the visitor starts over once as a new visitor', async () => {
  const storage = memoryStorage()
  storage.setItem('parley:site-1:token', 'forged')
  const client = visitor(storage)
  const log: string[] = []
  client.on('status', ({ status }) => log.push(status))
  client.on('error', ({ error }) => log.push(`error ${error.code}`))
  client.connect()
  await until(() => expect(client.$status.get()).toBe('connected'))
  expect(log).toEqual(['connecting', 'reconnecting', 'connected'])
  expect(relay.frames('hello').map((hello) => hello.token)).toEqual(['forged', undefined])
  expect(storage.getItem('parley:site-1:token')).toBe('token-1')
})

test('a refused message is marked failed, leaves the outbox and rejects with the wire code', async () => {
  relay.rejectText = 'spam'
  const storage = memoryStorage()
  const client = visitor(storage)
  const errors: string[] = []
  client.on('error', ({ error }) => errors.push(`${error.code} ${error.cid === undefined}`))
  const code = await client.send('spam').catch((error: ParleyError) => error.code)
  expect(code).toBe('conversation_closed')
  expect(errors).toEqual(['conversation_closed false'])
  expect(shown(client)).toEqual(['- visitor: spam (failed)'])
  expect(storage.getItem('parley:site-1:outbox')).toBe('[]')
})

test('after the conversation is closed the next message opens a new one and the view follows it', async () => {
  const client = visitor()
  await client.send('first question')
  await until(() => expect(client.$messages.get()[0]?.seq).toBe(1))
  relay.broadcast({ t: 'conversation', conversation: { ...relay.summary('c1'), status: 'closed' } })
  await until(() => expect(client.$conversation.get()?.status).toBe('closed'))
  relay.newConversationId = 'c2'
  await client.send('second question')
  relay.broadcast({ t: 'conversation', conversation: relay.summary('c2') })
  await until(() => expect(client.$conversation.get()?.id).toBe('c2'))
  expect(relay.frames('send').map((f) => f.conversationId ?? 'new')).toEqual(['new', 'new'])
  expect(shown(client)).toEqual(['1 visitor: second question (sent)'])
})

test('empty text is refused before anything is sent', async () => {
  const client = visitor()
  const code = await client.send('   ').catch((error: ParleyError) => error.code)
  expect(code).toBe('text_empty')
  expect(client.$status.get()).toBe('idle')
  expect(client.$messages.get()).toEqual([])
})

test('operator messages are unread until markRead, which tells the relay', async () => {
  const client = visitor()
  await client.send('hi')
  relay.push('c1', 'hello', { kind: 'operator' })
  relay.push('c1', 'how can I help?', { kind: 'operator' })
  await until(() => expect(client.$unread.get()).toBe(2))
  client.markRead()
  expect(client.$unread.get()).toBe(0)
  await until(() =>
    expect(relay.frames('read')).toEqual([{ t: 'read', conversationId: 'c1', seq: 3 }]),
  )
})

test('operator typing shows until the operator message arrives', async () => {
  const client = visitor()
  await client.send('hi')
  const log: boolean[] = []
  client.$operatorTyping.listen((typing) => log.push(typing))
  relay.broadcast({ t: 'typing', conversationId: 'c1', typing: true, author: { kind: 'operator' } })
  await until(() => expect(log).toEqual([true]))
  relay.push('c1', 'hello', { kind: 'operator' })
  await until(() => expect(log).toEqual([true, false]))
})

test('a throwing localStorage is tolerated: the client works from memory', async () => {
  const throwing: KeyValueStorage = {
    getItem: () => {
      throw new Error('SecurityError')
    },
    setItem: () => {
      throw new Error('QuotaExceededError')
    },
    removeItem: () => {
      throw new Error('SecurityError')
    },
  }
  const client = visitor(throwing)
  const ack = await client.send('still works')
  expect(ack.seq).toBe(1)
})

test('the socket URL is derived from the host and names the site', async () => {
  const client = visitor()
  client.connect()
  await until(() => expect(client.$status.get()).toBe('connected'))
  expect(relay.paths).toEqual(['/v1/visitor?site=site-1'])
  expect(relay.frames('hello')[0]).toMatchObject({ t: 'hello', v: 1, cursor: {} })
})

/** `$queue` and the `queue` events of a client, as one readable log. */
function queueLog(client: VisitorClient): string[] {
  const log: string[] = []
  const place = (p: { position: number; waitSeconds: number | null } | undefined) =>
    p ? `${p.position}, ${p.waitSeconds ?? 'unknown'} s` : 'none'
  client.$queue.listen((p) => log.push(`$queue ${place(p)}`))
  client.on('queue', ({ conversationId, place: p }) => log.push(`${conversationId}: ${place(p)}`))
  return log
}

const queueFrame = (
  conversationId: string,
  position: number | null,
  waitSeconds: number | null,
) => ({
  t: 'queue',
  conversationId,
  position,
  waitSeconds,
})

test('the current conversation shows its place in the queue until an operator takes it', async () => {
  const client = visitor()
  await client.send('Anyone there?')
  const log = queueLog(client)
  relay.broadcast(queueFrame('c1', 3, 240))
  relay.broadcast(queueFrame('c1', 2, null))
  relay.broadcast(queueFrame('c1', null, null))
  // A second "taken" changes nothing and is not reported again.
  relay.broadcast(queueFrame('c1', null, null))
  relay.push('c1', 'after the wait', { kind: 'visitor' })
  await until(() => expect(client.$messages.get()).toHaveLength(2))
  expect(log).toEqual([
    '$queue 3, 240 s',
    'c1: 3, 240 s',
    '$queue 2, unknown s',
    'c1: 2, unknown s',
    '$queue none',
    'c1: none',
  ])
  expect(client.$queue.get()).toBeUndefined()
})

test("an operator's message ends the wait, even before the relay says an operator took it", async () => {
  const client = visitor()
  await client.send('Anyone there?')
  const log = queueLog(client)
  relay.broadcast(queueFrame('c1', 1, 30))
  relay.push('c1', 'Hello, I am Olga', { kind: 'operator', name: 'Olga' })
  await until(() => expect(client.$messages.get()).toHaveLength(2))
  expect(log).toEqual(['$queue 1, 30 s', 'c1: 1, 30 s', '$queue none', 'c1: none'])
})

test('a place of another conversation is reported, and shown once that conversation is the current one', async () => {
  const client = visitor()
  await client.send('first question')
  relay.broadcast({ t: 'conversation', conversation: { ...relay.summary('c1'), status: 'closed' } })
  await until(() => expect(client.$conversation.get()?.status).toBe('closed'))
  const log = queueLog(client)
  relay.broadcast(queueFrame('c2', 4, 600))
  await until(() => expect(log).toEqual(['c2: 4, 600 s']))
  expect(client.$queue.get()).toBeUndefined()
  relay.newConversationId = 'c2'
  await client.send('second question')
  expect(client.$queue.get()).toEqual({ position: 4, waitSeconds: 600 })
  expect(log).toEqual(['c2: 4, 600 s', '$queue 4, 600 s'])
})

test('places are forgotten on the next welcome, after which the relay sends those still waiting', async () => {
  const client = visitor()
  await client.send('Anyone there?')
  relay.broadcast(queueFrame('c1', 2, 120))
  await until(() => expect(client.$queue.get()).toEqual({ position: 2, waitSeconds: 120 }))
  const log = queueLog(client)
  relay.dropAll()
  await until(() => expect(relay.frames('hello')).toHaveLength(2))
  await until(() => expect(client.$status.get()).toBe('connected'))
  relay.broadcast(queueFrame('c1', 1, 60))
  await until(() => expect(client.$queue.get()).toEqual({ position: 1, waitSeconds: 60 }))
  expect(log).toEqual(['$queue none', 'c1: none', '$queue 1, 60 s', 'c1: 1, 60 s'])
})

test('shutdown forgets the place in the queue', async () => {
  const client = visitor()
  await client.send('Anyone there?')
  relay.broadcast(queueFrame('c1', 2, 120))
  await until(() => expect(client.$queue.get()).toEqual({ position: 2, waitSeconds: 120 }))
  client.shutdown()
  expect(client.$queue.get()).toBeUndefined()
})

test('frames the client does not know are ignored, and the frames after them still apply', async () => {
  const client = visitor()
  await client.send('hi')
  const errors: string[] = []
  client.on('error', ({ error }) => errors.push(error.code))
  relay.broadcast({ t: 'surprise', conversationId: 'c1', position: 1 })
  relay.broadcast({ t: 'queue-v2', conversationId: 'c1' })
  relay.push('c1', 'still here', { kind: 'operator' })
  await until(() => expect(client.$messages.get()).toHaveLength(2))
  expect([client.$status.get(), client.$queue.get(), errors]).toEqual(['connected', undefined, []])
})

test("an operator's invitation is told as an event, and the reply naming it carries its id", async () => {
  const client = visitor()
  const told: unknown[] = []
  client.on('invitation', ({ invitation }) => told.push(invitation))
  client.connect()
  await until(() => expect(client.$status.get()).toBe('connected'))
  const invitation = {
    t: 'invitation',
    id: 'i_1',
    message: 'Can I help?',
    operator: { name: 'Sam', position: 'Team lead' },
  }
  relay.broadcast(invitation)
  await until(() => expect(told).toEqual([invitation]))
  await client.send('Yes', { scenarioId: 'i_1' })
  expect(relay.received.map((r) => r.frame).filter((f) => f.t === 'send')).toEqual([
    expect.objectContaining({ text: 'Yes', scenarioId: 'i_1' }),
  ])
})
