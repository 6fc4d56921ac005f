import type { ConversationEvent, ConversationEventsReply } from '@parley/protocol'
import { afterEach, beforeEach, expect, test } from 'vitest'
import WebSocket from 'ws'
import type { ParleyError } from './errors.ts'
import { createOperatorClient, type OperatorClient } from './operator-client.ts'
import { FakeRelay, until } from './test/fake-relay.ts'

let relay: FakeRelay
let client: OperatorClient

beforeEach(async () => {
  relay = await FakeRelay.start()
  relay.apiToken = 'secret'
})

afterEach(async () => {
  client?.destroy()
  await relay.close()
})

function operator(fetch?: typeof globalThis.fetch): OperatorClient {
  client = createOperatorClient({
    host: relay.url,
    apiToken: 'secret',
    WebSocket,
    random: () => 0.5,
    backoff: { baseMs: 10 },
    ...(fetch ? { fetch } : {}),
  })
  return client
}

async function connected(c: OperatorClient): Promise<void> {
  c.connect()
  await until(() => expect(c.$status.get()).toBe('connected'))
}

const visitorAuthor = { kind: 'visitor' as const }

test('says hello with the API token and publishes the profile and conversations', async () => {
  relay.append('c1', 'hi', visitorAuthor)
  const c = operator()
  await connected(c)
  expect(relay.frames('hello')).toEqual([{ t: 'hello', v: 1, cursor: {}, apiToken: 'secret' }])
  expect(c.$profile.get()?.name).toBe('Olga')
  expect(c.$conversations.get().map((s) => s.id)).toEqual(['c1'])
})

test('conversation frames update the list, most recently updated first', async () => {
  const c = operator()
  await connected(c)
  const log: string[] = []
  c.$conversations.listen((list) => log.push(list.map((s) => `${s.id}:${s.status}`).join(' ')))
  const base = relay.summary('a')
  relay.broadcast({ t: 'conversation', conversation: { ...base, id: 'a', updatedAt: 5 } })
  relay.broadcast({ t: 'conversation', conversation: { ...base, id: 'b', updatedAt: 9 } })
  relay.broadcast({
    t: 'conversation',
    conversation: { ...base, id: 'a', updatedAt: 10, status: 'closed' },
  })
  await until(() => expect(log).toHaveLength(3))
  expect(log).toEqual(['a:open', 'b:open a:open', 'a:closed b:open'])
})

test('send shows a pending reply at once and confirms it in place on ack', async () => {
  relay.append('c1', 'hi', visitorAuthor)
  const c = operator()
  await connected(c)
  const messages = c.messages('c1')
  const log: string[] = []
  messages.listen((list) => log.push(list.map((m) => `${m.text}:${m.status}`).join(', ')))
  const ack = await c.send('c1', 'Hello, how can I help?')
  expect(ack).toMatchObject({ conversationId: 'c1', seq: 2 })
  await until(() => expect(relay.log.get('c1')).toHaveLength(2))
  expect(log[0]).toBe('Hello, how can I help?:pending')
  expect(log.at(-1)).toBe('Hello, how can I help?:sent')
  expect(new Set(messages.get().map((m) => m.key)).size).toBe(messages.get().length)
})

test('send carries an uploaded file by id, without a caption if need be, and shows it pending', async () => {
  relay.append('c1', 'hi', visitorAuthor)
  const c = operator()
  await connected(c)
  const data = { attachmentId: 'a1', attachmentName: 'lid.png', attachmentType: 'image/png' }
  const sending = c.send('c1', '', { attachmentId: 'a1', data })
  expect(c.messages('c1').get().at(-1)).toMatchObject({ text: '', status: 'pending', data })
  const ack = await sending
  expect(relay.frames('send')).toEqual([
    { t: 'send', cid: ack.cid, conversationId: 'c1', text: '', attachmentId: 'a1' },
  ])
  await expect(c.send('c1', ' ')).rejects.toMatchObject({ code: 'text_empty' })
})

