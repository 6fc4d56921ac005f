import type { Timers, WebSocketConstructor } from './connection.ts'
import type { KeyValueStorage } from './storage.ts'

/** Options both clients take. Everything but `host` has a default; inject the rest in tests. */
export interface CommonOptions {
  /** http(s) origin of the relay, e.g. `http://127.0.0.1:8080`; the ws URL is derived from it. */
  host: string
  /**
   * WebSocket constructor (the browser's and `ws`'s both fit).
   * @default globalThis.WebSocket (on Node 20 pass `ws`)
   */
  WebSocket?: WebSocketConstructor
  /**
   * Where tokens, the cursor and the outbox survive a reload (`localStorage`
   * fits; a throwing one is tolerated).
   * @default in-memory
   */
  storage?: KeyValueStorage
  /** Reconnect delays, full jitter. @default { baseMs: 500, capMs: 30000 } */
  backoff?: { baseMs?: number; capMs?: number }
  /** Ping interval; no frame for twice this long reconnects. @default 25000 */
  heartbeatMs?: number
  /** Used for backoff jitter. @default Math.random */
  random?: () => number
  /** @default globalThis.setTimeout / clearTimeout */
  timers?: Timers
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** Clock for pending messages. @default Date.now */
  now?: () => number
}

/** `http://h:1/` + `/v1/operator` → `ws://h:1/v1/operator` (https → wss). */
export function socketUrl(host: string, path: string): string {
  const url = new URL(path, host)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.href
}

/** Fails at configuration time with a message that says how to fix it. */
export function requireWebSocket(options: CommonOptions): WebSocketConstructor {
  const WebSocket = options.WebSocket ?? globalThis.WebSocket
  if (!WebSocket) {
    throw new TypeError(
      'Parley: no global WebSocket; pass `WebSocket` (e.g. from the `ws` package)',
    )
  }
  return WebSocket
}
