/**
 * The Socket.IO baseline: a Socket.IO server (WebSocket transport only) carrying the same
 * traffic as bench/bare-relay.ts — `hello` → `welcome`, `send` → `ack` to the visitor and
 * `event` to every operator (one room broadcast, encoded once) — with no validation, no
 * auth and no storage. Frames are Socket.IO events named by the protocol's `t`, their
 * payload the rest of the frame; bench/load.ts speaks it with `--transport socketio`.
 */
import { createServer } from 'node:http'
import { Server } from 'socket.io'

const http = createServer()
const io = new Server(http, { transports: ['websocket'], serveClient: false })
let seq = 0

io.on('connection', (socket) => {
  if (socket.handshake.query.role === 'operator') void socket.join('operators')
  socket.on('hello', () => {
    socket.emit('welcome', { v: 1, visitorId: 'v', token: 't', conversations: [] })
  })
  socket.on('send', (frame: { cid: string; conversationId?: string; text: string }) => {
    seq += 1
    const at = Date.now()
    const conversationId = frame.conversationId ?? 'c'
    socket.emit('ack', { cid: frame.cid, id: String(seq), conversationId, seq, at })
    io.to('operators').emit('event', {
      conversationId,
      seq,
      id: String(seq),
      kind: 'message',
      author: { kind: 'visitor' },
      text: frame.text,
      at,
    })
  })
  socket.on('ping', () => socket.emit('pong', {}))
})

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = http.address()
  if (typeof address === 'object' && address)
    console.log(`socket.io relay listening at http://127.0.0.1:${address.port}`)
})
process.on('SIGTERM', () => io.close(() => process.exit(0)))
