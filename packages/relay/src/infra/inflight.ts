/**
 * The operations under way (frames being handled, form requests), so that a graceful
 * shutdown finishes them before the database closes.
 */
export class Inflight {
  private readonly running = new Set<Promise<unknown>>()

  /** Tracks `promise` until it settles; returns it. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.running.add(promise)
    const forget = () => this.running.delete(promise)
    promise.then(forget, forget)
    return promise
  }

  /** Resolves when every operation tracked so far (and any they started) has settled. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }
}
