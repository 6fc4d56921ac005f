import type { FieldError } from './fields.ts'

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

/**
 * When the site answers, in its own time zone. Each day is `['09:00', '18:00']` (end exclusive;
 * `'24:00'` allowed as an end; an end before the start runs past midnight) or `null` (closed).
 */
export interface WorkingHours {
  /** IANA zone, e.g. `Europe/Moscow`. */
  timeZone: string
  days: Record<Weekday, [string, string] | null>
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Weekday index (0 = mon) and minutes since local midnight of `at` in `timeZone`. */
export function localTime(timeZone: string, at: number): { day: number; minutes: number } {
  let weekday = ''
  let hour = 0
  let minute = 0
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') weekday = part.value.toLowerCase().slice(0, 3)
    else if (part.type === 'hour') hour = Number(part.value) % 24
    else if (part.type === 'minute') minute = Number(part.value)
  }
  return { day: WEEKDAYS.indexOf(weekday as Weekday), minutes: hour * 60 + minute }
}

function toMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))
}

/** True if `timeZone` is a zone this runtime's Intl knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

/** Field errors (`timeZone`, `days.mon`...) of a working-hours setting; empty when valid. */
export function validateWorkingHours(hours: WorkingHours): FieldError[] {
  const fields: FieldError[] = []
  if (typeof hours.timeZone !== 'string' || !isValidTimeZone(hours.timeZone)) {
    fields.push({ field: 'timeZone', code: 'timezone_invalid' })
  }
  for (const day of WEEKDAYS) {
    const span = hours.days?.[day]
    if (span === null || span === undefined) continue
    const ok =
      Array.isArray(span) &&
      span.length === 2 &&
      typeof span[0] === 'string' &&
      typeof span[1] === 'string' &&
      TIME.test(span[0]) &&
      span[0] !== '24:00' &&
      TIME.test(span[1]) &&
      span[0] !== span[1]
    if (!ok) fields.push({ field: `days.${day}`, code: 'hours_invalid' })
  }
  return fields
}

/**
 * Whether `at` (epoch ms) falls inside the working hours. `null`/`undefined` hours mean
 * "always open".
 */
export function isWithinWorkingHours(hours: WorkingHours | null | undefined, at: number): boolean {
  if (!hours) return true
  const { day, minutes } = localTime(hours.timeZone, at)
  if (day < 0) return false
  const today = hours.days[WEEKDAYS[day] as Weekday]
  if (today) {
    const start = toMinutes(today[0])
    const end = toMinutes(today[1])
    if (end > start ? minutes >= start && minutes < end : minutes >= start) return true
  }
  const yesterday = hours.days[WEEKDAYS[(day + 6) % 7] as Weekday]
  if (yesterday) {
    const start = toMinutes(yesterday[0])
    const end = toMinutes(yesterday[1])
    if (end <= start && minutes < end) return true
  }
  return false
}

const STEP_MS = 15 * 60_000
const HORIZON_MS = 14 * 24 * 60 * 60_000

/**
 * The next `count` callback slot starts after `now`: aligned to `slotMinutes` in the site's
 * local time, each slot wholly inside working hours, looking at most 14 days ahead.
 * @default slotMinutes 60
 */
export function nextSlots(
  hours: WorkingHours | null | undefined,
  now: number,
  count: number,
  slotMinutes = 60,
): number[] {
  const slots: number[] = []
  const slotMs = slotMinutes * 60_000
  const timeZone = hours?.timeZone ?? 'UTC'
  for (let t = Math.floor(now / STEP_MS) * STEP_MS + STEP_MS; t < now + HORIZON_MS; t += STEP_MS) {
    if (slots.length >= count) break
    if (localTime(timeZone, t).minutes % slotMinutes !== 0) continue
    if (isWithinWorkingHours(hours, t) && isWithinWorkingHours(hours, t + slotMs - 60_000)) {
      slots.push(t)
    }
  }
  return slots
}
