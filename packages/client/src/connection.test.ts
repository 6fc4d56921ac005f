import { afterEach, beforeEach, expect, test } from 'vitest'
import WebSocket from 'ws'
import { Connection, type ConnectionOptions } from './connection.ts'
import { FakeRelay, until } from './test/fake-relay.ts'

let relay: FakeRelay
let connection: Connection | undefined
let log: string[]

beforeEach(async () => {
  relay = await FakeRelay.start()
  log = []
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
    WebSocket,
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
  const c = connect({ heartbeatMs: 40 })
  await until(() => expect(relay.frames('ping').length).toBeGreaterThanOrEqual(4), 2000)
  expect(c.state).toBe('connected')
  expect(log).toEqual(['idle -> connecting', 'connecting -> connected'])
})

test('a relay silent for twice the heartbeat is dropped and reconnected', async () => {
  relay.answerPings = false
  const c = connect({ heartbeatMs: 30 })
  await until(() => expect(relay.frames('hello')).toHaveLength(2))
  await until(() => expect(c.state).toBe('connected'))
  expect(log.slice(0, 5)).toEqual([
    'idle -> connecting',
    'connecting -> connected',
    'retry 0 in 10',
    'connected -> reconnecting',
    'reconnecting -> connected',
  ])
  expect(relay.frames('ping').length).toBeGreaterThanOrEqual(1)
})

test('stops reconnecting after close 4001 and reports the error instead', async () => {
  relay.apiToken = 'right'
  const c = connect({ hello: () => ({ t: 'hello', v: 1, apiToken: 'wrong' }) }, '/v1/operator')
  await until(() => expect(c.state).toBe('closed'))
  await new Promise((resolve) => setTimeout(resolve, 100))
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
  const c = connect({ backoff: { baseMs: 200 } })
  await until(() => expect(c.state).toBe('connected'))
  relay.dropAll()
  await until(() => expect(c.state).toBe('reconnecting'))
  c.destroy()
  await new Promise((resolve) => setTimeout(resolve, 250))
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
