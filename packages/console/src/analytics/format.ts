import type { MetricId } from '@parley/protocol'

/** A duration in ms as people read it: `42 s`, `3 min 05 s`, `2 h 10 min`; `—` for none. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  const h = Math.floor(m / 60)
  return `${h} h ${String(m % 60).padStart(2, '0')} min`
}

/** A share 0..1 as a percentage; `—` for none. */
export function formatShare(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`
}

/** A metric's value by its unit. */
export function formatMetric(unit: 'count' | 'ms' | 'share', value: number | null): string {
  if (unit === 'ms') return formatDuration(value)
  if (unit === 'share') return formatShare(value)
  return value === null ? '—' : String(value)
}

/** The metrics the tiles show, in order. */
export const TILE_METRICS: readonly MetricId[] = [
  'received',
  'accepted',
  'missed',
  'firstResponseFromQueue',
  'responseTime',
  'csat',
]

/** `YYYY-MM-DD` of a Date in the reader's zone. */
export function isoDate(date: Date): string {
  const y = date.getFullYear()
  const m = String(date.getMonth() + 1).padStart(2, '0')
  const d = String(date.getDate()).padStart(2, '0')
  return `${y}-${m}-${d}`
}

/** The period `[from, to)` of the last `days` days up to and including `today`. */
export function lastDays(today: Date, days: number): { from: string; to: string } {
  const to = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1)
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1 - days)
  return { from: isoDate(from), to: isoDate(to) }
}