test('close is acknowledged by cid', async () => {
  relay.append('c1', 'hi', visitorAuthor)
  const c = operator()
  await connected(c)
  const ack = await c.close('c1')
  expect(relay.frames('close')).toEqual([{ t: 'close', cid: ack.cid, conversationId: 'c1' }])
})

test("setPresence sends the chosen status; the relay's status frames (also `away`) fill $presence", async () => {
  const c = operator()
  await connected(c)
  expect(c.$presence.get()).toBeUndefined()
  const ack = await c.setPresence('pause')
  expect(relay.frames('status')).toEqual([{ t: 'status', cid: ack.cid, status: 'pause' }])
  await until(() => expect(c.$presence.get()).toBe('pause'))
  relay.broadcast({ t: 'status', status: 'away' })
  await until(() => expect(c.$presence.get()).toBe('away'))
})

test('accept and transfer send their frames and resolve on ack; a lost race rejects with its code', async () => {
  relay.append('c1', 'hi', visitorAuthor)
  relay.append('c2', 'hello', visitorAuthor)
  relay.takenConversation = 'c2'
  const c = operator()
  await connected(c)
  const accepted = await c.accept('c1')
  expect(accepted).toMatchObject({ conversationId: 'c1' })
  const moved = await c.transfer('c1', { groupId: 'g2' }, '  VIP, speaks Kazakh  ')
  expect(relay.frames('accept')).toEqual([{ t: 'accept', cid: accepted.cid, conversationId: 'c1' }])
  expect(relay.frames('transfer')).toEqual([
    {
      t: 'transfer',
      cid: moved.cid,
      conversationId: 'c1',
      to: { groupId: 'g2' },
      note: 'VIP, speaks Kazakh',
    },
  ])
  const lost = await c.accept('c2').catch((error: ParleyError) => error.code)
  expect(lost).toBe('already_assigned')
})

test('loadHistory merges loaded events with live ones without duplicates', async () => {
  const one = relay.append('c1', 'one', visitorAuthor)
  const two = relay.append('c1', 'two', visitorAuthor)
  const requests: string[] = []
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push(
      `${url} ${init.credentials} ${(init.headers as Record<string, string>).Authorization}`,
    )
    const body: ConversationEventsReply = {
      conversation: relay.summary('c1'),
      events: relay.log.get('c1') as ConversationEvent[],
    }
    return new Response(JSON.stringify(body), { status: 200 })
  }) as typeof globalThis.fetch
  relay.answerSync = false
  const c = operator(fetch)
  await connected(c)
  const events: string[] = []
  c.on('event', ({ conversationId, message }) =>
    events.push(`${conversationId} ${message.seq} ${message.text}`),
  )
  // Live event 3 arrives before the history: it waits behind the gap.
  relay.push('c1', 'three', visitorAuthor)
  await until(() => expect(relay.frames('sync')).toHaveLength(1))
  expect(c.messages('c1').get()).toEqual([])
  await c.loadHistory('c1')
  relay.broadcast({ t: 'event', ...two })
  relay.broadcast({ t: 'event', ...one })
  relay.push('c1', 'four', visitorAuthor)
  await until(() => expect(events).toHaveLength(4))

  expect(events).toEqual(['c1 1 one', 'c1 2 two', 'c1 3 three', 'c1 4 four'])
  expect(
    c
      .messages('c1')
      .get()
      .map((m) => m.text),
  ).toEqual(['one', 'two', 'three', 'four'])
  expect(requests).toEqual([`${relay.url}/v1/conversations/c1/events include Bearer secret`])
  expect(c.$conversations.get()[0]?.lastText).toBe('four')
})

