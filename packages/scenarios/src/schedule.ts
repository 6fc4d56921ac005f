import type { Condition } from '@parley/protocol'

type Schedule = Extract<Condition, { type: 'schedule' }>

const DAY = 86_400_000
const WEEKDAYS = 'sunmontuewedthufrisat'
const formats = new Map<string, Intl.DateTimeFormat>()

/** Weekday (0 = Sunday) and milliseconds since midnight, wall time in `timeZone`. */
function wallClock(now: number, timeZone: string): [number, number] {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formats.set(timeZone, format)
  }
  const part: Record<string, string> = {}
  for (const { type, value } of format.formatToParts(now)) part[type] = value
  const ms = ((+part.hour! * 60 + +part.minute!) * 60 + +part.second!) * 1000 + (now % 1000)
  return [WEEKDAYS.indexOf(part.weekday!.toLowerCase()) / 3, ms]
}

const minutes = (clock: string) => (+clock.slice(0, 2) * 60 + +clock.slice(3)) * 60_000

/**
 * Whether the schedule is on at `now`, and the next time it switches (a
 * lower bound across a daylight-saving change: the caller then looks again).
 * An unknown time zone is never on.
 */
export function checkSchedule(s: Schedule, now: number): [boolean, number] {
  try {
    const from = minutes(s.from)
    const to = minutes(s.to)
    const on = (day: number, ms: number): boolean => {
      const today = s.days.includes(WEEKDAYS.slice(day * 3, day * 3 + 3) as Schedule['days'][0])
      if (from === to) return today
      if (from < to) return today && ms >= from && ms < to
      const yesterday = (day + 6) % 7
      return (today && ms >= from) || (ms < to && on(yesterday, from))
    }
    let [day, ms] = wallClock(now, s.timeZone)
    const value = on(day, ms)
    let ahead = 0
    // Step from boundary to boundary (from, to, midnight) for up to 8 days.
    for (let step = 0; step < 24; step++) {
      const next = Math.min(...[from, to, DAY].map((b) => (b > ms ? b : b + DAY)))
      ahead += next - ms
      ms = next
      if (ms >= DAY) {
        ms -= DAY
        day = (day + 1) % 7
      }
      if (on(day, ms) !== value) {
        const at = now + ahead
        // A daylight-saving change in between: the wall clock there is off by its
        // shift. (A boundary inside a skipped hour comes out early: still a lower bound.)
        const drift = ((((ms - wallClock(at, s.timeZone)[1]) % DAY) + DAY * 1.5) % DAY) - DAY / 2
        return [value, at + drift > now ? at + drift : now + 60_000]
      }
    }
    return [value, Number.POSITIVE_INFINITY]
  } catch {
    return [false, Number.POSITIVE_INFINITY]
  }
}
