import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { PROTOCOL_VERSION } from '@parley/protocol'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from './testing/postgres.ts'
import { type RedisServer, startRedis } from './testing/services.ts'
import { connect, type Frame, ofType, type TestSocket } from './testing/ws-client.ts'

const BIN = fileURLToPath(new URL('../bin/parley-relay.js', import.meta.url))
const LISTENING = /^parley-relay listening on (http:\/\/\S+)$/m
const PASSWORD = 'a long enough password'
const BURST = 24

const children = new Set<ChildProcess>()
let redis: RedisServer
let database: Awaited<ReturnType<typeof createTestDatabase>>

beforeAll(async () => {
  // A Redis of its own: this test restarts it.
  redis = await startRedis()
  database = await createTestDatabase()
})
afterEach(() => {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
})
afterAll(async () => {
  await redis?.stop()
  await database?.drop()
})

/** A relay process (the built CLI) on the shared PostgreSQL and Redis. */
async function relay() {
  const child = spawn(process.execPath, [BIN], {
    env: {
      ...process.env,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_PORT: '0',
      PARLEY_DATABASE_URL: database.url,
      PARLEY_REDIS_URL: redis.url,
      PARLEY_SITES: 'shop',
      PARLEY_ADMIN_PASSWORD: PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<string | null>((resolve) => child.once('exit', (_, s) => resolve(s)))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = LISTENING.exec(output)
      if (match) resolve(match[1]!)
    })
    child.once('exit', () => reject(new Error(`relay exited early: ${output}`)))
  })
  return { child, url, ws: url.replace('http', 'ws'), exited }
}

type Relay = Awaited<ReturnType<typeof relay>>

async function visitor(at: Relay, hello: Frame = {}) {
  const socket = await connect(`${at.ws}/v1/visitor?site=shop`)
  socket.send({ t: 'hello', v: PROTOCOL_VERSION, ...hello })
  return { socket, welcome: await socket.next(ofType('welcome')) }
}

async function operator(at: Relay, cursor?: Record<string, number>) {
  const login = await fetch(`${at.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: PASSWORD }),
  })
  expect(login.status).toBe(200)
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!
  const socket = await connect(`${at.ws}/v1/operator`, { headers: { cookie } })
  socket.send({ t: 'hello', v: PROTOCOL_VERSION, ...(cursor && { cursor }) })
  await socket.next(ofType('welcome'))
  return socket
}

const eventWith = (text: string) => (f: Frame) => f.t === 'event' && f.text === text

/** Every event frame the sockets got, in arrival order. */
const eventsOf = (sockets: TestSocket[]) =>
  sockets.flatMap((s) => s.frames.filter((f) => f.t === 'event'))

/** Each acked cid's event exactly once, in seq order, with no other copy. */
function expectExactlyOnceInOrder(events: Frame[], texts: string[]) {
  const ids = events.map((e) => e.id)
  expect(new Set(ids).size).toBe(ids.length)
  const seen = events.filter((e) => texts.includes(e.text)).map((e) => e.text)
  expect(seen).toEqual(texts)
  const seqs = events.map((e) => e.seq)
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
}

describe('three relays on one PostgreSQL and one Redis', () => {
  it('carry messages both ways across relays, lose nothing acked when one is killed or Redis restarts', async () => {
    // A first (it seeds the empty database), then B and C at once; C serves from later on.
    const a = await relay()
    const [b, c] = await Promise.all([relay(), relay()])

    // A visitor on A, the operator on B: live both ways.
    const first = await visitor(a)
    const { token } = first.welcome
    const v1 = first.socket
    const o1 = await operator(b)
    v1.send({ t: 'send', cid: 'hi', text: 'hello from A' })
    const ack = await v1.next(ofType('ack'))
    const conversationId = ack.conversationId as string
    await o1.next(eventWith('hello from A'))
    o1.send({ t: 'send', cid: 'r1', conversationId, text: 'reply from B' })
    expect((await o1.next(ofType('ack'))).conversationId).toBe(conversationId)
    await v1.next(eventWith('reply from B'))

    // A burst from the visitor on A, and A killed with SIGKILL a third of the way in.
    let acks = 0
    v1.ws.on('message', (data) => {
      if (String(data).includes('"t":"ack"') && ++acks === BURST / 3) a.child.kill('SIGKILL')
    })
    for (let n = 0; n < BURST; n++) v1.send({ t: 'send', cid: `m${n}`, text: `burst ${n}` })
    expect(await a.exited).toBe('SIGKILL')
    await v1.closed
    const acked = v1.frames
      .filter((f) => f.t === 'ack' && String(f.cid).startsWith('m'))
      .map((f) => `burst ${String(f.cid).slice(1)}`)
    expect(acked.length).toBeGreaterThanOrEqual(BURST / 3)

    // The visitor comes back through the third relay, resuming by cursor from what it saw.
    const seen = (sockets: TestSocket[], id: string) =>
      Math.max(
        0,
        ...eventsOf(sockets)
          .filter((e) => e.conversationId === id)
          .map((e) => e.seq),
      )
    const v2 = (
      await visitor(c, { token, cursor: { [conversationId]: seen([v1], conversationId) } })
    ).socket
    // It holds every acked message exactly once: what it had live (a visitor's own messages
    // come back as events too) and what the replay brought.
    const lastAcked = eventWith(acked.at(-1)!)
    if (!v1.frames.some(lastAcked)) await v2.next(lastAcked)
    await v2.none(() => false)
    const visitorTexts = ['hello from A', 'reply from B', ...acked]
    expectExactlyOnceInOrder(eventsOf([v1, v2]), visitorTexts)

    // Redis restarts: B and C resync, closing their sockets; both sides resume by cursor.
    await redis.restart()
    const [closedO, closedV] = await Promise.all([o1.closed, v2.closed])
    expect(closedO.code).toBe(1001)
    expect(closedV.code).toBe(1001)
    const o2 = await operator(b, { [conversationId]: seen([o1], conversationId) })
    const v3 = (
      await visitor(c, { token, cursor: { [conversationId]: seen([v1, v2], conversationId) } })
    ).socket
    // Live across relays again: the visitor on C, the operator on B.
    v3.send({ t: 'send', cid: 'after', text: 'after the restart' })
    await v3.next(ofType('ack'))
    await o2.next(eventWith('after the restart'))
    o2.send({ t: 'send', cid: 'r2', conversationId, text: 'heard you' })
    await o2.next(ofType('ack'))
    await v3.next(eventWith('heard you'))
    // Each side's own copies (published just after its ack).
    await v3.next(eventWith('after the restart'))
    await o2.next(eventWith('heard you'))

    const all = [...visitorTexts, 'after the restart', 'heard you']
    expectExactlyOnceInOrder(eventsOf([v1, v2, v3]), all)
    // The operator got every acked message exactly once too, live or by its resume.
    expectExactlyOnceInOrder(eventsOf([o1, o2]), all)

    // In the database: each cid once, seqs 1…n with no gap.
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    const { rows } = await client.query<{ seq: number; cid: string | null }>(
      'SELECT seq, cid FROM events WHERE conversation_id = $1 ORDER BY seq',
      [conversationId],
    )
    await client.end()
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1))
    const cids = rows.flatMap((r) => (r.cid ? [r.cid] : []))
    expect(new Set(cids).size).toBe(cids.length)
    for (const text of acked) expect(cids).toContain(`m${text.split(' ')[1]}`)
    // Three relay processes start on a shared machine: give them time.
  }, 60_000)
})
