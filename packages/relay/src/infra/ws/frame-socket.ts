import { randomUUID } from 'node:crypto'
import {
  CLOSE_CODES,
  ERROR_CODES,
  type ErrorCode,
  type EventFrame,
  type FieldError,
  type OperatorOutbound,
  type ParseResult,
  type VisitorOutbound,
} from '@parley/protocol'
import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import type { BusMessage } from '../bus/types.ts'
import { isRelayError } from '../errors.ts'
import { TokenBucket } from './token-bucket.ts'

type Outbound = VisitorOutbound | OperatorOutbound

/**
 * Bus frames as JSON: a frame published to every operator socket (and each of a visitor's
 * tabs) is stringified once, not once per socket. Published frames are never mutated.
 */
const encoded = new WeakMap<object, string>()

function encode(frame: Outbound): string {
  let json = encoded.get(frame)
  if (json === undefined) {
    json = JSON.stringify(frame)
    encoded.set(frame, json)
  }
  return json
}

/** The timer functions a socket uses (injected in tests). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface FrameSocketOptions<F> {
  socket: WebSocket
  parse: (raw: string | Uint8Array) => ParseResult<F>
  rateLimit: { burst: number; perSecond: number }
  now: () => number
  timers: Timers
  /** A socket that has not completed `hello` by then is closed (`hello_timeout`, 4008). */
  helloTimeoutMs: number
  /**
   * Silence after which the relay pings (a WebSocket ping) and, after as long again without
   * a frame or pong, closes the socket (`idle_timeout`, 4008). The client's `ping` frames
   * count as activity, so a live client is never closed.
   */
  idleTimeoutMs: number
  log: FastifyBaseLogger
  /** True once the relay is shutting down: frames are refused. */
  isShuttingDown: () => boolean
  /** Handles one valid frame; a thrown relay error becomes an `error` frame. */
  onFrame: (frame: F) => Promise<void>
}

/** What a frame handler may do with the socket its frame came on. */
export interface ReplySocket {
  /** Identifies the socket as a bus message origin. */
  readonly id: string
  send(frame: Outbound): void
  replay(run: (emit: (frame: EventFrame) => void) => Promise<void>): Promise<void>
}

/**
 * One WebSocket speaking the Parley protocol: rate limit → parse → handle, one
 * frame at a time in arrival order. Bus messages are held back while a replay is
 * running so a live event never overtakes (or duplicates) the replayed ones.
 */
export class FrameSocket<F extends { t: string }> implements ReplySocket {
  /** Identifies the socket as a bus message origin. */
  readonly id = randomUUID()
  private queue: Promise<void> = Promise.resolve()
  private readonly bucket: TokenBucket
  private replaying = 0
  private held: BusMessage[] = []
  private readonly teardown: (() => void)[] = []
  private closed = false
  private helloTimer: unknown
  private idleTimer: unknown
  private lastActivity: number
  private pinged = false

  constructor(private readonly options: FrameSocketOptions<F>) {
    const { socket, timers, now } = options
    this.bucket = new TokenBucket(options.rateLimit.burst, options.rateLimit.perSecond, now)
    this.lastActivity = now()
    socket.on('message', (data, isBinary) => {
      this.active()
      this.receive(data, isBinary)
    })
    socket.on('pong', () => this.active())
    socket.once('close', () => {
      this.closed = true
      timers.clearTimeout(this.helloTimer)
      timers.clearTimeout(this.idleTimer)
      for (const fn of this.teardown.splice(0)) fn()
    })
    this.helloTimer = timers.setTimeout(
      () => this.refuse('hello_timeout', CLOSE_CODES.heartbeat),
      options.helloTimeoutMs,
    )
    this.watchIdle(options.idleTimeoutMs)
  }

  /** `hello` succeeded: the hello deadline no longer applies. */
  authenticated(): void {
    this.options.timers.clearTimeout(this.helloTimer)
  }

