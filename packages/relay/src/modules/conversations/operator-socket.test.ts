import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
beforeEach(async () => {
  relay = await injectRelay()
})
afterEach(async () => {
  await relay.close()
})

async function createApiToken(): Promise<string> {
  const cookie = await relay.login()
  const response = await relay.fetch('/v1/admin/tokens', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bot' }),
  })
  return ((await response.json()) as { token: string }).token
}

describe('operator socket', () => {
  it('welcomes a logged-in operator with its profile and recent conversations', async () => {
    const { socket: visitor } = await relay.visitor()
    visitor.send({ t: 'send', cid: 'v1', text: 'need help' })
    const ack = await visitor.next(ofType('ack'))
    const { welcome } = await relay.operator()
    expect(welcome.operator).toMatchObject({ email: 'admin@example.com', role: 'admin' })
    expect(welcome.conversations).toEqual([
      expect.objectContaining({ id: ack.conversationId, lastSeq: 1, lastText: 'need help' }),
    ])
  })

  it('refuses a hello without a session or API token with unauthorized and close 4001', async () => {
    const socket = await relay.socket('/v1/operator')
    socket.send({ t: 'hello', v: PROTOCOL_VERSION })
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'unauthorized' })
    expect((await socket.closed).code).toBe(4001)
  })

  it('refuses a forged API token and a forged cookie', async () => {
    const withToken = await relay.socket('/v1/operator')
    withToken.send({ t: 'hello', v: PROTOCOL_VERSION, apiToken: 'prly_forged' })
    expect((await withToken.closed).code).toBe(4001)
    const withCookie = await relay.socket('/v1/operator', {
      headers: { cookie: 'parley_session=forged' },
    })
    withCookie.send({ t: 'hello', v: PROTOCOL_VERSION })
    expect((await withCookie.closed).code).toBe(4001)
  })

  it('authenticates with an API token in hello', async () => {
    const apiToken = await createApiToken()
    const { welcome } = await relay.operator({ apiToken })
    expect(welcome.operator).toMatchObject({ email: 'admin@example.com' })
  })

  it('delivers an operator reply to the visitor under the employee’s name and assigns the conversation', async () => {
    const { socket: visitor } = await relay.visitor()
    const { socket: operator, welcome } = await relay.operator()
    const { socket: other } = await relay.operator()
    visitor.send({ t: 'send', cid: 'v1', text: 'hello?' })
    const { conversationId } = await visitor.next(ofType('ack'))

    operator.send({ t: 'send', cid: 'o1', conversationId, text: 'Hi, how can I help?' })
    const ack = await operator.next(ofType('ack'))
    expect(ack).toMatchObject({ cid: 'o1', conversationId, seq: 2 })
    const event = await visitor.next(ofType('event', (e) => e.seq === 2))
    expect(event).toMatchObject({
      text: 'Hi, how can I help?',
      author: { kind: 'operator', id: welcome.operator.id, name: 'Admin' },
    })
    const assigned = { operator: { id: welcome.operator.id, name: 'Admin' } }
    const conversationFrame = ofType('conversation', (f) => f.conversation.operator !== undefined)
    expect((await visitor.next(conversationFrame)).conversation).toMatchObject(assigned)
    expect((await other.next(conversationFrame)).conversation).toMatchObject(assigned)
  })

  it('acks a repeated operator cid once', async () => {
    const { socket: visitor } = await relay.visitor()
    const { socket: operator } = await relay.operator()
    visitor.send({ t: 'send', cid: 'v1', text: 'hello?' })
    const { conversationId } = await visitor.next(ofType('ack'))
    operator.send({ t: 'send', cid: 'o1', conversationId, text: 'reply' })
    operator.send({ t: 'send', cid: 'o1', conversationId, text: 'reply' })
    const first = await operator.next(ofType('ack'))
    expect(await operator.next(ofType('ack'))).toEqual(first)
    await visitor.next(ofType('event', (e) => e.seq === 2))
    await visitor.none(ofType('event', (e) => e.seq === 3))
  })

  it('closes a conversation: the visitor sees it closed and its next message opens a new one', async () => {
    const { socket: visitor } = await relay.visitor()
    const { socket: operator, welcome } = await relay.operator()
    visitor.send({ t: 'send', cid: 'v1', text: 'hello?' })
    const { conversationId } = await visitor.next(ofType('ack'))
    operator.send({ t: 'close', cid: 'x1', conversationId })
    expect(await operator.next(ofType('ack'))).toMatchObject({ cid: 'x1', seq: 2 })
    // Who closed it, as facts each UI words in its reader's language: no prose.
    const event = await visitor.next(ofType('event', (e) => e.seq === 2))
    expect([event.kind, event.author, event.text, event.data]).toEqual([
      'system',
      { kind: 'system' },
      '',
      { type: 'closed', operatorId: welcome.operator.id, operator: welcome.operator.name },
    ])
    const [stored] = await relay.stores.conversations.eventsAfter(conversationId, 1, 10)
    expect(stored).toMatchObject({ text: '', data: event.data })
    const closed = await visitor.next(
      ofType('conversation', (f) => f.conversation.status === 'closed'),
    )
    expect(closed.conversation).toMatchObject({ id: conversationId, lastSeq: 2 })

    visitor.send({ t: 'send', cid: 'v2', conversationId, text: 'one more thing' })
    expect(await visitor.next(ofType('error'))).toMatchObject({
      code: 'conversation_closed',
      cid: 'v2',
    })
    operator.send({ t: 'close', cid: 'x2', conversationId })
    expect(await operator.next(ofType('error'))).toMatchObject({
      code: 'conversation_closed',
      cid: 'x2',
    })
    visitor.send({ t: 'send', cid: 'v3', text: 'new question' })
    const fresh = await visitor.next(ofType('ack'))
    expect(fresh.conversationId).not.toBe(conversationId)
    expect(fresh.seq).toBe(1)
  })

  it('answers a send to a missing conversation with conversation_not_found', async () => {
    const { socket: operator } = await relay.operator()
    operator.send({ t: 'send', cid: 'o1', conversationId: 'c_missing', text: 'hello' })
    expect(await operator.next(ofType('error'))).toMatchObject({
      code: 'conversation_not_found',
      cid: 'o1',
    })
  })

  it('replays after a cursor in hello and on sync', async () => {
    const { socket: visitor } = await relay.visitor()
    visitor.send({ t: 'send', cid: 'v1', text: 'one' })
    const { conversationId } = await visitor.next(ofType('ack'))
    visitor.send({ t: 'send', cid: 'v2', text: 'two' })
    await visitor.next(ofType('ack'))
    const cookie = await relay.login()
    const socket = await relay.socket('/v1/operator', { headers: { cookie } })
    socket.send({ t: 'hello', v: PROTOCOL_VERSION, cursor: { [conversationId]: 1 } })
    await socket.next(ofType('welcome'))
    expect(await socket.next(ofType('event'))).toMatchObject({ seq: 2, text: 'two' })
    socket.send({ t: 'sync', cursor: { [conversationId]: 0, c_missing: 0 } })
    expect(await socket.next(ofType('event'))).toMatchObject({ seq: 1 })
    expect(await socket.next(ofType('event'))).toMatchObject({ seq: 2 })
    await socket.close()
  })

  it('serves conversation history over REST with after and limit', async () => {
    const { socket: visitor } = await relay.visitor()
    for (const text of ['one', 'two', 'three']) {
      visitor.send({ t: 'send', cid: text, text })
      await visitor.next(ofType('ack'))
    }
    const { conversationId } = visitor.frames.find((f) => f.t === 'ack')!
    const cookie = await relay.login()
    const response = await relay.fetch(
      `/v1/conversations/${conversationId}/events?after=1&limit=1`,
      { headers: { cookie } },
    )
    const body = await response.json()
    expect(body.conversation).toMatchObject({ id: conversationId, lastSeq: 3 })
    expect(body.events.map((e: { text: string }) => e.text)).toEqual(['two'])
    const missing = await relay.fetch('/v1/conversations/c_missing/events', {
      headers: { cookie },
    })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ code: 'conversation_not_found' })
    const anonymous = await relay.fetch('/v1/conversations')
    expect(anonymous.status).toBe(401)
  })
})
