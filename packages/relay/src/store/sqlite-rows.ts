import type { ConversationEvent, ConversationSummary } from '@parley/protocol'
import type { EmployeeRecord } from './types.ts'

/** Row shapes of the SQLite tables and their mapping to protocol objects. */

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
}

export interface EventRow {
  id: string
  conversation_id: string
  seq: number
  kind: 'message' | 'system'
  author_kind: 'visitor' | 'operator' | 'system'
  author_id: string | null
  author_name: string | null
  text: string
  at: number
}

export interface EmployeeRow {
  id: string
  email: string
  name: string
  role: EmployeeRecord['role']
  password_hash: string
  created_at: number
}

export function toSummary(row: ConversationRow): ConversationSummary {
  const summary: ConversationSummary = {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    status: row.status,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
  if (row.operator_id) summary.operator = { id: row.operator_id, name: row.operator_name ?? '' }
  if (row.last_text !== null) summary.lastText = row.last_text
  if (row.visitor_name !== null) summary.visitorName = row.visitor_name
  if (row.page !== null) summary.page = row.page
  return summary
}

export function toEvent(row: EventRow): ConversationEvent {
  const author: ConversationEvent['author'] = { kind: row.author_kind }
  if (row.author_id !== null) author.id = row.author_id
  if (row.author_name !== null) author.name = row.author_name
  return {
    conversationId: row.conversation_id,
    seq: row.seq,
    id: row.id,
    kind: row.kind,
    author,
    text: row.text,
    at: row.at,
  }
}

export function toEmployee(row: EmployeeRow): EmployeeRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  }
}
