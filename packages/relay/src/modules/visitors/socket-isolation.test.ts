import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { type Frame, ofType, type TestSocket } from '../../testing/ws-client.ts'

let relay: TestRelay
let alice: { socket: TestSocket; welcome: Frame }
let aliceAck: Frame

async function operatorEvents(conversationId: string): Promise<Frame[]> {
  const cookie = await relay.login()
  const response = await relay.fetch(`/v1/conversations/${conversationId}/events`, {
    headers: { cookie },
  })
  return ((await response.json()) as { events: Frame[] }).events
}

beforeEach(async () => {
  relay = await injectRelay()
  alice = await relay.visitor()
  alice.socket.send({ t: 'send', cid: 'a1', text: 'private to alice' })
  aliceAck = await alice.socket.next(ofType('ack'))
})
afterEach(async () => {
  await relay.close()
})

describe('visitor isolation', () => {
  it('refuses a forged token with token_invalid and close 4001', async () => {
    const socket = await relay.socket('/v1/visitor?site=shop')
    const forged = `${alice.welcome.visitorId}.${'A'.repeat(43)}`
    socket.send({ t: 'hello', v: PROTOCOL_VERSION, token: forged })
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'token_invalid' })
    expect((await socket.closed).code).toBe(4001)
    expect(socket.frames.filter((f) => f.t !== 'error')).toEqual([])
  })

  it('refuses a token issued for another site', async () => {
    const { welcome } = await relay.visitor({}, { site: 'other' })
    const socket = await relay.socket('/v1/visitor?site=shop')
    socket.send({ t: 'hello', v: PROTOCOL_VERSION, token: welcome.token })
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'token_invalid' })
    expect((await socket.closed).code).toBe(4001)
  })

  it('does not let a visitor send into another visitor’s conversation', async () => {
    const { socket: mallory } = await relay.visitor()
    mallory.send({
      t: 'send',
      cid: 'm1',
      conversationId: aliceAck.conversationId,
      text: 'injected',
    })
    expect(await mallory.next(ofType('error'))).toMatchObject({
      code: 'conversation_not_found',
      cid: 'm1',
    })
    await alice.socket.none(ofType('event', (e) => e.text === 'injected'))
    expect((await operatorEvents(aliceAck.conversationId)).map((e) => e.text)).toEqual([
      'private to alice',
    ])
    const conversation = await relay.app.conversations.get(aliceAck.conversationId)
    expect(conversation?.lastSeq).toBe(1)
  })

  it('answers a foreign and a missing conversation id identically', async () => {
    const { socket: mallory } = await relay.visitor()
    mallory.send({ t: 'send', cid: 'm1', conversationId: aliceAck.conversationId, text: 'x' })
    mallory.send({ t: 'send', cid: 'm2', conversationId: 'c_does_not_exist', text: 'x' })
    const foreign = await mallory.next(ofType('error', (f) => f.cid === 'm1'))
    const missing = await mallory.next(ofType('error', (f) => f.cid === 'm2'))
    expect({ ...foreign, cid: '' }).toEqual({ ...missing, cid: '' })
  })

  it('does not let a visitor mark read or type in another visitor’s conversation', async () => {
    const { socket: operator } = await relay.operator()
    const { socket: mallory } = await relay.visitor()
    mallory.send({ t: 'read', cid: 'r1', conversationId: aliceAck.conversationId, seq: 1 })
    expect(await mallory.next(ofType('error'))).toMatchObject({
      code: 'conversation_not_found',
      cid: 'r1',
    })
    mallory.send({ t: 'typing', conversationId: aliceAck.conversationId, typing: true })
    expect(await mallory.next(ofType('error'))).toMatchObject({ code: 'conversation_not_found' })
    await operator.none((f) => f.t === 'read' || f.t === 'typing')
    await alice.socket.none((f) => f.t === 'read' || f.t === 'typing')
  })

  it('replays nothing for a cursor naming another visitor’s conversation', async () => {
    const { socket: mallory, welcome } = await relay.visitor({
      cursor: { [aliceAck.conversationId]: 0 },
    })
    expect(welcome.conversations).toEqual([])
    mallory.send({ t: 'sync', cursor: { [aliceAck.conversationId]: 0 } })
    mallory.send({ t: 'ping' })
    await mallory.next(ofType('pong'))
    await mallory.none(ofType('event'))
    expect(JSON.stringify(mallory.frames)).not.toContain('private to alice')
    expect(JSON.stringify(mallory.frames)).not.toContain(aliceAck.conversationId)
  })

  it('never delivers another visitor’s live events', async () => {
    const { socket: mallory } = await relay.visitor()
    alice.socket.send({ t: 'send', cid: 'a2', text: 'still private' })
    await alice.socket.next(ofType('event', (e) => e.text === 'still private'))
    await mallory.none(ofType('event'))
    await mallory.none(ofType('conversation'))
  })
})
