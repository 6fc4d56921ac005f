import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay

beforeEach(async () => {
  relay = await injectRelay()
})
afterEach(async () => {
  await relay.close()
})

describe('visitor socket', () => {
  it('welcomes a new visitor with a token, limits and the operator count', async () => {
    const { welcome } = await relay.visitor()
    expect(welcome).toMatchObject({
      t: 'welcome',
      v: PROTOCOL_VERSION,
      conversations: [],
      operatorsOnline: 0,
      limits: { maxFrameBytes: 16384, maxTextLength: 4000 },
    })
    expect(welcome.token).toMatch(new RegExp(`^${welcome.visitorId}\\.`))
    expect(welcome.configVersion).toMatch(/^[0-9a-f]{16}$/)
  })

  it('acks a send and delivers the event to both of the visitor’s tabs and to an operator', async () => {
    const { socket: tab1, welcome } = await relay.visitor()
    const { socket: tab2 } = await relay.visitor({ token: welcome.token })
    const { socket: operator } = await relay.operator()

    tab1.send({ t: 'send', cid: 'c1', text: 'Hello there' })
    const ack = await tab1.next(ofType('ack'))
    expect(ack).toMatchObject({ cid: 'c1', seq: 1 })
    const expected = {
      t: 'event',
      conversationId: ack.conversationId,
      seq: 1,
      id: ack.id,
      kind: 'message',
      author: { kind: 'visitor', id: welcome.visitorId },
      text: 'Hello there',
      at: ack.at,
    }
    expect(await tab1.next(ofType('event'))).toEqual(expected)
    expect(await tab2.next(ofType('event'))).toEqual(expected)
    expect(await operator.next(ofType('event'))).toEqual(expected)
    const opened = await operator.next(ofType('conversation'))
    expect(opened.conversation).toMatchObject({
      id: ack.conversationId,
      status: 'open',
      lastSeq: 1,
    })
  })

  it('sends the ack before the event on the sending socket', async () => {
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'c1', text: 'first' })
    await socket.next(ofType('event'))
    const kinds = socket.frames.map((f) => f.t).filter((t) => t === 'ack' || t === 'event')
    expect(kinds).toEqual(['ack', 'event'])
  })

  it('answers a repeated cid with the same ack and no second event', async () => {
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'dup', text: 'once' })
    const first = await socket.next(ofType('ack'))
    await socket.next(ofType('event'))
    socket.send({ t: 'send', cid: 'dup', text: 'once' })
    const second = await socket.next(ofType('ack'))
    expect(second).toEqual(first)
    await socket.none(ofType('event'))
    const events = await relay.stores.conversations.eventsAfter(first.conversationId, 0, 10)
    expect(events.map((e) => e.text)).toEqual(['once'])
  })

  it('answers a cid repeated after its conversation closed with the first ack, not a refusal', async () => {
    const { socket, welcome } = await relay.visitor()
    const { socket: operator } = await relay.operator()
    socket.send({ t: 'send', cid: 'late', text: 'before the close' })
    const first = await socket.next(ofType('ack'))
    const { conversationId } = first
    operator.send({ t: 'close', cid: 'x1', conversationId })
    await operator.next(ofType('ack'))
    for (const retry of [{ conversationId }, {}]) {
      socket.send({ t: 'send', cid: 'late', text: 'before the close', ...retry })
      expect(await socket.next(ofType('ack', (f) => f.cid === 'late'))).toEqual(first)
    }
    await socket.none(ofType('error'))
    // No second conversation was opened for the retry without a conversationId.
    const mine = await relay.stores.conversations.listForVisitor('shop', welcome.visitorId, 10)
    expect(mine.map((c) => c.id)).toEqual([conversationId])
    const events = await relay.stores.conversations.eventsAfter(conversationId, 0, 10)
    expect(events.map((e) => e.kind)).toEqual(['message', 'system'])
  })

  it('answers a cid repeated from another tab after reconnect with the same ack', async () => {
    const { socket, welcome } = await relay.visitor()
    socket.send({ t: 'send', cid: 'retry', text: 'lost ack?' })
    const first = await socket.next(ofType('ack'))
    await socket.close()
    const { socket: again } = await relay.visitor({
      token: welcome.token,
      cursor: { [first.conversationId]: 1 },
    })
    again.send({ t: 'send', cid: 'retry', text: 'lost ack?' })
    expect(await again.next(ofType('ack'))).toEqual(first)
    await again.none(ofType('event'))
  })

  it('keeps later messages in the same open conversation with increasing seq', async () => {
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'a', text: 'one' })
    const a = await socket.next(ofType('ack'))
    socket.send({ t: 'send', cid: 'b', text: 'two' })
    const b = await socket.next(ofType('ack'))
    socket.send({ t: 'send', cid: 'c', conversationId: a.conversationId, text: 'three' })
    const c = await socket.next(ofType('ack'))
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3])
    expect(new Set([a.conversationId, b.conversationId, c.conversationId]).size).toBe(1)
  })

  it('replays exactly the events missed while disconnected, in seq order', async () => {
    const { socket, welcome } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'before' })
    const ack = await socket.next(ofType('ack'))
    await socket.next(ofType('event'))
    await socket.close()

    const { socket: operator } = await relay.operator()
    for (const [i, text] of ['missed 1', 'missed 2'].entries()) {
      operator.send({ t: 'send', cid: `o${i}`, conversationId: ack.conversationId, text })
      await operator.next(ofType('ack'))
    }

    const { socket: back, welcome: again } = await relay.visitor({
      token: welcome.token,
      cursor: { [ack.conversationId]: 1 },
    })
    expect(again.visitorId).toBe(welcome.visitorId)
    const first = await back.next(ofType('event'))
    const second = await back.next(ofType('event'))
    expect([first.seq, first.text, second.seq, second.text]).toEqual([2, 'missed 1', 3, 'missed 2'])
    expect(first.author).toEqual({ kind: 'operator', id: expect.any(String), name: 'Admin' })
    await back.none(ofType('event'))
  })

  it('replays a conversation missing from the cursor whole when it is within the replay limit', async () => {
    const { socket, welcome } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'one' })
    await socket.next(ofType('ack'))
    socket.send({ t: 'send', cid: 'm2', text: 'two' })
    await socket.next(ofType('ack'))
    await socket.close()
    const { socket: back, welcome: again } = await relay.visitor({ token: welcome.token })
    expect(again.conversations).toHaveLength(1)
    expect((await back.next(ofType('event'))).text).toBe('one')
    expect((await back.next(ofType('event'))).text).toBe('two')
  })

  it('replays after the cursor again on sync', async () => {
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'one' })
    const ack = await socket.next(ofType('ack'))
    await socket.next(ofType('event'))
    socket.send({ t: 'sync', cursor: { [ack.conversationId]: 0 } })
    expect(await socket.next(ofType('event'))).toMatchObject({ seq: 1, text: 'one' })
  })

  it('answers ping with pong', async () => {
    const { socket } = await relay.visitor()
    socket.send({ t: 'ping' })
    expect(await socket.next(ofType('pong'))).toEqual({ t: 'pong' })
  })

  it('relays typing to operators without storing it, and operator typing to the visitor', async () => {
    const { socket } = await relay.visitor()
    const { socket: operator } = await relay.operator()
    socket.send({ t: 'send', cid: 'm1', text: 'hi' })
    const ack = await socket.next(ofType('ack'))
    socket.send({ t: 'typing', conversationId: ack.conversationId, typing: true })
    expect(await operator.next(ofType('typing'))).toMatchObject({
      conversationId: ack.conversationId,
      typing: true,
      author: { kind: 'visitor' },
    })
    operator.send({ t: 'typing', conversationId: ack.conversationId, typing: true })
    expect(await socket.next(ofType('typing'))).toMatchObject({
      author: { kind: 'operator', name: 'Admin' },
    })
    const conversation = await relay.app.conversations.get(ack.conversationId)
    expect(conversation?.lastSeq).toBe(1)
  })

  it('stores a read marker and relays it to operators', async () => {
    const { socket } = await relay.visitor()
    const { socket: operator } = await relay.operator()
    socket.send({ t: 'send', cid: 'm1', text: 'hi' })
    const ack = await socket.next(ofType('ack'))
    socket.send({ t: 'read', conversationId: ack.conversationId, seq: 1 })
    expect(await operator.next(ofType('read'))).toMatchObject({
      conversationId: ack.conversationId,
      seq: 1,
    })
  })

  it('tells visitors when the number of online operators changes', async () => {
    const { socket } = await relay.visitor()
    const { socket: operator } = await relay.operator()
    expect(await socket.next(ofType('presence'))).toEqual({
      t: 'presence',
      operatorsOnline: 1,
      available: true,
    })
    await operator.close()
    expect(await socket.next(ofType('presence'))).toEqual({
      t: 'presence',
      operatorsOnline: 0,
      available: false,
    })
  })

  it('drops every bus subscription and presence entry when sockets close', async () => {
    const bus = relay.app.bus as unknown as { topicCount: number }
    // The relay's own (presence for all visitor sockets) stay.
    const own = bus.topicCount
    const { socket: visitor } = await relay.visitor()
    const { socket: operator } = await relay.operator()
    expect(bus.topicCount).toBeGreaterThan(own)
    await visitor.close()
    await operator.close()
    // The relay's close handler runs after the client saw the close: wait for it, no sleep.
    await vi.waitFor(() => expect(bus.topicCount).toBe(own))
    expect(relay.app.presence.count).toBe(0)
  })

  it('requires hello first and refuses a second hello', async () => {
    const socket = await relay.socket('/v1/visitor?site=shop')
    socket.send({ t: 'send', cid: 'early', text: 'hi' })
    expect(await socket.next(ofType('error'))).toMatchObject({
      code: 'hello_required',
      cid: 'early',
    })
    socket.send({ t: 'hello', v: PROTOCOL_VERSION })
    await socket.next(ofType('welcome'))
    socket.send({ t: 'hello', v: PROTOCOL_VERSION })
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'hello_repeated' })
    await socket.close()
  })

  it('refuses an unknown site with site_not_found', async () => {
    const socket = await relay.socket('/v1/visitor?site=nope')
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'site_not_found' })
    expect((await socket.closed).code).toBe(4003)
  })

  it('refuses an unsupported protocol version with close 4000', async () => {
    const socket = await relay.socket('/v1/visitor?site=shop')
    socket.send({ t: 'hello', v: 99 })
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'unsupported_version' })
    expect((await socket.closed).code).toBe(4000)
  })
})
