import type { Tx } from '../../infra/db/unit-of-work.ts'

/**
 * How an operator's message takes the file they uploaded (`send {attachmentId}`), so files
 * live in their own module (`modules/attachments`) without the two importing each other's
 * services.
 */
export interface AttachmentClaims {
  /**
   * Ties the upload to the message `eventId` in `tx` and returns the facts the message's
   * `data` carries; throws `attachment_not_found` for an unknown file, another
   * conversation's, or one already sent.
   */
  claim(
    tx: Tx,
    claim: { attachmentId: string; conversationId: string; eventId: string },
  ): Promise<Record<string, string>>
}
