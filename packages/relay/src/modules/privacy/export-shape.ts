import type { SubjectExport } from '@parley/protocol'
import type { SubjectRows } from './store.ts'

/** Rows per table, for the audit log of an export. */
export function rowCounts(tables: SubjectRows): Record<string, number> {
  return Object.fromEntries(Object.entries(tables).map(([name, rows]) => [name, rows.length]))
}

/**
 * A row with its binary columns (a file's bytes) as base64 strings: the export is JSON, and
 * the visitor's copy of what they sent must hold the files themselves.
 */
export function withBytesAsBase64(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    out[key] = Buffer.isBuffer(value) ? value.toString('base64') : value
  }
  return out
}

const JSON_COLUMNS = new Set(['attributes', 'data', 'details'])

/** A row as a reader wants it: JSON columns parsed. */
function readable(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    if (JSON_COLUMNS.has(key) && typeof value === 'string') {
      try {
        out[key] = JSON.parse(value)
        continue
      } catch {
        // kept as stored
      }
    }
    out[key] = value
  }
  return out
}

/** The export as the API gives it: readable parts, and every row as stored (`tables`). */
export function shapeExport(
  siteId: string,
  visitorId: string,
  at: number,
  tables: SubjectRows,
): SubjectExport {
  const events = tables.events ?? []
  const routing = tables.routing_log ?? []
  const reads = tables.reads ?? []
  return {
    exportedAt: at,
    siteId,
    visitorId,
    profile: tables.visitors?.[0] ? readable(tables.visitors[0]) : null,
    consents: (tables.consents ?? []).map(readable),
    conversations: (tables.conversations ?? []).map((conversation) => ({
      ...readable(conversation),
      events: events.filter((e) => e.conversation_id === conversation.id).map(readable),
      routing_log: routing.filter((r) => r.conversation_id === conversation.id).map(readable),
      reads: reads.filter((r) => r.conversation_id === conversation.id).map(readable),
    })),
    tables,
  }
}
