import type { OperatorOutbound, VisitorOutbound } from '@parley/protocol'
import { cleanup, createEmitter, type ListenerTarget, on, type Unsubscribe } from './emitter.ts'
import type { ParleyErrorCode } from './errors.ts'
import { ParleyError } from './errors.ts'

/** Where the connection is; changed only by `setState`. */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed'

/** What the client needs from a WebSocket; the browser's and `ws`'s both fit. */
export interface WebSocketLike extends ListenerTarget {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
}
export type WebSocketConstructor = new (url: string) => WebSocketLike

/** Injected timers, so tests can control time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** A decoded frame from the relay (checked only for a string `t`: the relay is trusted). */
export type InboundFrame = VisitorOutbound | OperatorOutbound

export interface ConnectionEvents {
  state: { oldState: ConnectionStatus; newState: ConnectionStatus }
  /** Every decoded frame, `welcome` included (before the state becomes `connected`). */
  frame: { frame: InboundFrame }
  /** A reconnect is scheduled after `delayMs` (the `attempt`-th since the last welcome, from 0). */
  retry: { attempt: number; delayMs: number }
  /** The relay refused us for good (close 4000/4001/4003); the state is `closed`. */
  error: { error: ParleyError }
}

export interface ConnectionOptions {
  url: string
  WebSocket: WebSocketConstructor
  /** The `hello` frame, built fresh for every socket (token and cursor change). */
  hello: () => object
  timers?: Timers
  /** @default Math.random */
  random?: () => number
  /** @default { baseMs: 500, capMs: 30000 } */
  backoff?: { baseMs?: number; capMs?: number }
  /** Ping interval; no frame for twice this long means the socket is dead. @default 25000 */
  heartbeatMs?: number
  /**
   * Asked when the relay refuses us for good; return true to reconnect anyway
   * (after fixing the cause, e.g. dropping a stale visitor token).
   */
  recover?: ((error: ParleyError) => boolean) | undefined
}

const OPEN = 1
/** Close codes after which the same hello cannot succeed: bad hello, auth, forbidden. */
const FATAL_CLOSE: Record<number, ParleyErrorCode> = {
  4000: 'bad_frame',
  4001: 'unauthorized',
  4003: 'forbidden',
}

/** Calls the globals at call time (fake timers work) and unbound (browsers demand it). */
const globalTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/**
 * One logical connection to the relay over a series of sockets: says hello on
 * each, reconnects with backoff, watches the heartbeat. Knows nothing of
 * conversations; the clients listen to `frame`.
 */
export class Connection {
  state: ConnectionStatus = 'idle'
  readonly #events = createEmitter<ConnectionEvents>()
  readonly #options: ConnectionOptions
  readonly #timers: Timers
  #socket: WebSocketLike | undefined
  /** Listeners and timers of the current socket, torn down together. */
  readonly #subs: Unsubscribe[] = []
  #retryTimer: Unsubscribe | undefined
  #attempt = 0
  #lastError: ParleyError | undefined

  constructor(options: ConnectionOptions) {
    this.#options = options
    this.#timers = options.timers ?? globalTimers
  }

  on<K extends keyof ConnectionEvents>(
    event: K,
    fn: (context: ConnectionEvents[K]) => void,
  ): Unsubscribe {
    return this.#events.on(event, fn)
  }

  /** Opens the first socket; does nothing unless `idle` or `closed`. */
  connect(): void {
    if (this.state !== 'idle' && this.state !== 'closed') return
    this.#attempt = 0
    this.#setState('connecting')
    this.#open()
  }

  /** Sends now if the socket is open; returns false otherwise (callers keep an outbox). */
  send(frame: object): boolean {
    if (this.#socket?.readyState !== OPEN) return false
    this.#socket.send(JSON.stringify(frame))
    return true
  }

  /** Closes the socket and stops reconnecting; `connect()` may start again. */
  close(): void {
    this.#teardown(1000)
    this.#setState('closed')
  }

  /** `close()` and drop every listener. */
  destroy(): void {
    this.close()
    this.#events.clear()
  }

  #setState(newState: ConnectionStatus): void {
    const oldState = this.state
    if (oldState === newState) return
    this.state = newState
    this.#events.emit('state', { oldState, newState })
  }

