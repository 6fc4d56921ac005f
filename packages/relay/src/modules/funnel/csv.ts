import type { FunnelReply } from '@parley/protocol'
import { csvRow } from '../privacy/csv.ts'

const COLUMNS = [
  ['visits', 'Visits'],
  ['opens', 'Button opens'],
  ['picks', 'Channel picks'],
  ['conversations', 'Conversations'],
  ['leads', 'Leads'],
  ['conversion', 'Leads per visit (0-1)'],
] as const

/** A funnel report as CSV: the rows, then the total (UTF-8 with a BOM, formula-safe cells). */
export function funnelCsv(report: FunnelReply): string {
  let out = `\uFEFF${csvRow([report.groupBy, 'key', ...COLUMNS.map(([, label]) => label)])}`
  for (const row of [...report.rows, report.total]) {
    out += csvRow([
      row.label,
      row.key,
      ...COLUMNS.map(([k]) =>
        k === 'conversion' && row.conversion !== null
          ? Math.round(row.conversion * 1000) / 1000
          : row[k],
      ),
    ])
  }
  return out
}
