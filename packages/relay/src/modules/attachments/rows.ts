import type { AttachmentType } from '@parley/protocol'
import type { AttachmentRecord } from './store.ts'

/** An `attachments` row as both engines return it. */
export interface AttachmentRow {
  id: string
  site_id: string
  conversation_id: string
  event_id: string | null
  name: string
  content_type: AttachmentType
  size: number
  data: Buffer
  created_at: number
}

export const toAttachment = (row: AttachmentRow): AttachmentRecord => ({
  id: row.id,
  siteId: row.site_id,
  conversationId: row.conversation_id,
  eventId: row.event_id,
  name: row.name,
  contentType: row.content_type,
  size: Number(row.size),
  data: Buffer.from(row.data),
  createdAt: Number(row.created_at),
})
