import type { FastifyBaseLogger } from 'fastify'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import type { Timers } from '../../infra/ws/frame-socket.ts'
import type { DeliveryAttempt, Destination } from './destination.ts'
import type {
  AttemptOutcome,
  EndpointRecord,
  OutboxRow,
  StoredAttempt,
  WebhookStore,
} from './store.ts'

export interface DeliveryPolicy {
  /** Deliveries under way at once (independent conversations). */
  concurrency: number
  /** One attempt is aborted after this long. */
  requestTimeoutMs: number
  /** The first retry waits about this long; each next one twice as long… */
  firstRetryMs: number
  /** …up to this. */
  maxRetryMs: number
  /** A delivery still failing this long after it was queued is given up (dead). */
  giveUpAfterMs: number
  /** An endpoint whose every attempt failed for this long is turned off. */
  disableAfterMs: number
  /** …or after this many deliveries given up in a row. */
  disableAfterDead: number
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  concurrency: 64,
  requestTimeoutMs: 10_000,
  firstRetryMs: 5_000,
  maxRetryMs: 2 * 60 * 60_000,
  giveUpAfterMs: 3 * 24 * 60 * 60_000,
  disableAfterMs: 24 * 60 * 60_000,
  disableAfterDead: 10,
}

/**
 * How long after `attempts` failed attempts the next one is: `firstRetryMs` doubling up to
 * `maxRetryMs`, times a jitter in [0.75, 1.25) so that receivers coming back are not hit
 * by every relay at once.
 */
export function retryDelay(attempts: number, policy: DeliveryPolicy, random: () => number): number {
  const base = Math.min(policy.firstRetryMs * 2 ** Math.max(0, attempts - 1), policy.maxRetryMs)
  return Math.round(base * (0.75 + random() * 0.5))
}

export interface DeliveryWorkerOptions {
  db: UnitOfWork
  store: WebhookStore
  /** An endpoint as it is now (the service keeps them in memory). */
  endpoint(id: string): EndpointRecord | undefined
  /** The endpoint's destination (the worker asks again when an endpoint changes). */
  destination(endpoint: EndpointRecord): Destination
  now: () => number
  timers: Timers
  random: () => number
  policy: DeliveryPolicy
  log: FastifyBaseLogger
  /** An endpoint was turned off after persistent failure. */
  onDisabled(endpoint: EndpointRecord): void
  /**
   * Whether this relay sends now (it holds the deployment's delivery duty); while not, rows
   * stay pending for the relay that does. Absent: always.
   */
  active?: () => boolean
}

/**
 * Delivers the outbox: the oldest pending row of each (endpoint, ordering key) at a time,
 * so one conversation's events arrive in order (the next waits until this one is delivered
 * or given up, and its outcome stored) while other conversations go in parallel, at most
 * `concurrency` requests at once. Outcomes are stored together, one transaction for all
 * that finished meanwhile, which also picks the rows to send next. Nothing is marked before
 * the receiver answers: a relay killed mid-delivery sends the row again on start, with the
 * same `webhook-id` (at least once).
 */
export class DeliveryWorker {
  /** `endpoint␟key` of rows being sent or whose outcome is not stored yet. */
  private readonly busy = new Set<string>()
  /** Requests under way. */
  private readonly running = new Set<Promise<void>>()
  private readonly aborter = new AbortController()
  private readonly outcomes: PendingOutcome[] = []
  private wakeTimer: unknown
  private wakeAt: number | null = null
  private ticking = false
  private again = false
  private closed = false
  private kicked = false
  private flushing: Promise<void> | undefined

  constructor(private readonly options: DeliveryWorkerOptions) {}

  /** Looks for due rows soon (new rows were queued, an endpoint changed). */
  kick(): void {
    if (this.closed || this.kicked) return
    this.kicked = true
    setImmediate(() => {
      this.kicked = false
      // While outcomes are being stored, that transaction picks the next rows anyway; else
      // one read at a time (`tick` coalesces), so a hanging request of one conversation
      // does not hold back the others while there is room.
      if (this.flushing || this.outcomes.length > 0) this.again = true
      else if (this.running.size < this.options.policy.concurrency) void this.tick()
    })
  }

  /** Requests under way. */
  get inFlight(): number {
    return this.running.size
  }

  /** Resolves once nothing is under way (tests, benchmarks). */
  async idle(): Promise<void> {
    while (
      this.running.size > 0 ||
      this.ticking ||
      this.kicked ||
      this.flushing ||
      this.outcomes.length > 0
    ) {
      const waits: Promise<unknown>[] = [...this.running, new Promise((r) => setImmediate(r))]
      if (this.flushing) waits.push(this.flushing)
      await Promise.race(waits)
    }
  }

  /** Stops: aborts what is under way (those rows stay pending, sent again on start). */
  async close(): Promise<void> {
    this.closed = true
    if (this.wakeTimer !== undefined) this.options.timers.clearTimeout(this.wakeTimer)
    this.aborter.abort()
    await Promise.allSettled([...this.running])
    await this.flushing
  }

