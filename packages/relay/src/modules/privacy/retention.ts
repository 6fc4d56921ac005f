import type { Timers } from '../../infra/ws/frame-socket.ts'

export interface RetentionSchedulerOptions {
  /** One run; the scheduler never starts a run while one is under way. */
  run: () => Promise<unknown>
  intervalMs: number
  timers: Timers
  /** A failed run is logged and the next one is scheduled as usual. */
  onError: (error: unknown) => void
}

/** The longest delay `setTimeout` keeps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/**
 * Runs retention at start and then every `intervalMs`, one run at a time: the next run is
 * scheduled when the previous one ends, so a slow run is never overlapped.
 */
export class RetentionScheduler {
  private timer: unknown
  private running: Promise<void> | undefined
  private stopped = false

  constructor(private readonly options: RetentionSchedulerOptions) {}

  start(): void {
    this.stopped = false
    this.tick()
  }

  /** Runs now unless a run is under way (then waits for that one). */
  runNow(): Promise<void> {
    if (!this.running) {
      this.running = this.options
        .run()
        .then(
          () => undefined,
          (error) => this.options.onError(error),
        )
        .finally(() => {
          this.running = undefined
        })
    }
    return this.running
  }

  /** Cancels the next run and waits for one under way. */
  async stop(): Promise<void> {
    this.stopped = true
    this.options.timers.clearTimeout(this.timer)
    await this.running
  }

  private tick(): void {
    if (this.stopped) return
    void this.runNow().then(() => this.wait(this.options.intervalMs))
  }

  /**
   * Waits `ms`, in steps a timer can hold: Node fires a timeout longer than 2^31 − 1 ms
   * (24.8 days) at once, which would run retention in a tight loop.
   */
  private wait(ms: number): void {
    if (this.stopped) return
    const step = Math.min(ms, MAX_TIMEOUT_MS)
    this.timer = this.options.timers.setTimeout(
      () => (ms > step ? this.wait(ms - step) : this.tick()),
      step,
    )
  }
}
