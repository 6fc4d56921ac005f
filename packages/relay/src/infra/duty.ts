import pg from 'pg'
import { onSignal, sendSignal } from './bus/signal.ts'
import type { Bus } from './bus/types.ts'
import type { Timers } from './ws/frame-socket.ts'

/**
 * A job one relay of a deployment does at a time: sending the webhook and channel outboxes,
 * long-polling a bot (Telegram allows one `getUpdates` per bot). Every relay writes the
 * outbox rows; the relay holding the duty sends them. With one relay it is always held.
 */
export interface Duty {
  /** Whether this relay holds it now. */
  readonly held: boolean
  /** Called each time `held` changes. */
  onChange(listener: (held: boolean) => void): void
}

export interface Duties {
  /** The duty called `name` (the same object each time). */
  get(name: string): Duty
  /** Gives up every duty (another relay takes them at once) and stops trying. */
  close(): Promise<void>
}

/** One relay: every duty is held from the start. */
export const SOLE_DUTIES: Duties = {
  get: () => ({ held: true, onChange() {} }),
  close: async () => {},
}

export interface PostgresDutyOptions {
  timers: Timers
  /** How often a relay without the duty asks for it again (ms); a relay killed frees it. */
  retryMs: number
  /** What to tell the operator when the database is out of reach (never a client's doing). */
  warn: (message: string, error: unknown) => void
}

/**
 * Duties as PostgreSQL session advisory locks (`pg_try_advisory_lock`), each on a connection
 * of its own: the relay holding the lock holds the duty, and PostgreSQL frees it when that
 * connection ends — the relay closed (it then says so on the bus, and the others ask at
 * once) or was killed (the others ask every `retryMs`). A relay whose lock connection drops
 * gives the duty up at once and asks again.
 */
export class PostgresDuties implements Duties {
  private readonly duties = new Map<string, PostgresDuty>()
  private readonly unsubscribe: () => void

  constructor(
    private readonly url: string,
    private readonly bus: Bus,
    private readonly options: PostgresDutyOptions,
  ) {
    // Whichever duty was given up: each one not held asks (one query each).
    this.unsubscribe = onSignal(bus, DUTY_RELEASED, () => {
      for (const duty of this.duties.values()) duty.ask()
    })
  }

  get(name: string): Duty {
    let duty = this.duties.get(name)
    if (!duty) {
      duty = new PostgresDuty(name, this.url, this.options)
      this.duties.set(name, duty)
      duty.ask()
    }
    return duty
  }

  async close(): Promise<void> {
    this.unsubscribe()
    const held = [...this.duties.values()].some((d) => d.held)
    await Promise.all([...this.duties.values()].map((d) => d.close()))
    if (held) sendSignal(this.bus, DUTY_RELEASED)
  }
}

/** A relay gave up its duties (it is closing): the others ask for them at once. */
const DUTY_RELEASED = 'duty-released'

class PostgresDuty implements Duty {
  held = false
  private readonly listeners: ((held: boolean) => void)[] = []
  private client: pg.Client | undefined
  private asking = false
  private retry: unknown
  private closed = false

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly options: PostgresDutyOptions,
  ) {}

  onChange(listener: (held: boolean) => void): void {
    this.listeners.push(listener)
  }

  /** Asks for the lock now, unless held or already asking. */
  ask(): void {
    if (this.closed || this.held || this.asking) return
    if (this.retry !== undefined) this.options.timers.clearTimeout(this.retry)
    this.retry = undefined
    this.asking = true
    void this.tryLock().finally(() => {
      this.asking = false
      if (!this.held && !this.closed) {
        this.retry = this.options.timers.setTimeout(() => {
          this.retry = undefined
          this.ask()
        }, this.options.retryMs)
      }
    })
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.retry !== undefined) this.options.timers.clearTimeout(this.retry)
    const client = this.client
    this.client = undefined
    this.set(false)
    // Ending the session frees the lock.
    await client?.end().catch(() => {})
  }

  private async tryLock(): Promise<void> {
    try {
      if (!this.client) {
        const client = new pg.Client({ connectionString: this.url, keepAlive: true })
        client.on('error', () => this.lost(client))
        client.on('end', () => this.lost(client))
        await client.connect()
        if (this.closed) {
          await client.end()
          return
        }
        this.client = client
      }
      const { rows } = await this.client.query<{ got: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got',
        [`parley:duty:${this.name}`],
      )
      if (rows[0]?.got && !this.closed) this.set(true)
    } catch (error) {
      this.options.warn(`duty "${this.name}": cannot reach the database; asking again`, error)
      const client = this.client
      this.client = undefined
      await client?.end().catch(() => {})
    }
  }

  /** The lock's connection ended: the lock is gone with it. */
  private lost(client: pg.Client): void {
    if (client !== this.client) return
    this.client = undefined
    this.set(false)
    this.ask()
  }

  private set(held: boolean): void {
    if (this.held === held) return
    this.held = held
    for (const listener of this.listeners) listener(held)
  }
}