  /** Runs `fn` before any frame that arrives from now on (e.g. async setup at connect). */
  enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.closed ? undefined : fn()))
      .catch((error) => {
        this.fail(error)
      })
  }

  /** Registers something to undo when the socket closes (bus subscriptions, presence). */
  onTeardown(fn: () => void): void {
    if (this.closed) fn()
    else this.teardown.push(fn)
  }

  send(frame: Outbound): void {
    this.sendJson(JSON.stringify(frame))
  }

  error(code: ErrorCode, message?: string, cid?: string, fields?: FieldError[]): void {
    const frame: Outbound = { t: 'error', code, message: message ?? ERROR_CODES[code].message }
    if (cid !== undefined) frame.cid = cid
    if (fields) frame.fields = fields
    this.send(frame)
  }

  /** Sends the error, then closes with an application close code. */
  refuse(code: ErrorCode, closeCode: number): void {
    if (this.closed) return
    this.error(code)
    this.options.socket.close(closeCode, code)
    this.closed = true
  }

  /** A bus message for this socket: dropped if it originated here, held during replay. */
  deliver(message: BusMessage): void {
    if (message.origin === this.id) return
    if (this.replaying > 0) this.held.push(message)
    else this.sendJson(encode(message.frame))
  }

  /**
   * Runs a replay that emits stored events, holding live bus messages meanwhile;
   * held events already replayed are dropped, the rest are sent after it in order.
   */
  async replay(run: (emit: (frame: EventFrame) => void) => Promise<void>): Promise<void> {
    this.replaying++
    const replayed = new Map<string, number>()
    try {
      await run((frame) => {
        replayed.set(
          frame.conversationId,
          Math.max(replayed.get(frame.conversationId) ?? 0, frame.seq),
        )
        this.send(frame)
      })
    } finally {
      this.replaying--
      if (this.replaying === 0) {
        const held = this.held.splice(0)
        for (const message of held) {
          const frame = message.frame
          if (frame.t === 'event' && frame.seq <= (replayed.get(frame.conversationId) ?? 0))
            continue
          this.sendJson(encode(frame))
        }
      }
    }
  }

  private active(): void {
    this.lastActivity = this.options.now()
    this.pinged = false
  }

  /** After `idleTimeoutMs / 2` of silence a ping; after as long again, the close. */
  private watchIdle(delay: number): void {
    const half = this.options.idleTimeoutMs / 2
    this.idleTimer = this.options.timers.setTimeout(
      () => {
        if (this.closed) return
        const silent = this.options.now() - this.lastActivity
        if (silent < half) return this.watchIdle(half - silent)
        if (this.pinged) return this.refuse('idle_timeout', CLOSE_CODES.heartbeat)
        this.pinged = true
        this.options.socket.ping()
        this.watchIdle(half)
      },
      Math.max(0, Math.min(delay, half)),
    )
  }

  private sendJson(json: string): void {
    if (this.options.socket.readyState === this.options.socket.OPEN) {
      this.options.socket.send(json)
    }
  }

  private receive(data: unknown, isBinary: boolean): void {
    if (this.closed) return
    const raw = toRaw(data, isBinary)
    if (!this.bucket.take()) {
      const cid = peekCid(raw)
      this.error('rate_limited', undefined, cid)
      return
    }
    this.enqueue(async () => {
      if (this.options.isShuttingDown()) {
        this.error('shutting_down', undefined, peekCid(raw))
        return
      }
      const parsed = this.options.parse(raw)
      if (!parsed.ok) {
        this.error(parsed.code, parsed.message, parsed.cid)
        return
      }
      try {
        await this.options.onFrame(parsed.frame)
      } catch (error) {
        const cid = (parsed.frame as { cid?: string }).cid
        this.fail(error, cid)
      }
    })
  }

  private fail(error: unknown, cid?: string): void {
    if (isRelayError(error)) {
      this.error(error.code, error.message, cid, error.fields)
    } else {
      this.options.log.error({ err: error }, 'frame handling failed')
      this.error('internal', undefined, cid)
    }
  }
}

function toRaw(data: unknown, isBinary: boolean): string | Uint8Array {
  const buffer = Array.isArray(data)
    ? Buffer.concat(data as Buffer[])
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : (data as Buffer)
  return isBinary ? buffer : buffer.toString('utf8')
}

/** The `cid` of a frame that was not parsed (for rate-limit errors), if cheaply visible. */
function peekCid(raw: string | Uint8Array): string | undefined {
  if (typeof raw !== 'string' || raw.length > 64 * 1024) return undefined
  try {
    const data = JSON.parse(raw) as { cid?: unknown }
    return typeof data.cid === 'string' && data.cid.length <= 64 ? data.cid : undefined
  } catch {
    return undefined
  }
}
