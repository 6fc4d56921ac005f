import { describe, expect, it } from 'vitest'
import { startRelay } from '../../testing/relay.ts'
import { connect, ofType } from '../../testing/ws-client.ts'

describe('graceful shutdown', () => {
  it('closes visitor and operator sockets with 1001 and a reason, then the store', async () => {
    const relay = await startRelay()
    const { socket: visitor } = await relay.visitor()
    const { socket: operator } = await relay.operator()
    visitor.send({ t: 'send', cid: 'c1', text: 'last words' })
    await visitor.next(ofType('ack'))
    await relay.app.close()
    expect(await visitor.closed).toEqual({ code: 1001, reason: 'relay shutting down' })
    expect(await operator.closed).toEqual({ code: 1001, reason: 'relay shutting down' })
    await expect(relay.stores.conversations.list(1)).rejects.toThrow()
  })

  it('stops accepting connections once closed', async () => {
    const relay = await startRelay()
    const url = relay.wsUrl
    await relay.app.close()
    await expect(connect(`${url}/v1/visitor?site=shop`)).rejects.toThrow()
  })
})
