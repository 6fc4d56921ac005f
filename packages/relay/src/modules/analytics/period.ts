import { relayError } from '../../infra/errors.ts'

const DAY_MS = 86_400_000
/** The longest period a report covers. */
export const MAX_PERIOD_DAYS = 366

/** A report's period: local dates `[from, to)` in `timeZone`, and the instants they start at. */
export interface Period {
  from: string
  to: string
  timeZone: string
  fromAt: number
  toAt: number
  /** The first instant of each local day of the period, in order (the first is `fromAt`). */
  dayStarts: number[]
  /** Each day as `YYYY-MM-DD`, beside `dayStarts`. */
  days: string[]
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** `timeZone`'s offset from UTC at `at`, in ms (local = UTC + offset). */
function offsetAt(timeZone: string, at: number): number {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, f)
  }
  const parts: Record<string, number> = {}
  for (const part of f.formatToParts(at)) parts[part.type] = Number(part.value)
  const local = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  )
  return local - (at - (((at % 1000) + 1000) % 1000))
}

/** `YYYY-MM-DD` as a UTC day number (ms at UTC midnight), or undefined if it is not a real date. */
function utcDay(date: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!match) return undefined
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const at = Date.UTC(y, m - 1, d)
  const back = new Date(at)
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    return undefined
  }
  return at
}

/**
 * The instant a local date begins in `timeZone` (its first instant: where a zone skips
 * midnight, the first local time after it).
 */
export function localMidnight(utcMidnight: number, timeZone: string): number {
  let guess = utcMidnight - offsetAt(timeZone, utcMidnight)
  for (let i = 0; i < 3; i++) {
    const next = utcMidnight - offsetAt(timeZone, guess)
    if (next === guess) break
    guess = next
  }
  return guess
}

const isoDay = (utc: number) => new Date(utc).toISOString().slice(0, 10)

/**
 * The period `[from, to)` of local dates in `timeZone`: `period_invalid` unless both are real
 * dates, `from` is before `to` and it spans at most `MAX_PERIOD_DAYS`.
 */
export function periodOf(from: string, to: string, timeZone: string): Period {
  const start = utcDay(from)
  const end = utcDay(to)
  if (start === undefined || end === undefined || end <= start) throw relayError('period_invalid')
  const count = Math.round((end - start) / DAY_MS)
  if (count > MAX_PERIOD_DAYS) throw relayError('period_invalid')
  const dayStarts: number[] = []
  const days: string[] = []
  for (let i = 0; i < count; i++) {
    const utc = start + i * DAY_MS
    dayStarts.push(localMidnight(utc, timeZone))
    days.push(isoDay(utc))
  }
  return {
    from,
    to,
    timeZone,
    fromAt: dayStarts[0]!,
    toAt: localMidnight(end, timeZone),
    dayStarts,
    days,
  }
}

/** The local day of `timeZone` that `at` falls in: `[start, end)` as instants. */
export function localDayOf(at: number, timeZone: string): { start: number; end: number } {
  const local = at + offsetAt(timeZone, at)
  let utc = Math.floor(local / DAY_MS) * DAY_MS
  let start = localMidnight(utc, timeZone)
  // Near a change of the clocks the guess can be a day off either way.
  if (start > at) {
    utc -= DAY_MS
    start = localMidnight(utc, timeZone)
  }
  let end = localMidnight(utc + DAY_MS, timeZone)
  if (end <= at) {
    utc += DAY_MS
    start = end
    end = localMidnight(utc + DAY_MS, timeZone)
  }
  return { start, end }
}
