import type { AttachmentType } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'

/** A stored file: what it is, where it belongs, and its bytes. */
export interface AttachmentRecord {
  id: string
  siteId: string
  conversationId: string
  /** The message that carries it; null while an operator's upload waits for its message. */
  eventId: string | null
  name: string
  contentType: AttachmentType
  /** Bytes: `data.length`. */
  size: number
  data: Buffer
  createdAt: number
}

/**
 * Files messages carry, stored in the database with the message (in its transaction), so an
 * acknowledged message never names a file that a crash lost. Erased with their visitor by
 * the privacy store. `describeAttachmentStore` in `contract.ts` is the suite every adapter
 * passes.
 */
export interface AttachmentStore {
  put(tx: Tx, record: AttachmentRecord): Promise<void>
  /** The file with its bytes; undefined for an unknown id. */
  get(id: string): Promise<AttachmentRecord | undefined>
  /** The file the message `eventId` carries, if any. */
  byEvent(eventId: string): Promise<AttachmentRecord | undefined>
  /**
   * Ties a waiting upload of `conversationId` to the message `eventId` and returns it; once
   * only: undefined for an unknown id, another conversation's file or one already sent.
   */
  claim(
    tx: Tx,
    id: string,
    conversationId: string,
    eventId: string,
  ): Promise<AttachmentRecord | undefined>
}
