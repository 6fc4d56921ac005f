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

/** Token buckets by key (a visitor across its tabs), each kept while something holds it. */
export class SharedBuckets {
  private readonly buckets = new Map<string, { bucket: TokenBucket; holders: number }>()

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  /** The key's bucket, held until the returned release is called. */
  hold(key: string): { bucket: TokenBucket; release: () => void } {
    let entry = this.buckets.get(key)
    if (!entry) {
      entry = { bucket: new TokenBucket(this.burst, this.perSecond, this.now), holders: 0 }
      this.buckets.set(key, entry)
    }
    entry.holders++
    const held = entry
    let released = false
    return {
      bucket: held.bucket,
      release: () => {
        if (released) return
        released = true
        held.holders--
        if (held.holders === 0) this.buckets.delete(key)
      },
    }
  }
}