  /**
   * Reads what is due and sends it. The read is a transaction of its own: the relay's
   * database runs transactions in turn, and a plain read would wait behind every one of
   * a busy relay's writes.
   */
  private async tick(): Promise<void> {
    if (this.closed || this.options.active?.() === false) return
    if (this.ticking) {
      this.again = true
      return
    }
    this.ticking = true
    try {
      do {
        this.again = false
        const limit = this.options.policy.concurrency - this.running.size + this.busy.size
        if (limit > this.busy.size) {
          const due = await this.options.db.transaction((tx) => this.due(tx, limit))
          this.dispatch(due)
        }
      } while (this.again && !this.closed)
    } catch (err) {
      this.options.log.error({ err }, 'webhook delivery: reading the outbox failed')
    } finally {
      this.ticking = false
    }
  }

  /**
   * The heads due now (at most `limit`), each with the rows waiting behind it, and when the
   * next head is due if that is all.
   */
  private async due(tx: Tx, limit: number, freeing?: ReadonlySet<string>): Promise<Due> {
    const { store, now } = this.options
    const heads = await store.dueHeads(now(), limit, tx)
    const lines: OutboxRow[][] = []
    for (const head of heads) {
      const key = keyOf(head)
      if (this.busy.has(key) && !freeing?.has(key)) continue
      lines.push(await store.pendingLine(head.endpointId, head.orderingKey, LINE, tx))
    }
    return { lines, next: heads.length < limit ? await store.nextDue(tx) : null }
  }

  /** Starts a lane for each line whose key is free, up to the cap; sets the wake timer. */
  private dispatch({ lines, next }: Due): void {
    if (this.options.active?.() === false) return
    for (const line of lines) {
      if (this.running.size >= this.options.policy.concurrency || this.closed) break
      const key = keyOf(line[0]!)
      if (this.busy.has(key)) continue
      this.busy.add(key)
      const run = this.lane(line, key).finally(() => this.running.delete(run))
      this.running.add(run)
    }
    if (next !== null) this.scheduleWake(next)
  }

  /**
   * Sends a key's rows one after the other: the next goes once the receiver accepted this
   * one (before that is stored: a crash sends both again, in order). A failure ends the
   * lane; the key stays busy until the lane's last outcome is stored.
   */
  private async lane(line: readonly OutboxRow[], key: string): Promise<void> {
    let last: PendingOutcome | undefined
    for (const row of line) {
      const endpoint = this.options.endpoint(row.endpointId)
      const sendable = endpoint && (endpoint.active || row.event.type === 'webhook.test')
      if (!sendable || this.closed || row.nextAt > this.options.now()) break
      const done = await this.attempt(row, endpoint, key)
      if (!done) break
      last = done
      if (done.outcome.state !== 'delivered') break
    }
    if (last && !last.stored) {
      // Freed when the flush under way has stored it.
      last.release = true
      return
    }
    this.busy.delete(key)
    this.kick()
  }

  /** Sets one timer for the soonest row that is not due yet. */
  private scheduleWake(next: number): void {
    const { now, timers } = this.options
    if (this.closed) return
    // Due now: a request under way (or its stored outcome) ticks again.
    if (next <= now()) return
    if (this.wakeAt !== null && this.wakeAt <= next && this.wakeAt > now()) return
    if (this.wakeTimer !== undefined) timers.clearTimeout(this.wakeTimer)
    this.wakeAt = next
    this.wakeTimer = timers.setTimeout(() => {
      this.wakeTimer = undefined
      this.wakeAt = null
      void this.tick()
    }, next - now())
  }

  /** One request; its outcome joins the next batch to store (undefined: shutting down). */
  private async attempt(
    row: OutboxRow,
    endpoint: EndpointRecord,
    key: string,
  ): Promise<PendingOutcome | undefined> {
    const { now, policy } = this.options
    let attempt: DeliveryAttempt
    const signal = AbortSignal.any([
      this.aborter.signal,
      AbortSignal.timeout(policy.requestTimeoutMs),
    ])
    try {
      attempt = await this.options.destination(endpoint).deliver(row.event, signal)
    } catch (err) {
      attempt = {
        ok: false,
        status: null,
        latencyMs: 0,
        excerpt: '',
        retryable: true,
        error: (err as Error)?.message ?? String(err),
      }
    }
    // Shutting down: the row stays as it was and goes again on start.
    if (this.aborter.signal.aborted) return undefined
    const at = now()
    const attempts = row.attempts + 1
    let outcome: AttemptOutcome
    if (attempt.ok) outcome = { state: 'delivered', attempts, nextAt: at }
    else if (!attempt.retryable || at - row.createdAt >= policy.giveUpAfterMs) {
      outcome = { state: 'dead', attempts, nextAt: at }
    } else {
      const nextAt = Math.min(
        at + retryDelay(attempts, policy, this.options.random),
        // The last try is when the delivery would be given up.
        Math.max(at + 1, row.createdAt + policy.giveUpAfterMs),
      )
      outcome = { state: 'pending', attempts, nextAt }
    }
    const pending: PendingOutcome = {
      row,
      key,
      attempt: { ...attempt, at },
      outcome,
      release: false,
      stored: false,
    }
    this.outcomes.push(pending)
    this.flushing ??= this.flush()
    return pending
  }