test("a system event moves the conversation's seq on but leaves its preview at the last message, as the relay does", async () => {
  const c = operator()
  await connected(c)
  relay.broadcast({ t: 'conversation', conversation: relay.summary('c1') })
  relay.push('c1', 'Thanks, bye', visitorAuthor)
  await until(() => expect(c.$conversations.get()[0]?.lastText).toBe('Thanks, bye'))
  relay.broadcast({
    t: 'event',
    conversationId: 'c1',
    seq: 2,
    id: 'ec1-2',
    kind: 'system',
    author: { kind: 'system' },
    text: '',
    data: { type: 'closed', operatorId: 'op1', operator: 'Olga' },
    at: 5,
  })
  await until(() => expect(c.$conversations.get()[0]?.lastSeq).toBe(2))
  expect(c.$conversations.get()[0]).toMatchObject({ lastText: 'Thanks, bye', updatedAt: 5 })
  expect(
    c
      .messages('c1')
      .get()
      .map((m) => m.data?.type ?? m.text),
  ).toEqual(['Thanks, bye', 'closed'])
})

test('loadHistory asks for the events after a seq, to page on through a long conversation', async () => {
  const requests: string[] = []
  const fetch = (async (url: string) => {
    requests.push(url)
    const events = [3, 4].map(
      (seq): ConversationEvent => ({
        conversationId: 'c1',
        seq,
        id: `e${seq}`,
        kind: 'message',
        author: visitorAuthor,
        text: `text ${seq}`,
        at: seq,
      }),
    )
    const body: ConversationEventsReply = { conversation: relay.summary('c1'), events }
    return new Response(JSON.stringify(body), { status: 200 })
  }) as typeof globalThis.fetch
  relay.append('c1', 'one', visitorAuthor)
  const c = operator(fetch)
  await connected(c)
  await c.loadHistory('c1', { after: 2 })
  expect(requests).toEqual([`${relay.url}/v1/conversations/c1/events?after=2`])
  expect(
    c
      .messages('c1')
      .get()
      .map((m) => m.seq),
  ).toEqual([3, 4])
})

test('loadHistory rejects with the relay error code', async () => {
  const fetch = (async () =>
    new Response(JSON.stringify({ code: 'forbidden', message: 'Not allowed' }), {
      status: 403,
    })) as typeof globalThis.fetch
  const c = operator(fetch)
  const code = await c.loadHistory('c9').catch((error: ParleyError) => error.code)
  expect(code).toBe('forbidden')
})

test('a wrong API token closes the client with an unauthorized error', async () => {
  client = createOperatorClient({ host: relay.url, apiToken: 'nope', WebSocket })
  const log: string[] = []
  client.on('status', ({ status }) => log.push(status))
  client.on('error', ({ error }) => log.push(`error ${error.code}`))
  client.connect()
  await until(() => expect(log).toEqual(['connecting', 'closed', 'error unauthorized']))
})

test('visitor typing is published per conversation until the visitor message arrives', async () => {
  relay.append('c1', 'hi', visitorAuthor)
  const c = operator()
  await connected(c)
  const seen: string[] = []
  c.on('typing', ({ conversationId, typing }) => seen.push(`${conversationId}:${typing}`))
  relay.broadcast({ t: 'typing', conversationId: 'c1', typing: true, author: { kind: 'operator' } })
  relay.broadcast({ t: 'typing', conversationId: 'c1', typing: true, author: visitorAuthor })
  await until(() => expect(c.$visitorTyping.get()).toEqual({ c1: true }))
  relay.push('c1', 'Do you ship to Riga?', visitorAuthor)
  await until(() => expect(c.$visitorTyping.get()).toEqual({}))
  expect(seen).toEqual(['c1:true', 'c1:false'])
})

test('visitor typing expires when the visitor says nothing for six seconds', async () => {
  const expiries: (() => void)[] = []
  client = createOperatorClient({
    host: relay.url,
    apiToken: 'secret',
    WebSocket,
    timers: {
      setTimeout(fn, ms) {
        if (ms !== 6000) return setTimeout(fn, ms)
        expiries.push(fn)
        return undefined
      },
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
  })
  await connected(client)
  relay.broadcast({ t: 'typing', conversationId: 'c9', typing: true, author: visitorAuthor })
  await until(() => expect(client.$visitorTyping.get()).toEqual({ c9: true }))
  expiries.at(-1)!()
  expect(client.$visitorTyping.get()).toEqual({})
})
