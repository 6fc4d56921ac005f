import type { Ack, ProtocolVersion } from '@parley/protocol'
import { atom } from 'nanostores'
import {
  Connection,
  type ConnectionStatus,
  type InboundFrame,
  type WebSocketConstructor,
} from './connection.ts'
import { type ChatMessage, ConversationLog } from './conversation-log.ts'
import { cleanup, type Unsubscribe } from './emitter.ts'
import { ParleyError, TRANSIENT_CODES } from './errors.ts'
import { type CommonOptions, socketUrl } from './options.ts'
import { Outbox, type OutboxFrame } from './outbox.ts'
import { type KeyValueStorage, memoryStorage, safeStorage } from './storage.ts'

/** The protocol version this client speaks (a type import: no protocol code in the bundle). */
export const PROTOCOL_VERSION: ProtocolVersion = 1

export interface SessionOptions {
  options: CommonOptions
  path: string
  /** Storage keys: the outbox, and (visitor) the read positions. */
  keys: { outbox: string; read?: string }
  /** See `ConversationLogOptions.startAtFirst` (the visitor). */
  startAtFirst?: boolean
  /** The resolved constructor (the visitor client passes one that always fails when there is none). */
  WebSocket: WebSocketConstructor
  hello: () => object
  recover?: ((error: ParleyError) => boolean) | undefined
  /** Frames the session does not handle itself (everything but ack and error). */
  onFrame: (frame: InboundFrame) => void
  /** After `ack` or a failed frame (of type `t`): the log changed. */
  onChange: (conversationId: string | undefined, t: string | undefined) => void
  onError: (error: ParleyError) => void
}

/**
 * What both clients share: the connection, the outbox resent after every
 * welcome, the conversation log, `$status`. Owns them and tears them down.
 */
export class Session {
  readonly storage: KeyValueStorage
  readonly connection: Connection
  readonly log: ConversationLog
  readonly outbox: Outbox
  readonly $status = atom<ConnectionStatus>('idle')
  readonly subs: Unsubscribe[] = []
  readonly now: () => number
  destroyed = false
  private readonly config: SessionOptions

  constructor(config: SessionOptions) {
    this.config = config
    const { options, keys } = config
    this.now = options.now ?? Date.now
    this.storage = safeStorage(options.storage ?? memoryStorage())
    this.log = new ConversationLog({
      storage: this.storage,
      ...(keys.read ? { readKey: keys.read } : {}),
      startAtFirst: config.startAtFirst,
    })
    this.outbox = new Outbox(this.storage, keys.outbox)
    this.connection = new Connection({
      ...options,
      url: socketUrl(options.host, config.path),
      WebSocket: config.WebSocket,
      hello: config.hello,
      recover: config.recover,
    })
    this.subs.push(
      this.connection.on('state', ({ newState }) => this.$status.set(newState)),
      this.connection.on('frame', ({ frame }) => this.receive(frame)),
      this.connection.on('error', ({ error }) => config.onError(error)),
    )
  }

  get connected(): boolean {
    return this.connection.state === 'connected'
  }

  /** Persists the frame, sends it when connected (else after the next welcome), settles on ack. */
  enqueue(frame: OutboxFrame, pending?: ChatMessage): Promise<Ack> {
    if (this.destroyed) return Promise.reject(new ParleyError('destroyed'))
    if (pending) this.log.addPending(pending)
    const acked = this.outbox.add(frame, this.now())
    if (this.connected) this.connection.send(frame)
    else this.connection.connect()
    return acked
  }

  /** Sends a frame that needs no ack if connected; dropped otherwise. */
  sendNow(frame: object): void {
    if (this.connected) this.connection.send(frame)
  }

  /**
   * After `welcome`: replay the outbox in order (duplicates are deduped by cid),
   * except frames `skip` names (on their way over HTTP).
   */
  flush(skip: (cid: string) => boolean = () => false): void {
    this.log.resetSync()
    for (const entry of this.outbox.list()) {
      if (!skip(entry.frame.cid)) this.connection.send(entry.frame)
    }
  }

  /** Settles a frame acknowledged some other way (the HTTP fallback), as if acked on the socket. */
  acknowledge(ack: Ack): void {
    const entry = this.outbox.list().find((e) => e.frame.cid === ack.cid)
    if (ack.conversationId !== undefined && ack.seq !== undefined) this.log.ack(ack)
    this.outbox.ack(ack)
    this.config.onChange(ack.conversationId, entry?.frame.t)
  }

  /** Gives up on a frame for good: its promise rejects with `error`. */
  reject(error: ParleyError & { cid: string }): void {
    const entry = this.outbox.list().find((e) => e.frame.cid === error.cid)
    this.log.fail(error.cid)
    this.outbox.fail(error)
    this.config.onChange(entry?.frame.conversationId, entry?.frame.t)
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.connection.destroy()
    cleanup(this.subs)
    this.outbox.rejectWaiting(new ParleyError('destroyed'))
  }

  private receive(frame: InboundFrame): void {
    if (frame.t === 'ack') {
      this.acknowledge(frame)
    } else if (frame.t === 'error') {
      const { code, message, cid, fields } = frame
      // Errors before welcome belong to hello; the connection reports them when the relay closes.
      if (cid === undefined && !this.connected) return
      const error = new ParleyError(code, message, cid, fields)
      // Any other refusal of a frame is final.
      if (cid !== undefined && !TRANSIENT_CODES.includes(code)) {
        this.reject(error as ParleyError & { cid: string })
      }
      this.config.onError(error)
    } else {
      this.config.onFrame(frame)
    }
  }
}
