import { CLOSE_CODES, ERROR_CODES, type ParseResult } from '@parley/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { WebSocket } from 'ws'
import { FrameSocket } from './frame-socket.ts'

/**
 * Takes a new WebSocket into a `FrameSocket` with the relay's limits (rate, hello and idle
 * timeouts), or refuses it: 1001 while shutting down, `too_many_connections` + 1013 past the
 * per-address cap. The address's count is released when the socket closes.
 */
export function acceptSocket<F extends { t: string }>(
  app: FastifyInstance,
  ws: WebSocket,
  request: FastifyRequest,
  handlers: {
    parse: (raw: string | Uint8Array) => ParseResult<F>
    onFrame: (frame: F) => Promise<void>
  },
): FrameSocket<F> | undefined {
  const { config, lifecycle, connections } = app
  if (lifecycle.shuttingDown) {
    ws.close(CLOSE_CODES.goingAway, 'relay shutting down')
    return undefined
  }
  const release = connections.acquire(request.ip)
  if (!release) {
    const { message } = ERROR_CODES.too_many_connections
    ws.send(JSON.stringify({ t: 'error', code: 'too_many_connections', message }))
    ws.close(CLOSE_CODES.tryAgainLater, 'too_many_connections')
    return undefined
  }
  const socket = new FrameSocket<F>({
    socket: ws,
    rateLimit: config.rateLimit,
    now: config.now,
    timers: config.timers,
    helloTimeoutMs: config.helloTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    log: request.log,
    isShuttingDown: () => lifecycle.shuttingDown,
    ...handlers,
  })
  socket.onTeardown(release)
  return socket
}
