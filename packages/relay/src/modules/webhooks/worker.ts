import type { FastifyBaseLogger } from 'fastify'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import type { Timers } from '../../infra/ws/frame-socket.ts'
import type { DeliveryAttempt, Destination } from './destination.ts'
import type { AttemptOutcome, EndpointRecord, OutboxRow, WebhookStore } from './store.ts'

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
  concurrency: 16,
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
  /** The endpoint's destination (the worker asks again when an endpoint changes). */
  destination(endpoint: EndpointRecord): Destination
  now: () => number
  timers: Timers
  random: () => number
  policy: DeliveryPolicy
  log: FastifyBaseLogger
  /** An endpoint was turned off after persistent failure. */
  onDisabled(endpoint: EndpointRecord): void
}

/**
 * Delivers the outbox: the oldest pending row of each (endpoint, ordering key) at a time,
 * so one conversation's events arrive in order (the next waits until this one is delivered
 * or given up) while other conversations go in parallel, at most `concurrency` at once.
 * Nothing is marked before the receiver answers: a relay killed mid-delivery sends the row
 * again on start, with the same `webhook-id` (at least once).
 */
export class DeliveryWorker {
  /** `endpoint␟key` of the rows under way. */
  private readonly busy = new Set<string>()
  private readonly running = new Set<Promise<void>>()
  private readonly aborter = new AbortController()
  private wakeTimer: unknown
  private wakeAt: number | null = null
  private ticking = false
  private again = false
  private closed = false
  private kicked = false

  constructor(private readonly options: DeliveryWorkerOptions) {}

  /** Looks for due rows soon (new rows were queued, an endpoint changed). */
  kick(): void {
    if (this.closed || this.kicked) return
    this.kicked = true
    setImmediate(() => {
      this.kicked = false
      void this.tick()
    })
  }

  /** Deliveries under way. */
  get inFlight(): number {
    return this.running.size
  }

  /** Resolves once nothing is under way (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.ticking || this.kicked) {
      await Promise.race([...this.running, new Promise((r) => setImmediate(r))])
    }
  }

  /** Stops: aborts what is under way (those rows stay pending, sent again on start). */
  async close(): Promise<void> {
    this.closed = true
    if (this.wakeTimer !== undefined) this.options.timers.clearTimeout(this.wakeTimer)
    this.aborter.abort()
    await Promise.allSettled([...this.running])
  }

  private async tick(): Promise<void> {
    if (this.closed) return
    if (this.ticking) {
      this.again = true
      return
    }
    this.ticking = true
    try {
      do {
        this.again = false
        await this.dispatch()
      } while (this.again && !this.closed)
    } catch (err) {
      this.options.log.error({ err }, 'webhook delivery: reading the outbox failed')
    } finally {
      this.ticking = false
    }
  }

  private async dispatch(): Promise<void> {
    const { store, now, policy } = this.options
    const free = policy.concurrency - this.running.size
    if (free > 0) {
      const heads = await store.dueHeads(now(), free + this.busy.size)
      for (const row of heads) {
        if (this.running.size >= policy.concurrency || this.closed) break
        const key = `${row.endpointId}\u241f${row.orderingKey}`
        if (this.busy.has(key)) continue
        this.busy.add(key)
        const run = this.deliver(row).finally(() => {
          this.busy.delete(key)
          this.running.delete(run)
          void this.tick()
        })
        this.running.add(run)
      }
    }
    await this.scheduleWake()
  }

  /** Sets one timer for the soonest row that is not due yet. */
  private async scheduleWake(): Promise<void> {
    const { store, now, timers } = this.options
    const next = await store.nextDue()
    if (next === null || this.closed) return
    const at = Math.max(next, now())
    if (this.wakeAt !== null && this.wakeAt <= at && this.wakeAt > now()) return
    if (next <= now()) return // due now: the end of a delivery under way ticks again
    if (this.wakeTimer !== undefined) timers.clearTimeout(this.wakeTimer)
    this.wakeAt = at
    this.wakeTimer = timers.setTimeout(() => {
      this.wakeTimer = undefined
      this.wakeAt = null
      void this.tick()
    }, at - now())
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { db, store, now, policy, log } = this.options
    const endpoint = await store.getEndpoint(row.endpointId)
    if (!endpoint) return
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
    if (this.closed) return
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
    let disabled: EndpointRecord | undefined
    try {
      disabled = await db.transaction(async (tx) => {
        await store.recordAttempt(tx, row.seq, { ...attempt, at }, outcome)
        if (row.event.type === 'webhook.test') return undefined
        const current = await store.getEndpoint(row.endpointId, tx)
        if (!current) return undefined
        if (attempt.ok) {
          if (current.failingSince !== null || current.deadInARow !== 0) {
            await store.updateEndpoint(tx, current.id, {
              failingSince: null,
              deadInARow: 0,
              updatedAt: current.updatedAt,
            })
          }
          return undefined
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
        const updated = await store.updateEndpoint(tx, current.id, {
          failingSince,
          deadInARow,
          ...(reason !== null && { active: false, disabledReason: reason, disabledAt: at }),
          updatedAt: reason !== null ? at : current.updatedAt,
        })
        return reason !== null ? updated : undefined
      })
    } catch (err) {
      log.error({ err }, 'webhook delivery: recording an attempt failed')
      return
    }
    if (disabled) {
      log.warn(
        { endpoint: disabled.id, reason: disabled.disabledReason },
        'webhook endpoint turned off',
      )
      this.options.onDisabled(disabled)
    }
  }
}

function hours(ms: number): string {
  const h = Math.floor(ms / 3_600_000)
  return h === 1 ? '1 hour' : `${h} hours`
}
