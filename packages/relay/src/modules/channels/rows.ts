import type { ChannelChat, ChannelOutboxRow, ContactPointRecord } from './store.ts'

/** The rows of the channels tables as both engines read them, and what they become. */
export interface ContactPointRow {
  id: string
  kind: ContactPointRecord['kind']
  site_id: string
  name: string
  routing_group: string | null
  mode: ContactPointRecord['mode']
  credentials: string
  credential_names: string
  status: ContactPointRecord['status']
  status_error: string | null
  poll_offset: number
  created_at: number
  updated_at: number
}

export interface ChatRow {
  contact_point_id: string
  chat_id: string
  site_id: string
  visitor_id: string
  conversation_id: string | null
  blocked: number
  created_at: number
}

export interface OutboxRow {
  seq: number
  event_id: string
  channel: ChannelOutboxRow['channel']
  contact_point_id: string | null
  chat_id: string
  conversation_id: string
  text: string
  state: ChannelOutboxRow['state']
  attempts: number
  next_at: number
  error: string | null
  external_id: string | null
  created_at: number
  updated_at: number
}

export const toContactPoint = (row: ContactPointRow): ContactPointRecord => ({
  id: row.id,
  kind: row.kind,
  siteId: row.site_id,
  name: row.name,
  group: row.routing_group,
  mode: row.mode,
  sealed: row.credentials,
  credentialNames: JSON.parse(row.credential_names),
  status: row.status,
  statusError: row.status_error,
  pollOffset: row.poll_offset,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

export const toChat = (row: ChatRow): ChannelChat => ({
  contactPointId: row.contact_point_id,
  chatId: row.chat_id,
  siteId: row.site_id,
  visitorId: row.visitor_id,
  conversationId: row.conversation_id,
  blocked: row.blocked === 1,
  createdAt: row.created_at,
})

export const toOutbox = (row: OutboxRow): ChannelOutboxRow => ({
  seq: row.seq,
  eventId: row.event_id,
  channel: row.channel,
  contactPointId: row.contact_point_id,
  chatId: row.chat_id,
  conversationId: row.conversation_id,
  text: row.text,
  state: row.state,
  attempts: row.attempts,
  nextAt: row.next_at,
  error: row.error,
  externalId: row.external_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})
