import type { Condition } from '@parley/protocol'

type Schedule = Extract<Condition, { type: 'schedule' }>

const DAY = 86_400_000
const WEEKDAYS = 'sunmontuewedthufrisat'
const formats: Record<string, Intl.DateTimeFormat> = {}

/**
 * Weekday (0 = Sunday) and milliseconds since midnight, wall time in
 * `timeZone`. Seconds come from `now` itself: every zone's offset is a whole
 * number of minutes.
 */
function wallClock(now: number, timeZone: string): [number, number] {
  formats[timeZone] ??= new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
  })
  const part: Record<string, string> = {}
  for (const { type, value } of formats[timeZone].formatToParts(now)) part[type] = value
  return [
    WEEKDAYS.indexOf(part.weekday!.toLowerCase()) / 3,
    (+part.hour! * 60 + +part.minute!) * 60_000 + (now % 60_000),
  ]
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
    const listed = (day: number) =>
      s.days.includes(WEEKDAYS.substr(day * 3, 3) as Schedule['days'][0])
    // A span that runs past midnight belongs to the day it starts on.
    const on = (day: number, ms: number) =>
      from === to
        ? listed(day)
        : from < to
          ? listed(day) && ms >= from && ms < to
          : (listed(day) && ms >= from) || (ms < to && listed((day + 6) % 7))
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
        let next = at + drift > now ? at + drift : now + 60_000
        // The value may also change at the clock change itself (falling back leaves the span
        // or enters it again): then that instant comes first.
        if (drift) {
          // The first instant with the new offset (offsets as wall ms minus UTC ms, mod a day).
          const offset = (t: number) => (wallClock(t, s.timeZone)[1] - (t % DAY) + DAY) % DAY
          const before = offset(now)
          let lo = now
          let change = Math.max(at, at + drift)
          while (change - lo > 1) {
            const mid = Math.floor((lo + change) / 2)
            if (offset(mid) === before) lo = mid
            else change = mid
          }
          if (change < next && on(...wallClock(change, s.timeZone)) !== value) next = change
        }
        return [value, next]
      }
    }
    return [value, Number.POSITIVE_INFINITY]
  } catch {
    return [false, Number.POSITIVE_INFINITY]
  }
}
