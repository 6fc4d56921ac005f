import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { type Frame, ofType, type TestSocket } from '../../testing/ws-client.ts'

let relay: TestRelay

beforeEach(async () => {
  relay = await injectRelay({ replayLimit: 5 })
})
afterEach(async () => {
  await relay.close()
})

/** A visitor whose one conversation holds `count` messages; the socket is closed. */
async function conversationOf(count: number): Promise<{ token: string; conversationId: string }> {
  const { socket, welcome } = await relay.visitor()
  let conversationId: string | undefined
  for (let i = 1; i <= count; i++) {
    socket.send({
      t: 'send',
      cid: `m${i}`,
      text: `m${i}`,
      ...(conversationId && { conversationId }),
    })
    conversationId = (await socket.next(ofType('ack'))).conversationId
  }
  await socket.close()
  return { token: welcome.token, conversationId: conversationId! }
}

async function replayed(socket: TestSocket, count: number): Promise<number[]> {
  const events: Frame[] = []
  for (let i = 0; i < count; i++) events.push(await socket.next(ofType('event')))
  await socket.none(ofType('event'))
  return events.map((event) => event.seq)
}

describe('replay beyond the replay limit', () => {
  it('replays the latest events in seq order to a hello without a cursor', async () => {
    const { token } = await conversationOf(8)
    const { socket, welcome } = await relay.visitor({ token })
    expect(welcome.conversations[0]).toMatchObject({ lastSeq: 8 })
    expect(await replayed(socket, 5)).toEqual([4, 5, 6, 7, 8])
  })

  it('replays the latest events to a hello whose cursor is further behind than the limit', async () => {
    const { token, conversationId } = await conversationOf(8)
    const { socket } = await relay.visitor({ token, cursor: { [conversationId]: 1 } })
    expect(await replayed(socket, 5)).toEqual([4, 5, 6, 7, 8])
  })

  it('replays after a cursor within the limit', async () => {
    const { token, conversationId } = await conversationOf(8)
    const { socket } = await relay.visitor({ token, cursor: { [conversationId]: 4 } })
    expect(await replayed(socket, 4)).toEqual([5, 6, 7, 8])
  })

  it('answers a sync far behind with the next page, so the client can fill its gap', async () => {
    const { token, conversationId } = await conversationOf(8)
    const { socket } = await relay.visitor({ token, cursor: { [conversationId]: 8 } })
    socket.send({ t: 'sync', cursor: { [conversationId]: 1 } })
    expect(await replayed(socket, 5)).toEqual([2, 3, 4, 5, 6])
  })

  it('replays the latest events to an operator hello whose cursor is further behind than the limit', async () => {
    const { conversationId } = await conversationOf(8)
    const socket = await relay.socket('/v1/operator', {
      headers: { cookie: await relay.login() },
    })
    socket.send({ t: 'hello', v: PROTOCOL_VERSION, cursor: { [conversationId]: 0 } })
    await socket.next(ofType('welcome'))
    expect(await replayed(socket, 5)).toEqual([4, 5, 6, 7, 8])
    await socket.close()
  })
})
