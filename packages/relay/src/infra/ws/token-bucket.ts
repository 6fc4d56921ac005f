/** A token bucket: `burst` frames at once, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number
  private updatedAt: number

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst
    this.updatedAt = now()
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now()
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond,
    )
    this.updatedAt = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
