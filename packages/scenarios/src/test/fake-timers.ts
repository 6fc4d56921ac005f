import type { Timers } from '../engine.ts'

/**
 * Timers and a wall clock for tests. `mono` is the timers' own time, which
 * only moves forward; the wall clock is `mono + offset`, so a test can jump
 * the clock back or forth without moving timers, as a real device can.
 */
export function fakeTime(start: number) {
  let mono = 0
  let offset = start
  let nextId = 1
  const due = new Map<number, { at: number; fn: () => void }>()
  const timers: Timers & { active: () => number; delays: number[] } = {
    delays: [],
    setTimeout(fn, ms) {
      const id = nextId++
      timers.delays.push(ms)
      due.set(id, { at: mono + Math.max(0, ms), fn })
      return id
    },
    clearTimeout(id) {
      due.delete(id as number)
    },
    active: () => due.size,
  }
  return {
    timers,
    clock: () => mono + offset,
    /** Moves the clock and fires, in order, every timer that falls due. */
    advance(ms: number) {
      const end = mono + ms
      for (;;) {
        let first: [number, { at: number; fn: () => void }] | undefined
        for (const entry of due) if (!first || entry[1].at < first[1].at) first = entry
        if (!first || first[1].at > end) break
        due.delete(first[0])
        mono = Math.max(mono, first[1].at)
        first[1].fn()
      }
      mono = end
    },
    /** Moves only the wall clock (a device clock correction). */
    jump(ms: number) {
      offset += ms
    },
  }
}
