import { CLOSE_CODES } from '@parley/protocol'
import type { WebSocket, WebSocketServer } from 'ws'

/** How long clients get to answer the close handshake before they are cut off. */
const CLOSE_TIMEOUT_MS = 2000

/**
 * Closes every open socket with 1001 "relay shutting down" and resolves when all
 * have closed (or been terminated after a grace period), then closes the server.
 */
export async function shutdownSockets(wss: WebSocketServer): Promise<void> {
  const sockets = [...wss.clients] as WebSocket[]
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve()
          const timer = setTimeout(() => {
            socket.terminate()
            resolve()
          }, CLOSE_TIMEOUT_MS)
          socket.once('close', () => {
            clearTimeout(timer)
            resolve()
          })
          socket.close(CLOSE_CODES.goingAway, 'relay shutting down')
        }),
    ),
  )
  await new Promise<void>((resolve) => wss.close(() => resolve()))
}
