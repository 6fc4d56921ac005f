import { type Static, Type } from '@sinclair/typebox'

/**
 * A file a message carries, as its event's `data` holds it (every value a string, like all
 * event data): `attachmentId` when the relay stored it (`GET /v1/attachments/:id`), or
 * `attachmentRefused` with the stable code of why it did not (`attachment_too_large`,
 * `attachment_type_refused`, `attachment_unavailable`). `attachmentSize` is in bytes.
 */
export interface AttachmentFacts {
  attachmentId?: string
  attachmentRefused?: 'attachment_too_large' | 'attachment_type_refused' | 'attachment_unavailable'
  attachmentName: string
  attachmentType: string
  attachmentSize?: string
}

/** The content types the relay stores, after checking each file's bytes against its type. */
export const ATTACHMENT_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
] as const

export type AttachmentType = (typeof ATTACHMENT_TYPES)[number]

/** `POST /v1/conversations/:id/attachments` → the stored upload, for the `send` that carries it. */
export const AttachmentReply = Type.Object({
  attachment: Type.Object({
    id: Type.String(),
    name: Type.String(),
    type: Type.String({ description: 'The content type its bytes were checked against' }),
    size: Type.Integer({ description: 'Bytes' }),
  }),
})
export type AttachmentReply = Static<typeof AttachmentReply>
