import { afterEach, beforeEach, expect, test } from 'vitest'
import WebSocket from 'ws'
import { Connection, type ConnectionOptions } from './connection.ts'
import { FakeRelay, until } from './test/fake-relay.ts'
import { fakeTimers } from './test/fake-timers.ts'

let relay: FakeRelay
let connection: Connection | undefined
let log: string[]
/** URLs of the sockets the connection opened, counted as it opens them. */
let sockets: string[]

/** `ws`, counting every socket the connection creates (synchronously, unlike the relay). */
class CountedWebSocket extends WebSocket {
  constructor(url: string) {
    super(url)
    sockets.push(url)
  }
}

beforeEach(async () => {
  relay = await FakeRelay.start()
  log = []
  sockets = []
})

afterEach(async () => {
  connection?.destroy()
  await relay.close()
})

function connect(
  options: Partial<ConnectionOptions> = {},
  path = '/v1/visitor?site=s',
): Connection {
  connection = new Connection({
    url: relay.url.replace('http', 'ws') + path,
    WebSocket: CountedWebSocket,
    hello: () => ({ t: 'hello', v: 1 }),
    random: () => 0.5,
    backoff: { baseMs: 20, capMs: 1000 },
    ...options,
  })
  connection.on('state', ({ oldState, newState }) => log.push(`${oldState} -> ${newState}`))
  connection.on('retry', ({ attempt, delayMs }) => log.push(`retry ${attempt} in ${delayMs}`))
  connection.on('error', ({ error }) => log.push(`error ${error.code}`))
  connection.connect()
  return connection
}

test('reconnects after refused attempts with full-jitter delays and resets them after a welcome', async () => {
  relay.refuse(3)
  const c = connect()
  await until(() => expect(c.state).toBe('connected'))
  relay.dropAll()
  await until(() => expect(relay.frames('hello')).toHaveLength(2))
  await until(() => expect(c.state).toBe('connected'))
  // random() = 0.5, so each delay is half of min(cap, base * 2^attempt).
  expect(log).toEqual([
    'idle -> connecting',
    'retry 0 in 10',
    'connecting -> reconnecting',
    'retry 1 in 20',
    'retry 2 in 40',
    'reconnecting -> connected',
    'retry 0 in 10',
    'connected -> reconnecting',
    'reconnecting -> connected',
  ])
  expect(relay.connections).toBe(5)
})

test('caps the backoff delay at capMs', async () => {
  relay.refuse(4)
  const c = connect({ random: () => 1, backoff: { baseMs: 10, capMs: 25 } })
  await until(() => expect(c.state).toBe('connected'))
  expect(log.filter((line) => line.startsWith('retry'))).toEqual([
    'retry 0 in 10',
    'retry 1 in 20',
    'retry 2 in 25',
    'retry 3 in 25',
  ])
})

test('pings every heartbeatMs and keeps a connection whose relay answers', async () => {
  const time = fakeTimers()
  const c = connect({ timers: time.timers, heartbeatMs: 25_000 })
  let pongs = 0
  c.on('frame', ({ frame }) => {
    if (frame.t === 'pong') pongs += 1
  })
  await until(() => expect(c.state).toBe('connected'))
  // Four heartbeats: each sends a ping, and its pong keeps the 50 s deadline from falling due.
  for (let beat = 1; beat <= 4; beat++) {
    time.advance(25_000)
    await until(() => expect(pongs).toBe(beat))
  }
  expect(relay.frames('ping')).toHaveLength(4)
  expect(c.state).toBe('connected')
  expect(log).toEqual(['idle -> connecting', 'connecting -> connected'])
})

test('a relay silent for twice the heartbeat is dropped and reconnected', async () => {
  relay.answerPings = false
  const time = fakeTimers()
  const c = connect({ timers: time.timers, heartbeatMs: 25_000 })
  await until(() => expect(c.state).toBe('connected'))
  time.advance(49_999)
  expect(c.state).toBe('connected')
  time.advance(1)
  expect(c.state).toBe('reconnecting')
  time.advance(10)
  await until(() => expect(c.state).toBe('connected'))
  expect(log).toEqual([
    'idle -> connecting',
    'connecting -> connected',
    'retry 0 in 10',
    'connected -> reconnecting',
    'reconnecting -> connected',
  ])
  expect(sockets).toHaveLength(2)
  await until(() => expect(relay.frames('hello')).toHaveLength(2))
  // The one ping, at 25 s, went unanswered on the first socket.
  expect(relay.received.filter((r) => r.frame.t === 'ping').map((r) => r.connection)).toEqual([1])
})

test('stops reconnecting after close 4001 and reports the error instead', async () => {
  relay.apiToken = 'right'
  const time = fakeTimers()
  const c = connect(
    { timers: time.timers, hello: () => ({ t: 'hello', v: 1, apiToken: 'wrong' }) },
    '/v1/operator',
  )
  await until(() => expect(c.state).toBe('closed'))
  // Past the longest backoff (capMs): a scheduled reconnect would have opened a socket.
  time.advance(1000)
  expect(sockets).toHaveLength(1)
  expect(log).toEqual(['idle -> connecting', 'connecting -> closed', 'error unauthorized'])
  expect(relay.connections).toBe(1)
})

test('recover() may turn a refusal into one more attempt', async () => {
  relay.apiToken = 'right'
  let apiToken = 'wrong'
  const c = connect(
    {
      hello: () => ({ t: 'hello', v: 1, apiToken }),
      recover: (error) => {
        log.push(`recover ${error.code}`)
        apiToken = 'right'
        return true
      },
    },
    '/v1/operator',
  )
  await until(() => expect(c.state).toBe('connected'))
  expect(log).toEqual([
    'idle -> connecting',
    'recover unauthorized',
    'retry 0 in 10',
    'connecting -> reconnecting',
    'reconnecting -> connected',
  ])
})

test('destroy closes the socket and cancels a scheduled reconnect', async () => {
  const time = fakeTimers()
  const c = connect({ timers: time.timers, backoff: { baseMs: 200 } })
  await until(() => expect(c.state).toBe('connected'))
  relay.dropAll()
  await until(() => expect(c.state).toBe('reconnecting'))
  expect(log).toContain('retry 0 in 100')
  c.destroy()
  time.advance(100)
  expect(sockets).toHaveLength(1)
  expect(relay.connections).toBe(1)
  expect(log.at(-1)).toBe('reconnecting -> closed')
})

test('close() closes the socket on the relay side and connect() may start again', async () => {
  const c = connect()
  await until(() => expect(c.state).toBe('connected'))
  c.close()
  await until(() => expect(relay.open).toBe(0))
  c.connect()
  await until(() => expect(c.state).toBe('connected'))
  expect(relay.connections).toBe(2)
  expect(log).toEqual([
    'idle -> connecting',
    'connecting -> connected',
    'connected -> closed',
    'closed -> connecting',
    'connecting -> connected',
  ])
})