  /**
   * Stores the outcomes waiting — all of them in one transaction (one fsync for many
   * deliveries under load), which also reads the rows due next — frees their keys and
   * sends what is due; again while more outcomes came meanwhile.
   */
  private async flush(): Promise<void> {
    const { db, policy, log } = this.options
    try {
      await this.flushAll(db, policy, log)
    } finally {
      // In the same turn as the last look at `outcomes`: an outcome pushed after it starts
      // a new flush.
      this.flushing = undefined
    }
    if (this.again && !this.closed) void this.tick()
  }

  private async flushAll(
    db: UnitOfWork,
    policy: DeliveryPolicy,
    log: FastifyBaseLogger,
  ): Promise<void> {
    while (this.outcomes.length > 0) {
      const batch = this.outcomes.splice(0)
      let disabled: EndpointRecord[] = []
      let due: Due = { lines: [], next: null }
      try {
        await db.transaction(async (tx) => {
          disabled = await this.store(tx, batch)
          if (this.closed) return
          // The keys of this batch are free once it commits.
          const freeing = new Set(batch.filter((i) => i.release).map((i) => i.key))
          due = await this.due(tx, policy.concurrency - this.running.size + this.busy.size, freeing)
        })
      } catch (err) {
        log.error({ err }, 'webhook delivery: recording attempts failed')
      }
      for (const item of batch) {
        item.stored = true
        if (item.release) this.busy.delete(item.key)
      }
      for (const endpoint of disabled) {
        log.warn(
          { endpoint: endpoint.id, reason: endpoint.disabledReason },
          'webhook endpoint turned off',
        )
        this.options.onDisabled(endpoint)
      }
      if (!this.closed) this.dispatch(due)
    }
  }

  /** Logs each attempt, applies its outcome, and keeps each endpoint's health; returns those turned off. */
  private async store(tx: Tx, batch: readonly PendingOutcome[]): Promise<EndpointRecord[]> {
    const { store, policy } = this.options
    const endpoints = new Map<string, EndpointRecord | undefined>()
    const changed = new Set<string>()
    const disabled: EndpointRecord[] = []
    for (const { row, attempt, outcome } of batch) {
      await store.recordAttempt(tx, row.seq, attempt, outcome)
      if (row.event.type === 'webhook.test') continue
      if (!endpoints.has(row.endpointId)) {
        endpoints.set(row.endpointId, await store.getEndpoint(row.endpointId, tx))
      }
      const current = endpoints.get(row.endpointId)
      if (!current) continue
      const at = attempt.at
      if (attempt.ok) {
        if (current.failingSince !== null || current.deadInARow !== 0) {
          endpoints.set(current.id, { ...current, failingSince: null, deadInARow: 0 })
          changed.add(current.id)
        }
        continue
      }
      const failingSince = current.failingSince ?? at
      const deadInARow = current.deadInARow + (outcome.state === 'dead' ? 1 : 0)
      const last =
        attempt.status !== null ? `HTTP ${attempt.status}` : (attempt.error ?? 'no reply')
      let reason: string | null = null
      if (current.active && at - failingSince >= policy.disableAfterMs) {
        reason = `Every delivery failed for ${hours(at - failingSince)} (last: ${last})`
      } else if (current.active && deadInARow >= policy.disableAfterDead) {
        reason = `${deadInARow} deliveries in a row were given up (last: ${last})`
      }
      const next: EndpointRecord = { ...current, failingSince, deadInARow }
      if (reason !== null) {
        Object.assign(next, {
          active: false,
          disabledReason: reason,
          disabledAt: at,
          updatedAt: at,
        })
        disabled.push(next)
      }
      endpoints.set(current.id, next)
      changed.add(current.id)
    }
    for (const id of changed) {
      const e = endpoints.get(id)!
      await store.updateEndpoint(tx, id, {
        failingSince: e.failingSince,
        deadInARow: e.deadInARow,
        active: e.active,
        disabledReason: e.disabledReason,
        disabledAt: e.disabledAt,
        updatedAt: e.updatedAt,
      })
    }
    return disabled
  }
}

/** Most rows of one key read to send one after the other. */
const LINE = 32

const keyOf = (row: OutboxRow) => `${row.endpointId}\u241f${row.orderingKey}`

interface Due {
  /** Per free key: its due head and the rows after it. */
  lines: OutboxRow[][]
  /** When the soonest head not due yet is due; null: none, or not asked. */
  next: number | null
}

interface PendingOutcome {
  row: OutboxRow
  key: string
  /** The last outcome of its lane: the key is free once it is stored. */
  release: boolean
  /** Its transaction committed. */
  stored: boolean
  attempt: StoredAttempt
  outcome: AttemptOutcome
}

function hours(ms: number): string {
  const h = Math.floor(ms / 3_600_000)
  return h === 1 ? '1 hour' : `${h} hours`
}
