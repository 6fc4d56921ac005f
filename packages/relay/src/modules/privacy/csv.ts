import type { ConsentEntry } from '@parley/protocol'

/** Excel and LibreOffice run a cell that starts with one of these as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, and prefixed
 * with `'` when a spreadsheet would take it for a formula (CSV injection, OWASP).
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return ''
  let text = String(value)
  if (FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvRow(cells: (string | number | boolean | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString())

export const CONSENT_CSV_HEADER = [
  'id',
  'siteId',
  'visitorId',
  'agreementVersion',
  'form',
  'at',
  'ip',
  'withdrawnAt',
  'withdrawnBy',
  'erased',
]

/** The consent register as CSV: UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF lines. */
export function consentsCsv(consents: readonly ConsentEntry[]): string {
  let out = `\uFEFF${csvRow(CONSENT_CSV_HEADER)}`
  for (const c of consents) {
    out += csvRow([
      c.id,
      c.siteId,
      c.visitorId,
      c.agreementVersion,
      c.form,
      iso(c.at),
      c.ip,
      iso(c.withdrawnAt),
      c.withdrawnBy,
      c.erased,
    ])
  }
  return out
}
