import type { Timers } from '../connection.ts'

/**
 * Timers that fire only when the test moves time: `advance(ms)` runs, in order,
 * every timer that falls due, including those scheduled meanwhile. Sockets stay
 * real; only time is the test's.
 */
export function fakeTimers() {
  let now = 0
  let nextId = 1
  const due = new Map<number, { at: number; fn: () => void }>()
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = nextId++
      due.set(id, { at: now + Math.max(0, ms), fn })
      return id
    },
    clearTimeout(id) {
      due.delete(id as number)
    },
  }
  return {
    timers,
    /** Moves time on by `ms`, firing every timer that falls due on the way. */
    advance(ms: number) {
      const end = now + ms
      for (;;) {
        let first: [number, { at: number; fn: () => void }] | undefined
        for (const entry of due) if (!first || entry[1].at < first[1].at) first = entry
        if (!first || first[1].at > end) break
        due.delete(first[0])
        now = first[1].at
        first[1].fn()
      }
      now = end
    },
  }
}
