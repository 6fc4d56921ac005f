import type { Timers } from '../infra/ws/frame-socket.ts'

/**
 * A clock and timers that move only when told: `advance(ms)` runs every timer due within
 * `ms`, in time order, at its own time.
 */
export function manualClock(start = 1_000_000) {
  let now = start
  let serial = 0
  const pending = new Map<number, { at: number; fn: () => void }>()
  const timers: Timers = {
    setTimeout(fn, ms) {
      const handle = ++serial
      pending.set(handle, { at: now + ms, fn })
      return handle
    },
    clearTimeout(handle) {
      pending.delete(handle as number)
    },
  }
  return {
    now: () => now,
    timers,
    /** Timers not yet run. */
    get pending(): number {
      return pending.size
    },
    advance(ms: number): void {
      const until = now + ms
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined
        for (const entry of pending) if (!next || entry[1].at < next[1].at) next = entry
        if (!next || next[1].at > until) break
        pending.delete(next[0])
        now = next[1].at
        next[1].fn()
      }
      now = until
    },
  }
}
