import type { FastifyBaseLogger } from 'fastify'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import type { Timers } from '../../infra/ws/frame-socket.ts'
import type { ChannelContext, OutboundFile, Sender, SendResult } from './channel.ts'
import type { ChannelOutboxRow, ChannelStore, SendOutcome } from './store.ts'

/** How the outbox retries and paces sends. */
export interface ChannelPolicy {
  /** The first retry waits about this long; each next one twice as long… */
  firstRetryMs: number
  /** …up to this. */
  maxRetryMs: number
  /** A message still failing this long after it was queued is marked failed. */
  giveUpAfterMs: number
  /** One send is aborted after this long (and retried). */
  requestTimeoutMs: number
  /** Least time between two messages to one chat (Telegram: about 1 per second). */
  perChatIntervalMs: number
  /** Least time between two messages of one bot (Telegram: about 30 per second). */
  perBotIntervalMs: number
  /** Most rows read per look at the outbox. */
  batch: number
}

export const DEFAULT_CHANNEL_POLICY: ChannelPolicy = {
  firstRetryMs: 2_000,
  maxRetryMs: 10 * 60_000,
  giveUpAfterMs: 24 * 60 * 60_000,
  requestTimeoutMs: 15_000,
  perChatIntervalMs: 1_000,
  perBotIntervalMs: 34,
  batch: 64,
}

/** `firstRetryMs` doubling up to `maxRetryMs`, times a jitter in [0.75, 1.25). */
export function channelRetryDelay(
  attempts: number,
  policy: ChannelPolicy,
  random: () => number,
): number {
  const base = Math.min(policy.firstRetryMs * 2 ** Math.max(0, attempts - 1), policy.maxRetryMs)
  return Math.round(base * (0.75 + random() * 0.5))
}

/**
 * Whether a row may be sent now: `go`; not before `waitUntil` (no attempt is counted: an
 * e-mail waits for its visitor to stay away); or no more, `settled` in that state (the visitor
 * read it on the site).
 */
export type Readiness = { go: true } | { waitUntil: number } | { settled: 'read' }

/** Where a row goes: the sender, its contact point's context, and the row's file if any. */
export interface OutboxTarget {
  channel: Sender
  context: ChannelContext
  file?: OutboundFile
}

export interface OutboxWorkerOptions {
  db: UnitOfWork
  store: ChannelStore
  /**
   * What sends a row, its context and the file it carries; undefined when its contact point is
   * gone. Looked up before the send's timeout starts, so only the messenger's answer is timed.
   */
  target(row: ChannelOutboxRow): OutboxTarget | undefined | Promise<OutboxTarget | undefined>
  /** Asked before each send. @default every row goes */
  ready?(row: ChannelOutboxRow): Promise<Readiness>
  /** A row's state changed (the console is told). */
  onChange(row: ChannelOutboxRow): void
  /** The messenger says the visitor blocked the bot. */
  onBlocked(contactPointId: string, chatId: string): Promise<void>
  now: () => number
  timers: Timers
  random: () => number
  policy: ChannelPolicy
  log: FastifyBaseLogger
  /** Whether this relay sends now (it holds the deployment's duty); absent: always. */
  active?: () => boolean
}

/**
 * Sends the channel outbox: rows due, oldest first, one chat's messages one at a time in
 * order, paced per chat and per bot. Each chat's line runs on its own: a messenger that does
 * not answer holds up its own chats only, never the next look at the outbox or another
 * bot's. A row is marked only after the messenger answered: a relay killed mid-send sends it
 * again on start (VK deduplicates by `random_id`; Telegram and Viber have no such key, so a
 * kill in that instant can repeat one message).
 */
export class OutboxWorker {
  private readonly aborter = new AbortController()
  /** When each chat and bot may be sent to next. */
  private readonly notBefore = new Map<string, number>()
  /** The lines being sent, by chat: a chat's rows are never in two at once. */
  private readonly lines = new Map<string, Promise<void>>()
  private wakeTimer: unknown
  private wakeAt: number | null = null
  private running: Promise<void> | undefined
  private again = false
  private closed = false
  private inFlight = 0

