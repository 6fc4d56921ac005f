/**
 * The durable floor: the bare `ws` relay of bench/bare-relay.ts plus what a durable chat
 * relay cannot skip — every message stored in SQLite (WAL, `synchronous = FULL`, a unique
 * `(author, cid)` index, the conversation's `seq`) before its ack, with one transaction per
 * event-loop turn for all the messages that turn brought. No validation, auth or routing.
 * `pnpm bench` compares Parley's relay against it.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { type WebSocket, WebSocketServer } from 'ws'

const file = process.env.FLOOR_DATABASE ?? join(mkdtempSync(join(tmpdir(), 'floor-')), 'floor.db')
const db = new BetterSqlite3(file)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = FULL')
db.exec(`
  CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS events (conversation_id TEXT NOT NULL, seq INTEGER NOT NULL,
    author TEXT NOT NULL, cid TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq), UNIQUE (author, cid));
`)
const nextSeq = db.prepare(
  `INSERT INTO conversations (id, last_seq) VALUES (?, 1)
   ON CONFLICT (id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
)
const insert = db.prepare('INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?, ?)')
const begin = db.prepare('BEGIN IMMEDIATE')
const commit = db.prepare('COMMIT')

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
const operators = new Set<WebSocket>()
let visitors = 0
interface Queued {
  socket: WebSocket
  conversationId: string
  author: string
  cid: string
  text: string
}
let queue: Queued[] = []

function flush() {
  const batch = queue
  queue = []
  const at = Date.now()
  begin.run()
  const stored = batch.map((m) => {
    const { last_seq: seq } = nextSeq.get(m.conversationId) as { last_seq: number }
    insert.run(m.conversationId, seq, m.author, m.cid, m.text, at)
    return seq
  })
  commit.run()
  batch.forEach((m, i) => {
    const seq = stored[i]!
    const id = `${m.conversationId}:${seq}`
    m.socket.send(
      JSON.stringify({ t: 'ack', cid: m.cid, id, conversationId: m.conversationId, seq, at }),
    )
    const event = JSON.stringify({
      t: 'event',
      conversationId: m.conversationId,
      seq,
      id,
      kind: 'message',
      author: { kind: 'visitor' },
      text: m.text,
      at,
    })
    for (const op of operators) op.send(event)
  })
}

wss.on('connection', (socket, req) => {
  const isOperator = req.url?.startsWith('/v1/operator') ?? false
  const author = `v${++visitors}`
  if (isOperator) {
    operators.add(socket)
    socket.on('close', () => operators.delete(socket))
  }
  socket.on('message', (raw) => {
    const frame = JSON.parse(String(raw))
    if (frame.t === 'hello') {
      socket.send(
        JSON.stringify({ t: 'welcome', v: 1, visitorId: author, token: 't', conversations: [] }),
      )
    } else if (frame.t === 'send') {
      if (queue.length === 0) setImmediate(flush)
      queue.push({
        socket,
        conversationId: frame.conversationId ?? `c-${author}`,
        author,
        cid: frame.cid,
        text: frame.text,
      })
    }
  })
})

wss.on('listening', () => {
  const address = wss.address()
  if (typeof address === 'object' && address)
    console.log(`floor relay listening at http://127.0.0.1:${address.port}`)
})
process.on('SIGTERM', () => wss.close(() => process.exit(0)))