  #timeout(fn: () => void, ms: number): Unsubscribe {
    const { setTimeout: set, clearTimeout: clear } = this.#timers
    const handle = set(fn, ms)
    return () => clear(handle)
  }

  #open(): void {
    let socket: WebSocketLike
    try {
      socket = new this.#options.WebSocket(this.#options.url)
    } catch {
      // No WebSocket at all, or a policy (CSP connect-src) refused the URL: retry
      // with backoff like any failed attempt; the retries tell the client to fall back.
      this.#scheduleRetry()
      return
    }
    this.#socket = socket
    this.#lastError = undefined
    const heartbeatMs = this.#options.heartbeatMs ?? 25_000
    let deadline: Unsubscribe = () => {}
    const alive = () => {
      deadline()
      deadline = this.#timeout(() => this.#drop(), 2 * heartbeatMs)
    }
    const ping = () => {
      this.send({ t: 'ping' })
      pinger = this.#timeout(ping, heartbeatMs)
    }
    let pinger: Unsubscribe = () => {}
    alive()
    this.#subs.push(
      () => deadline(),
      () => pinger(),
      on(socket, 'open', () => {
        this.send(this.#options.hello())
        pinger = this.#timeout(ping, heartbeatMs)
      }),
      on(socket, 'message', (event: { data: unknown }) => {
        alive()
        this.#receive(event.data)
      }),
      on(socket, 'close', (event: { code: number; reason: string }) =>
        this.#closed(event.code, event.reason),
      ),
    )
    // `error` is always followed by `close`. Never removed: `ws` throws on an
    // unhandled `error`, which it may emit after we stopped listening.
    socket.addEventListener('error', () => {})
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') return
    let frame: InboundFrame
    try {
      frame = JSON.parse(data)
    } catch {
      return
    }
    if (typeof frame !== 'object' || frame === null || typeof frame.t !== 'string') return
    if (frame.t === 'error' && frame.cid === undefined) {
      this.#lastError = new ParleyError(frame.code, frame.message)
    }
    this.#events.emit('frame', { frame })
    if (frame.t === 'welcome') {
      this.#attempt = 0
      this.#setState('connected')
    }
  }

  #closed(code: number, reason: string): void {
    const fatal = FATAL_CLOSE[code]
    if (!fatal) {
      this.#drop()
      return
    }
    const error =
      this.#lastError ??
      new ParleyError(
        /^[a-z_]+$/.test(reason) ? (reason as ParleyErrorCode) : fatal,
        `The relay closed the connection: ${reason || code}`,
      )
    this.#teardown()
    if (this.#options.recover?.(error)) {
      this.#scheduleRetry()
      return
    }
    this.#setState('closed')
    this.#events.emit('error', { error })
  }

  /** Forgets the socket without waiting for a close handshake (it may be dead) and retries. */
  #drop(): void {
    this.#teardown(4008)
    this.#scheduleRetry()
  }

  #teardown(code?: number): void {
    cleanup(this.#subs)
    this.#retryTimer?.()
    this.#retryTimer = undefined
    const socket = this.#socket
    this.#socket = undefined
    if (socket && code !== undefined && socket.readyState <= OPEN) {
      try {
        socket.close(code)
      } catch {}
    }
  }

  #scheduleRetry(): void {
    // Full jitter: a random delay in [0, min(cap, base * 2^attempt)) spreads
    // reconnecting clients out after a relay restart instead of thundering back
    // in waves. https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
    const { baseMs = 500, capMs = 30_000 } = this.#options.backoff ?? {}
    const random = this.#options.random ?? Math.random
    const delayMs = random() * Math.min(capMs, baseMs * 2 ** this.#attempt)
    this.#events.emit('retry', { attempt: this.#attempt, delayMs })
    this.#attempt += 1
    this.#setState('reconnecting')
    this.#retryTimer = this.#timeout(() => {
      this.#retryTimer = undefined
      this.#open()
    }, delayMs)
  }
}
