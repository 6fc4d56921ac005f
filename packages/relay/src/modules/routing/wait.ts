/** How many recent departures from a queue the estimate looks at. */
const KEPT = 10
/** Fewer than this many, or older than `FRESH_MS`: no estimate. */
const ENOUGH = 3
const FRESH_MS = 60 * 60_000

/**
 * Estimated waits from a group's recent pace: the mean time between conversations leaving
 * its queue for an operator, times the place in the queue. Null when the group has too few
 * recent departures to tell — an estimate is never made up.
 */
export class WaitEstimator {
  private readonly departures = new Map<string, number[]>()

  /** A waiting conversation of `groupId` got an operator at `at`. */
  departed(groupId: string, at: number): void {
    const times = this.departures.get(groupId) ?? []
    times.push(at)
    if (times.length > KEPT) times.shift()
    this.departures.set(groupId, times)
  }

  /** Seconds the conversation at `position` (1-based) may wait, or null. */
  estimate(groupId: string, position: number, now: number): number | null {
    const times = (this.departures.get(groupId) ?? []).filter((t) => now - t <= FRESH_MS)
    if (times.length < ENOUGH) return null
    const pace = (times[times.length - 1]! - times[0]!) / (times.length - 1)
    return Math.round((pace * position) / 1000)
  }
}
