import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PROTOCOL_VERSION } from '@parley/protocol'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { connect, type Frame, ofType, type TestSocket } from '../testing/ws-client.ts'

const BIN = fileURLToPath(new URL('../../bin/parley-relay.js', import.meta.url))
const LISTENING = /^parley-relay listening on (http:\/\/\S+)$/m
const VISITORS = 80
const MESSAGES = 20
const CALLBACKS = 3

const children = new Set<ChildProcess>()
let dir: string | undefined

afterEach(() => {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function start(database: string) {
  const child = spawn(process.execPath, [BIN, '--demo'], {
    env: {
      ...process.env,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_PORT: '0',
      PARLEY_DATABASE: database,
      PARLEY_ADMIN_PASSWORD: 'a long enough password',
      PARLEY_MAX_CONNECTIONS_PER_ADDRESS: String(VISITORS + 10),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let stdout = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = LISTENING.exec(stdout)
      if (match) resolve(match[1]!)
    })
    child.once('exit', () => reject(new Error(`exited early: ${stdout}`)))
  })
  return { child, listening, exited }
}

describe('a crash in the middle of a batch', () => {
  it('keeps every acked frame exactly once and no unacked frame half-written', async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-crash-'))
    const database = join(dir, 'parley.db')
    const first = start(database)
    const url = await first.listening
    const { agreement } = (await (await fetch(`${url}/v1/sites/demo/config`)).json()) as {
      agreement: { version: string }
    }
    const consent = { version: agreement.version }
    const visitors: { socket: TestSocket; visitorId: string }[] = []
    for (let i = 0; i < VISITORS; i++) {
      const socket = await connect(`${url.replace('http', 'ws')}/v1/visitor?site=demo`)
      socket.send({ t: 'hello', v: PROTOCOL_VERSION })
      visitors.push({ socket, visitorId: (await socket.next(ofType('welcome'))).visitorId })
    }
    const total = VISITORS * (MESSAGES + CALLBACKS)
    // Killed as soon as a third of the burst is acked: the relay is committing batches then.
    let acks = 0
    for (const { socket } of visitors) {
      socket.ws.on('message', (data) => {
        if (String(data).includes('"t":"ack"') && ++acks === Math.floor(total / 3)) {
          first.child.kill('SIGKILL')
        }
      })
    }
    for (const [i, { socket }] of visitors.entries()) {
      for (let n = 0; n < MESSAGES; n++) {
        socket.send({ t: 'send', cid: `m${n}`, text: `message ${n} of visitor ${i}` })
        if (n % 7 === 3 && n / 7 < CALLBACKS) {
          const phone = `+7916${String(i).padStart(4, '0')}${String(n).padStart(3, '0')}`
          socket.send({
            t: 'callback',
            cid: `f${n}`,
            name: `Visitor ${i}`,
            phone,
            when: 'asap',
            consent,
          })
        }
      }
    }
    expect((await first.exited).signal).toBe('SIGKILL')
    await Promise.all(visitors.map(({ socket }) => socket.closed))
    const acked = visitors.flatMap(({ socket, visitorId }) =>
      socket.frames.filter((f) => f.t === 'ack').map((ack: Frame) => ({ visitorId, ack })),
    )
    // Nothing was refused (a refusal would pass for a frame lost in the crash).
    expect(visitors.flatMap(({ socket }) => socket.frames.filter((f) => f.t === 'error'))).toEqual(
      [],
    )
    // Killed mid-burst: some of it acked, not all of it.
    expect(acked.length).toBeGreaterThanOrEqual(Math.floor(total / 3))
    expect(acked.length).toBeLessThan(total)

    // The relay starts again on the file (recovering its write-ahead log), then stops cleanly.
    const second = start(database)
    await second.listening
    second.child.kill('SIGTERM')
    expect(await second.exited).toEqual({ code: 0, signal: null })

    const db = new BetterSqlite3(database, { readonly: true })
    try {
      const byCid = db.prepare(
        'SELECT id, conversation_id, seq, kind FROM events WHERE author_key = ? AND cid = ?',
      )
      for (const { visitorId, ack } of acked) {
        expect(byCid.all(`visitor:demo:${visitorId}`, ack.cid)).toEqual([
          {
            id: ack.id,
            conversation_id: ack.conversationId,
            seq: ack.seq,
            kind: ack.cid.startsWith('f') ? 'form' : 'message',
          },
        ])
      }
      // Every conversation's row agrees with its events: seq 1…last_seq, no gap, the last text.
      const conversations = db
        .prepare(
          `SELECT c.id, c.kind, c.last_seq, c.last_text, count(e.id) AS events, max(e.seq) AS top,
             (SELECT text FROM events WHERE conversation_id = c.id AND kind IN ('message', 'form')
              ORDER BY seq DESC LIMIT 1) AS last
           FROM conversations c LEFT JOIN events e ON e.conversation_id = c.id GROUP BY c.id`,
        )
        .all() as {
        kind: string
        last_seq: number
        last_text: string | null
        events: number
        top: number
        last: string | null
      }[]
      expect(conversations.length).toBeGreaterThan(0)
      for (const c of conversations) {
        expect(c.events).toBeGreaterThan(0)
        expect([c.events, c.top]).toEqual([c.last_seq, c.last_seq])
        expect(c.last_text).toBe(c.last?.slice(0, 200) ?? null)
      }
      // A form is stored with its consent, and a consent with its form, or neither.
      const forms = db
        .prepare(
          `SELECT e.id, (SELECT count(*) FROM consents WHERE event_id = e.id) AS consents
           FROM events e WHERE e.kind = 'form'`,
        )
        .all() as { consents: number }[]
      expect(forms.length).toBeGreaterThan(0)
      for (const form of forms) expect(form.consents).toBe(1)
      const orphans = db
        .prepare(
          `SELECT count(*) AS n FROM consents
           WHERE form = 'callback' AND event_id NOT IN (SELECT id FROM events)`,
        )
        .get() as { n: number }
      expect(orphans.n).toBe(0)
    } finally {
      db.close()
    }
  }, 60_000)
})
