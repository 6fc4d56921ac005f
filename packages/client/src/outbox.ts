import type { Ack } from '@parley/protocol'
import type { ParleyError } from './errors.ts'
import { type KeyValueStorage, readJson, writeJson } from './storage.ts'

/** A frame that needs an `ack`, with its client id. */
export interface OutboxFrame {
  t: string
  cid: string
  conversationId?: string
  text?: string
  /** Other fields of the frame (`status`, `to`, `note`…), sent as they are. */
  [field: string]: unknown
}

/** One unacknowledged frame, as persisted. */
export interface OutboxEntry {
  frame: OutboxFrame
  /** When it was first queued, ms since the epoch. */
  at: number
}

let counter = 0

/** A client id for a frame: random enough that two tabs never collide. */
export function createCid(): string {
  const c = globalThis.crypto
  // randomUUID exists only in secure contexts (https, localhost).
  if (typeof c?.randomUUID === 'function') return c.randomUUID()
  counter += 1
  return `${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2)}`
}

/**
 * Frames sent but not yet acknowledged, in send order, persisted so a new
 * client on the same storage (a reload) delivers them. Resending is safe: the
 * relay answers a repeated `cid` with the same `ack` and no second event.
 */
export class Outbox {
  #entries: OutboxEntry[]
  readonly #waiting = new Map<
    string,
    { resolve: (ack: Ack) => void; reject: (error: ParleyError) => void }
  >()

  readonly #storage: KeyValueStorage
  readonly #key: string

  constructor(storage: KeyValueStorage, key: string) {
    this.#storage = storage
    this.#key = key
    const stored = readJson<unknown>(storage, key, [])
    this.#entries = Array.isArray(stored)
      ? stored.filter(
          (entry): entry is OutboxEntry =>
            typeof entry?.frame?.t === 'string' && typeof entry.frame.cid === 'string',
        )
      : []
  }

  /** Queued entries, oldest first. */
  list(): readonly OutboxEntry[] {
    return this.#entries
  }

  /** Queues a frame; the promise settles on its `ack` or a permanent error. */
  add(frame: OutboxFrame, at: number): Promise<Ack> {
    this.#entries = [...this.#entries, { frame, at }]
    this.#persist()
    return new Promise((resolve, reject) => this.#waiting.set(frame.cid, { resolve, reject }))
  }

  /** Removes the acknowledged frame and resolves its promise; false if unknown (a duplicate ack). */
  ack(ack: Ack): boolean {
    const known = this.#remove(ack.cid)
    this.#waiting.get(ack.cid)?.resolve(ack)
    this.#waiting.delete(ack.cid)
    return known
  }

  /** Gives up on a frame the relay refused for good. */
  fail(error: ParleyError & { cid: string }): boolean {
    const known = this.#remove(error.cid)
    this.#waiting.get(error.cid)?.reject(error)
    this.#waiting.delete(error.cid)
    return known
  }

  /** Rejects every waiting promise (on destroy); entries stay stored for the next client. */
  rejectWaiting(error: ParleyError): void {
    for (const { reject } of this.#waiting.values()) reject(error)
    this.#waiting.clear()
  }

  #remove(cid: string): boolean {
    const before = this.#entries.length
    this.#entries = this.#entries.filter((entry) => entry.frame.cid !== cid)
    if (this.#entries.length === before) return false
    this.#persist()
    return true
  }

  #persist(): void {
    writeJson(this.#storage, this.#key, this.#entries)
  }
}
