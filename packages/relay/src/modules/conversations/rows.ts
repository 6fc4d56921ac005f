import type { ConversationEvent, ConversationSummary, LeadStatus } from '@parley/protocol'

/** The rows of the conversations tables as both engines read them, and what they become. */
export interface ConversationRow {
  id: string
  site_id: string
  visitor_id: string
  status: 'open' | 'closed'
  last_seq: number
  operator_id: string | null
  operator_name: string | null
  last_text: string | null
  visitor_name: string | null
  page: string | null
  created_at: number
  updated_at: number
  kind: 'chat' | 'callback' | 'offline'
  visitor_phone: string | null
  visitor_email: string | null
  rating: number | null
  rating_comment: string | null
  routing_group: string | null
  channel: ConversationSummary['channel'] | null
  erased_at: number | null
  /** Absent on a row built in memory for a conversation just created. */
  lead_status?: LeadStatus | null
  lead_assignee_id?: string | null
}

export interface EventRow {
  id: string
  conversation_id: string
  seq: number
  kind: 'message' | 'system' | 'form'
  author_kind: 'visitor' | 'operator' | 'system'
  author_id: string | null
  author_name: string | null
  text: string
  at: number
  data: string | null
}

export function toSummary(row: ConversationRow): ConversationSummary {
  const summary: ConversationSummary = {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    kind: row.kind ?? 'chat',
    status: row.status,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
  if (row.operator_id) summary.operator = { id: row.operator_id, name: row.operator_name ?? '' }
  if (row.last_text !== null) summary.lastText = row.last_text
  if (row.visitor_name) summary.visitorName = row.visitor_name
  if (row.visitor_phone) summary.visitorPhone = row.visitor_phone
  if (row.visitor_email) summary.visitorEmail = row.visitor_email
  if (row.page !== null) summary.page = row.page
  if (row.rating !== null) summary.rating = row.rating
  if (row.rating_comment !== null) summary.ratingComment = row.rating_comment
  if (row.routing_group) summary.group = row.routing_group
  if (row.channel) summary.channel = row.channel
  if (row.erased_at != null) summary.erased = true
  if (summary.kind !== 'chat') {
    // The assignee's name is filled in by `describeSummaries` from the employees.
    summary.lead = { status: row.lead_status ?? 'new' }
    if (row.lead_assignee_id) summary.lead.assignee = { id: row.lead_assignee_id, name: '' }
  }
  return summary
}

export function toEvent(row: EventRow): ConversationEvent {
  const author: ConversationEvent['author'] = { kind: row.author_kind }
  if (row.author_id !== null) author.id = row.author_id
  if (row.author_name !== null) author.name = row.author_name
  const event: ConversationEvent = {
    conversationId: row.conversation_id,
    seq: row.seq,
    id: row.id,
    kind: row.kind,
    author,
    text: row.text,
    at: row.at,
  }
  if (row.data !== null) event.data = JSON.parse(row.data) as Record<string, string>
  return event
}
