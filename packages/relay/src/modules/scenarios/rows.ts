import type { ConversationKind } from '@parley/protocol'
import type { EngagementRecord } from './store.ts'

/** The rows of the scenarios tables as both engines read them, and what they become. */
export interface EngagementRow {
  id: string
  site_id: string
  visitor_id: string | null
  scenario_id: string
  event: EngagementRecord['event']
  page: string | null
  at: number
  session: string | null
  kind: ConversationKind | null
  conversation_id: string | null
  author_key: string | null
  cid: string | null
}

export function toRecord(row: EngagementRow): EngagementRecord {
  const record: EngagementRecord = {
    id: row.id,
    siteId: row.site_id,
    scenarioId: row.scenario_id,
    event: row.event,
    at: row.at,
  }
  if (row.visitor_id !== null) record.visitorId = row.visitor_id
  if (row.page !== null) record.page = row.page
  if (row.session !== null) record.session = row.session
  if (row.kind !== null) record.kind = row.kind
  if (row.conversation_id !== null) record.conversationId = row.conversation_id
  if (row.author_key !== null) record.authorKey = row.author_key
  if (row.cid !== null) record.cid = row.cid
  return record
}
