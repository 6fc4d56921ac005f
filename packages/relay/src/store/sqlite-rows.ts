import type { ConversationEvent, ConversationSummary } from '@parley/protocol'
import type { ConsentRecord, EmployeeRecord, VisitorProfile } from './types.ts'

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
  kind: 'chat' | 'callback' | 'offline'
  visitor_phone: string | null
  visitor_email: string | null
  rating: number | null
  rating_comment: string | null
  /** From migration 003: the scenario's routing group. */
  routing_group?: string | null
  // joined from employees and visitors (see CONVERSATION_SELECT)
  employee_name: string | null
  employee_position: string | null
  employee_photo_url: string | null
  profile_name: string | null
  profile_phone: string | null
  profile_email: string | null
}

/** Conversations with their operator's card and the visitor's profile contact. */
export const CONVERSATION_SELECT = `SELECT c.*, e.name AS employee_name,
    e.position AS employee_position, e.photo_url AS employee_photo_url,
    v.name AS profile_name, v.phone AS profile_phone, v.email AS profile_email
  FROM conversations c
  LEFT JOIN employees e ON e.id = c.operator_id
  LEFT JOIN visitors v ON v.site_id = c.site_id AND v.id = c.visitor_id`

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

export interface EmployeeRow {
  id: string
  email: string
  name: string
  role: EmployeeRecord['role']
  password_hash: string
  created_at: number
  position: string | null
  photo_url: string | null
}

export interface VisitorRow {
  site_id: string
  id: string
  user_id: string | null
  verified: number
  name: string | null
  email: string | null
  phone: string | null
  attributes: string
  created_at: number
  updated_at: number
}

export interface ConsentRow {
  id: string
  site_id: string
  visitor_id: string
  agreement_version: string
  form: ConsentRecord['form']
  ip: string | null
  at: number
  event_id: string | null
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
  if (row.operator_id) {
    const operator: NonNullable<ConversationSummary['operator']> = {
      id: row.operator_id,
      name: row.employee_name ?? row.operator_name ?? '',
    }
    if (row.employee_position) operator.position = row.employee_position
    if (row.employee_photo_url) operator.photoUrl = row.employee_photo_url
    summary.operator = operator
  }
  if (row.last_text !== null) summary.lastText = row.last_text
  const name = row.visitor_name ?? row.profile_name
  const phone = row.visitor_phone ?? row.profile_phone
  const email = row.visitor_email ?? row.profile_email
  if (name) summary.visitorName = name
  if (phone) summary.visitorPhone = phone
  if (email) summary.visitorEmail = email
  if (row.page !== null) summary.page = row.page
  if (row.rating !== null) summary.rating = row.rating
  if (row.rating_comment !== null) summary.ratingComment = row.rating_comment
  if (row.routing_group) summary.group = row.routing_group
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

export function toEmployee(row: EmployeeRow): EmployeeRecord {
  const employee: EmployeeRecord = {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  }
  if (row.position) employee.position = row.position
  if (row.photo_url) employee.photoUrl = row.photo_url
  return employee
}

export function toVisitor(row: VisitorRow): VisitorProfile {
  const visitor: VisitorProfile = {
    siteId: row.site_id,
    id: row.id,
    verified: row.verified === 1,
    attributes: JSON.parse(row.attributes) as VisitorProfile['attributes'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
  if (row.user_id !== null) visitor.userId = row.user_id
  if (row.name !== null) visitor.name = row.name
  if (row.email !== null) visitor.email = row.email
  if (row.phone !== null) visitor.phone = row.phone
  return visitor
}

export function toConsent(row: ConsentRow): ConsentRecord {
  const consent: ConsentRecord = {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    agreementVersion: row.agreement_version,
    form: row.form,
    at: row.at,
  }
  if (row.ip !== null) consent.ip = row.ip
  if (row.event_id !== null) consent.eventId = row.event_id
  return consent
}