  constructor(private readonly options: OutboxWorkerOptions) {}

  /** Looks at the outbox soon (a row was queued, a retry is due, a line ended). */
  kick(): void {
    if (this.closed || this.options.active?.() === false) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run())
      .finally(() => {
        this.running = undefined
        if (this.again && !this.closed) {
          this.again = false
          this.kick()
        }
      })
  }

  /** Whether a look at the outbox or a chat's line is under way. */
  get busy(): boolean {
    return this.running !== undefined || this.lines.size > 0
  }

  /**
   * What is under way (tests): a look at the outbox, the chats' lines, and how many sends are
   * on the wire waiting for the messenger's answer.
   */
  get activity(): { looking: boolean; lines: number; sending: number } {
    return { looking: this.running !== undefined, lines: this.lines.size, sending: this.inFlight }
  }

  /** Resolves once nothing is under way (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.busy) {
      await this.running
      await Promise.all(this.lines.values())
    }
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.wakeTimer !== undefined) this.options.timers.clearTimeout(this.wakeTimer)
    this.aborter.abort()
    await this.idle()
  }

  /** Starts a line for each chat with due rows that has none running. */
  private async run(): Promise<void> {
    const { db, store, now, policy, log } = this.options
    try {
      const due = await db.transaction((tx) => store.due(now(), policy.batch, tx))
      const lines = new Map<string, ChannelOutboxRow[]>()
      for (const row of due) {
        const key = `${row.contactPointId ?? row.channel}\u241f${row.chatId}`
        if (!this.lines.has(key)) lines.set(key, [...(lines.get(key) ?? []), row])
      }
      for (const [key, rows] of lines) {
        const line = this.line(key, rows)
          .then((wait) => {
            // Paced: the rows stay due and the wake timer comes back for them. Otherwise the
            // line sent all it had or stopped at a failure: look again (more rows, the retry).
            if (wait > 0) this.wake(now() + wait)
            else this.kick()
          })
          .catch((err) => {
            if (!this.closed) log.error({ err }, 'channel outbox: recording a send failed')
          })
          .finally(() => this.lines.delete(key))
        this.lines.set(key, line)
      }
      // Rows due now are in a line, or paced (their line set the wake): the next one to come.
      const next = await db.transaction((tx) => store.nextDue(now(), tx))
      if (next !== null) this.wake(next)
    } catch (err) {
      if (!this.closed) log.error({ err }, 'channel outbox: reading or recording failed')
    }
  }

  /**
   * Sends a chat's due rows in order; stops at the first that is not sent. Returns how long
   * the next row has to wait for its pace (0: none waits).
   */
  private async line(chatKey: string, rows: ChannelOutboxRow[]): Promise<number> {
    for (const row of rows) {
      if (this.closed) return 0
      if (!(await this.isReady(row))) return 0
      const wait = this.pace(chatKey, row.contactPointId ?? row.channel)
      // Not yet: the row stays due and the wake timer comes back for it.
      if (wait > 0) return wait
      const sent = await this.attempt(row)
      if (!sent) return 0
    }
    return 0
  }

  /**
   * Asks `ready`; a row that must wait is given its new time (its attempts and error kept),
   * one settled elsewhere its final state. True when it may be sent now.
   */
  private async isReady(row: ChannelOutboxRow): Promise<boolean> {
    const { db, store, now, ready } = this.options
    if (!ready) return true
    const readiness = await ready(row)
    if ('go' in readiness) return true
    if (this.closed) return false
    const at = now()
    const outcome: SendOutcome =
      'waitUntil' in readiness
        ? { ...kept(row), state: 'pending', nextAt: Math.max(readiness.waitUntil, at + 1) }
        : { ...kept(row), state: readiness.settled, nextAt: at, updatedAt: at }
    await db.transaction((tx) => store.recordOutcome(tx, row.seq, outcome))
    if ('settled' in readiness) this.options.onChange({ ...row, ...outcome })
    return false
  }

  /** How long until this chat and its bot may be sent to; 0 claims the slot. */
  private pace(chatKey: string, botKey: string): number {
    const { now, policy } = this.options
    const at = now()
    const wait = Math.max(
      (this.notBefore.get(chatKey) ?? 0) - at,
      (this.notBefore.get(botKey) ?? 0) - at,
    )
    if (wait > 0) return wait
    this.notBefore.set(chatKey, at + policy.perChatIntervalMs)
    this.notBefore.set(botKey, at + policy.perBotIntervalMs)
    return 0
  }

  /** One send and its stored outcome; true when the row was sent. */
  private async attempt(row: ChannelOutboxRow): Promise<boolean> {
    const { db, store, now, policy, random } = this.options
    const target = await this.options.target(row)
    let result: SendResult
    if (!target) {
      result = { ok: false, retryable: false, error: 'The contact point was removed' }
    } else {
      // The timeout runs on the injected timers, as every other wait of the worker does.
      const timeout = new AbortController()
      const timer = this.options.timers.setTimeout(
        () =>
          timeout.abort(
            new DOMException(`No answer in ${policy.requestTimeoutMs} ms`, 'TimeoutError'),
          ),
        policy.requestTimeoutMs,
      )
      const signal = AbortSignal.any([this.aborter.signal, timeout.signal])
      this.inFlight += 1
      try {
        result = await target.channel.send(
          target.context,
          {
            id: row.eventId,
            chatId: row.chatId,
            text: row.text,
            ...(target.file && { file: target.file }),
          },
          signal,
        )
      } catch (err) {
        result = { ok: false, retryable: true, error: (err as Error)?.message ?? String(err) }
      } finally {
        this.inFlight -= 1
        this.options.timers.clearTimeout(timer)
      }
    }
    // Shutting down: the row stays pending and goes again on start.
    if (this.aborter.signal.aborted) return false
    const at = now()
    const attempts = row.attempts + 1
    let outcome: SendOutcome
    if (result.ok) {
      outcome = {
        state: 'sent',
        attempts,
        nextAt: at,
        error: null,
        externalId: result.externalId,
        updatedAt: at,
      }
    } else if (!result.retryable || at - row.createdAt >= policy.giveUpAfterMs) {
      outcome = {
        state: 'failed',
        attempts,
        nextAt: at,
        error: result.error,
        externalId: null,
        updatedAt: at,
      }
    } else {
      const backoff = channelRetryDelay(attempts, policy, random)
      const nextAt = at + Math.max(backoff, result.retryAfterMs ?? 0)
      outcome = {
        state: 'pending',
        attempts,
        nextAt,
        error: result.error,
        externalId: null,
        updatedAt: at,
      }
      // The messenger asked the whole bot to wait (Telegram's flood control).
      if (result.retryAfterMs !== undefined) {
        this.notBefore.set(row.contactPointId ?? row.channel, at + result.retryAfterMs)
      }
    }
    await db.transaction((tx) => store.recordOutcome(tx, row.seq, outcome))
    if (!result.ok && result.blocked && row.contactPointId) {
      await this.options.onBlocked(row.contactPointId, row.chatId)
    }
    this.options.onChange({ ...row, ...outcome })
    return result.ok
  }

  /** One timer for the soonest row not due yet. */
  private wake(at: number): void {
    const { now, timers } = this.options
    if (this.closed) return
    if (this.wakeAt !== null && this.wakeAt <= at && this.wakeAt > now()) return
    if (this.wakeTimer !== undefined) timers.clearTimeout(this.wakeTimer)
    this.wakeAt = at
    this.wakeTimer = timers.setTimeout(() => {
      this.wakeTimer = undefined
      this.wakeAt = null
      this.kick()
    }, at - now())
  }
}

/** A row's outcome fields as they stand. */
function kept(row: ChannelOutboxRow): SendOutcome {
  return {
    state: row.state,
    attempts: row.attempts,
    nextAt: row.nextAt,
    error: row.error,
    externalId: row.externalId,
    updatedAt: row.updatedAt,
  }
}
