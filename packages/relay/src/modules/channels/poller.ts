import type { FastifyBaseLogger } from 'fastify'
import type { Timers } from '../../infra/ws/frame-socket.ts'

export interface PollerOptions {
  /** One long poll: updates after `offset` and the offset to ask for next. */
  poll(offset: number, signal: AbortSignal): Promise<{ updates: unknown[]; next: number }>
  /** Where to start (the stored offset). */
  offset: number
  /**
   * Handles one update; `next` (the offset after the batch) comes with its last one, to be
   * stored in the same transaction. A repeated update must change nothing (a restart polls
   * again from the stored offset).
   */
  handle(update: unknown, next: number | undefined): Promise<void>
  timers: Timers
  /** How long to wait after `attempt` failed polls in a row. */
  retryDelay(attempt: number): number
  log: FastifyBaseLogger
}

/**
 * Long polling for one contact point (Telegram `getUpdates`): poll, handle each update in
 * order (the offset is stored in the transaction of the batch's last update, so a restart
 * asks again only for what was not handled), poll again; after a failure, wait and retry.
 */
export class Poller {
  private readonly aborter = new AbortController()
  private loop: Promise<void> | undefined
  private timer: unknown
  private wakeUp: (() => void) | undefined

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    this.loop ??= this.run()
  }

  async stop(): Promise<void> {
    this.aborter.abort()
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer)
    this.wakeUp?.()
    await this.loop
  }

  private async run(): Promise<void> {
    const { signal } = this.aborter
    let offset = this.options.offset
    let failures = 0
    while (!signal.aborted) {
      try {
        const { updates, next } = await this.options.poll(offset, signal)
        for (const [i, update] of updates.entries()) {
          if (signal.aborted) return
          await this.options.handle(update, i === updates.length - 1 ? next : undefined)
        }
        offset = next
        failures = 0
      } catch (err) {
        if (signal.aborted) return
        failures += 1
        this.options.log.warn({ err }, 'channel polling failed; retrying')
        await this.sleep(this.options.retryDelay(failures))
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve
      this.timer = this.options.timers.setTimeout(() => {
        this.timer = undefined
        resolve()
      }, ms)
    })
  }
}
