import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from './relay.ts'

let relay: TestRelay
afterEach(async () => {
  await relay.close()
})

describe('an injected relay', () => {
  it('opens no port, yet answers REST and both sockets from the client address 127.0.0.1', async () => {
    const addresses: (string | undefined)[] = []
    relay = await injectRelay({
      geoip: { lookup: { lookup: async (ip) => void addresses.push(ip) } },
    })
    expect(relay.app.server.listening).toBe(false)
    expect((await relay.fetch('/healthz')).status).toBe(200)
    const { welcome } = await relay.visitor()
    expect(welcome.t).toBe('welcome')
    expect((await relay.operator()).welcome.operator).toMatchObject({ role: 'admin' })
    expect(addresses).toEqual(['127.0.0.1'])
  })

  it('hears at once that a socket closed, whichever side closed it', async () => {
    relay = await injectRelay()
    const clients = relay.app.websocketServer.clients
    const { socket: visitor } = await relay.visitor()
    const operator = await relay.socket('/v1/operator')
    expect(clients.size).toBe(2)
    // The relay closes this one: a hello with no credentials.
    operator.send({ t: 'hello', v: PROTOCOL_VERSION })
    expect((await operator.closed).code).toBe(4001)
    await visitor.close()
    // Well within ws's 30 s close timeout, which the streams of injectWS would otherwise wait for.
    await expect.poll(() => clients.size, { timeout: 1000 }).toBe(0)
  })
})
