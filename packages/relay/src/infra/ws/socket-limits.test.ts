import { Writable } from 'node:stream'
import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, startRelay, type TestRelay } from '../../testing/relay.ts'
import { connect, ofType, type TestSocket } from '../../testing/ws-client.ts'

let relay: TestRelay
afterEach(async () => {
  await relay.close()
})

/** Waits until the relay has handled what is in flight (a frame round trip). */
async function settle(socket: TestSocket, cid: string) {
  socket.send({ t: 'ping', cid })
  await socket.next(ofType('pong'))
}

describe('socket limits', () => {
  it('closes a socket that never says hello once the hello timeout passes, not before', async () => {
    const clock = manualClock()
    relay = await injectRelay({ now: clock.now, timers: clock.timers, helloTimeoutMs: 10_000 })
    const silent = await relay.socket('/v1/visitor?site=shop')
    const greeted = await relay.visitor()
    clock.advance(9_999)
    expect(silent.ws.readyState).toBe(silent.ws.OPEN)
    clock.advance(1)
    expect(await silent.next(ofType('error'))).toMatchObject({ code: 'hello_timeout' })
    expect(await silent.closed).toEqual({ code: 4008, reason: 'hello_timeout' })
    // A socket that said hello is not affected.
    await settle(greeted.socket, 'p1')
  })

  it('pings a silent socket and closes it when no pong comes back', async () => {
    const clock = manualClock()
    // A port: the ws client of injectWS always answers pings, this one must not.
    const listening = await startRelay({
      now: clock.now,
      timers: clock.timers,
      idleTimeoutMs: 60_000,
    })
    relay = listening
    const mute = await connect(`${listening.wsUrl}/v1/visitor?site=shop`, { autoPong: false })
    mute.send({ t: 'hello', v: PROTOCOL_VERSION })
    await mute.next(ofType('welcome'))
    const pings: number[] = []
    mute.ws.on('ping', () => pings.push(clock.now()))
    const start = clock.now()
    clock.advance(30_000)
    await new Promise<void>((resolve) => mute.ws.once('ping', () => resolve()))
    expect(pings).toEqual([start + 30_000])
    clock.advance(30_000)
    expect(await mute.next(ofType('error'))).toMatchObject({ code: 'idle_timeout' })
    expect(await mute.closed).toEqual({ code: 4008, reason: 'idle_timeout' })
  })

  it('keeps a socket that answers pings or sends frames open however long it lives', async () => {
    const clock = manualClock()
    relay = await injectRelay({ now: clock.now, timers: clock.timers, idleTimeoutMs: 60_000 })
    const { socket } = await relay.visitor()
    for (let i = 0; i < 4; i++) {
      clock.advance(30_000)
      await new Promise<void>((resolve) => socket.ws.once('ping', () => resolve()))
      // ws answers the ping with a pong; let it reach the relay before time moves on.
      await settle(socket, `p${i}`)
    }
    expect(socket.ws.readyState).toBe(socket.ws.OPEN)
    expect(socket.frames.some((f) => f.code === 'idle_timeout')).toBe(false)
  })

  it('refuses sockets past the per-address cap with too_many_connections and 1013', async () => {
    // A port: the cap counts the TCP connections of one address.
    relay = await startRelay({ maxConnectionsPerAddress: 2 })
    const first = await relay.visitor()
    await relay.operator()
    const third = await relay.socket('/v1/visitor?site=shop')
    expect(await third.next(ofType('error'))).toMatchObject({ code: 'too_many_connections' })
    expect((await third.closed).code).toBe(1013)
    await first.socket.close()
    // The closed socket's place is free again.
    const again = await relay.visitor()
    expect(again.welcome.t).toBe('welcome')
  })

  it("limits one visitor's frames across tabs, not only per socket", async () => {
    relay = await injectRelay({
      rateLimit: { burst: 100, perSecond: 100 },
      visitorRateLimit: { burst: 4, perSecond: 0.001 },
    })
    const a = await relay.visitor()
    const b = await relay.visitor({ token: a.welcome.token })
    for (const [socket, cid] of [
      [a.socket, 'p1'],
      [b.socket, 'p2'],
      [a.socket, 'p3'],
      [b.socket, 'p4'],
    ] as const) {
      socket.send({ t: 'ping', cid })
      await socket.next(ofType('pong'))
    }
    b.socket.send({ t: 'send', cid: 'm5', text: 'one too many' })
    expect(await b.socket.next(ofType('error'))).toMatchObject({ code: 'rate_limited', cid: 'm5' })
    // Another visitor is not held back.
    const other = await relay.visitor()
    other.socket.send({ t: 'send', cid: 'o1', text: 'hi' })
    expect(await other.socket.next(ofType('ack'))).toMatchObject({ cid: 'o1' })
  })
})

describe('what a client can make the relay log', () => {
  it('logs an oversized frame and invalid UTF-8 once at info, with no stack and no error line', async () => {
    const lines: { level: number; msg: string; err?: unknown; stack?: unknown }[] = []
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
        done()
      },
    })
    relay = await injectRelay({ logger: { level: 'debug', stream }, maxPayloadBytes: 1024 })
    const big = await relay.visitor()
    big.socket.send('x'.repeat(2048))
    expect((await big.socket.closed).code).toBe(1009)
    const broken = await relay.visitor()
    broken.socket.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })
    expect((await broken.socket.closed).code).toBe(1007)
    const { socket } = await relay.visitor()
    await settle(socket, 'p')
    const websocket = lines.filter((l) => l.msg.startsWith('websocket:'))
    expect(websocket.map((l) => l.level)).toEqual([30, 30])
    expect(lines.filter((l) => l.level >= 50)).toEqual([])
    expect(JSON.stringify(lines)).not.toMatch(/"stack"|\n\s+at /)
  })
})
