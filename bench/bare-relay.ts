/**
 * The baseline: a bare `ws` relay that speaks just enough of the visitor and
 * operator protocol to carry the same traffic, with no validation, no auth and
 * no storage. `pnpm bench` compares Parley's relay against it.
 */
import { type WebSocket, WebSocketServer } from 'ws'

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
const operators = new Set<WebSocket>()
let seq = 0

wss.on('connection', (socket, req) => {
  const isOperator = req.url?.startsWith('/v1/operator') ?? false
  if (isOperator) {
    operators.add(socket)
    socket.on('close', () => operators.delete(socket))
  }
  socket.on('message', (raw) => {
    const frame = JSON.parse(String(raw))
    if (frame.t === 'hello') {
      socket.send(
        JSON.stringify({ t: 'welcome', v: 1, visitorId: 'v', token: 't', conversations: [] }),
      )
    } else if (frame.t === 'send') {
      seq += 1
      const at = Date.now()
      const conversationId = frame.conversationId ?? 'c'
      socket.send(
        JSON.stringify({ t: 'ack', cid: frame.cid, id: String(seq), conversationId, seq, at }),
      )
      const event = JSON.stringify({
        t: 'event',
        conversationId,
        seq,
        id: String(seq),
        kind: 'message',
        author: { kind: 'visitor' },
        text: frame.text,
        at,
      })
      for (const op of operators) op.send(event)
    } else if (frame.t === 'ping') {
      socket.send('{"t":"pong"}')
    }
  })
})

wss.on('listening', () => {
  const address = wss.address()
  if (typeof address === 'object' && address)
    console.log(`bare relay listening at http://127.0.0.1:${address.port}`)
})
process.on('SIGTERM', () => wss.close(() => process.exit(0)))
