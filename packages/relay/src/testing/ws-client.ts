import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import WebSocket from 'ws'

// biome-ignore lint/suspicious/noExplicitAny: frames in tests are read field by field
export type Frame = Record<string, any>

export interface TestSocket {
  readonly ws: WebSocket
  /** Every frame received so far, in order. */
  readonly frames: Frame[]
  /** Sends an object as JSON, or a raw string/buffer as is. */
  send(frame: Frame | string | Buffer): void
  /**
   * The next not-yet-taken frame matching `predicate` (consumed), waiting up to
   * `timeoutMs`; frames that do not match stay available.
   */
  next(predicate?: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>
  /**
   * Rejects if a frame matching `predicate` has arrived by the time the relay answers a
   * `ping` sent now. The relay handles a socket's frames in order and publishes an ack's
   * events before it reads the next frame, so whatever earlier frames caused (on any socket)
   * was sent before this pong. Needs a socket past `hello`.
   */
  none(predicate: (frame: Frame) => boolean): Promise<void>
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>
  close(): Promise<void>
}

/** Frames of type `t` (and optionally matching `more`). */
export const ofType =
  (t: string, more: (frame: Frame) => boolean = () => true) =>
  (frame: Frame) =>
    frame.t === t && more(frame)

/** Opens a `ws` socket to `url` and resolves once it is open. */
export async function connect(
  url: string,
  options: { headers?: Record<string, string>; autoPong?: boolean } = {},
): Promise<TestSocket> {
  const ws = new WebSocket(url, { headers: options.headers, autoPong: options.autoPong ?? true })
  const socket = wrap(ws)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return socket
}

/**
 * Opens a socket at `path` through `app.injectWS`, with no port, and resolves once it is open.
 * `injectWS` makes the `ws` client itself, so `autoPong` cannot be turned off here.
 */
export async function injectConnect(
  app: FastifyInstance,
  path: string,
  options: { headers?: Record<string, string> } = {},
): Promise<TestSocket> {
  // injectWS hands Fastify a request without a socket, so `request.ip` would be undefined;
  // this peer has the address `app.inject` uses, and tells this upgrade's server side apart.
  const peer: Partial<Socket> = { remoteAddress: '127.0.0.1' }
  let server: WebSocket | undefined
  const onConnection = (ws: WebSocket, request: IncomingMessage) => {
    if (request.socket === peer) server = ws
  }
  let socket: TestSocket | undefined
  app.websocketServer.on('connection', onConnection)
  try {
    await app.injectWS(
      path,
      { headers: options.headers, socket: peer as Socket },
      {
        // Wrapped before the upgrade, so no frame sent on open is missed.
        onInit: (ws) => {
          socket = wrap(ws)
          // Over TCP the server hears the connection end once the closing handshake is done;
          // the in-memory streams of injectWS never end it, so the server's `close` would wait
          // for ws's 30 s close timeout. End it when the client has closed.
          ws.once('close', () => server?.terminate())
        },
      },
    )
  } finally {
    app.websocketServer.off('connection', onConnection)
  }
  if (!socket) throw new Error('injectWS opened no socket')
  return socket
}

/** Records the frames of a `ws` socket that is opening. */
function wrap(ws: WebSocket): TestSocket {
  const frames: Frame[] = []
  const taken = new Set<Frame>()
  const waiters = new Set<() => void>()
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Frame)
    for (const wake of [...waiters]) wake()
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => {
      resolve({ code, reason: String(reason) })
      for (const wake of [...waiters]) wake()
    })
  })
  ws.on('error', () => {})

  const find = (predicate: (frame: Frame) => boolean) =>
    frames.find((frame) => !taken.has(frame) && predicate(frame))

  const socket: TestSocket = {
    ws,
    frames,
    closed,
    send(frame) {
      ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame))
    },
    next(predicate = () => true, timeoutMs = 3000) {
      // Made now, so a timeout names the test line that waited (a timer's stack does not).
      const timeout = new Error(`no matching frame within ${timeoutMs} ms`)
      return new Promise<Frame>((resolve, reject) => {
        const check = () => {
          const found = find(predicate)
          if (!found) return false
          taken.add(found)
          cleanup()
          resolve(found)
          return true
        }
        const timer = setTimeout(() => {
          cleanup()
          timeout.message += `; received: ${JSON.stringify(frames.filter((f) => !taken.has(f)))}`
          reject(timeout)
        }, timeoutMs)
        const cleanup = () => {
          clearTimeout(timer)
          waiters.delete(wake)
        }
        const wake = () => void check()
        if (!check()) waiters.add(wake)
      })
    },
    async none(predicate) {
      ws.send(JSON.stringify({ t: 'ping' }))
      await socket.next((frame) => frame.t === 'pong')
      const found = find(predicate)
      if (found) throw new Error(`unexpected frame: ${JSON.stringify(found)}`)
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return
      ws.close()
      await closed
    },
  }
  return socket
}
