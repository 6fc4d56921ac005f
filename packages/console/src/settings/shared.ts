import { ConsoleError } from '../errors.ts'

/** What to show for a failed request: the relay's message, or a plain fallback. */
export function messageOf(error: unknown): string {
  return error instanceof ConsoleError || error instanceof Error
    ? error.message
    : 'Something went wrong.'
}

let dateTime: Intl.DateTimeFormat | undefined

/** A moment as the reader's local date and time, e.g. "2 Dec 2026, 14:05". */
export function formatMoment(at: number): string {
  dateTime ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
  return dateTime.format(new Date(at))
}

/**
 * A `<input type="date">` value (`2026-12-02`) as the start of that day in the reader's
 * time zone, in epoch ms; `endOf` gives the start of the next day, so `[from, to)` holds
 * the whole of the chosen last day. Empty or invalid: `undefined`.
 */
export function dayStart(value: string, endOf = false): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return undefined
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (endOf ? 1 : 0))
  return date.getTime()
}

/** A query string from the set values of `params` (empty ones left out), with its `?`. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}
