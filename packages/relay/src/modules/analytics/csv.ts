import { type ChannelReply, METRICS, type MetricsReply } from '@parley/protocol'
import { csvRow } from '../privacy/csv.ts'

type Cell = string | number | null

/** A metric's value as a CSV cell: durations in seconds (0.1 s), shares as 0..1 (0.001). */
function cell(value: number | null, unit: 'count' | 'ms' | 'share'): Cell {
  if (value === null) return null
  if (unit === 'ms') return Math.round(value / 100) / 10
  if (unit === 'share') return Math.round(value * 1000) / 1000
  return value
}

const unitLabel = { count: '', ms: ' (s)', share: ' (0-1)' } as const

/**
 * An operator-metrics report as CSV: the rows, then the total — the same values as the
 * tables and tiles (one `metricsRow` made them). UTF-8 with a BOM, CRLF lines, formula-safe
 * cells (`csvRow`).
 */
export function metricsCsv(report: MetricsReply): string {
  const head = [report.groupBy, 'key', ...METRICS.map((m) => `${m.label}${unitLabel[m.unit]}`)]
  let out = `\uFEFF${csvRow(head)}`
  for (const row of [...report.rows, report.total]) {
    out += csvRow([row.label, row.key, ...METRICS.map((m) => cell(row[m.id], m.unit))])
  }
  return out
}

const CHANNEL_COLUMNS = [
  ['impressions', 'Invitations shown', 'count'],
  ['clicks', 'Invitations clicked', 'count'],
  ['conversations', 'Conversations', 'count'],
  ['chats', 'Chats', 'count'],
  ['callbacks', 'Callbacks', 'count'],
  ['offline', 'Offline messages', 'count'],
  ['leads', 'Leads', 'count'],
  ['missed', 'Missed chats', 'count'],
  ['firstResponseFromQueue', 'First response from queue', 'ms'],
  ['csat', 'CSAT', 'share'],
  ['rated', 'Rated', 'count'],
] as const

/** A channel-effectiveness report as CSV (as `metricsCsv`). */
export function channelsCsv(report: ChannelReply): string {
  const head = [report.groupBy, 'key', ...CHANNEL_COLUMNS.map(([, l, u]) => `${l}${unitLabel[u]}`)]
  let out = `\uFEFF${csvRow(head)}`
  for (const row of [...report.rows, report.total]) {
    out += csvRow([row.label, row.key, ...CHANNEL_COLUMNS.map(([k, , u]) => cell(row[k], u))])
  }
  return out
}
