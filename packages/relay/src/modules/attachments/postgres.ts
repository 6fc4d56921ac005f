import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { type AttachmentRow, toAttachment } from './rows.ts'
import type { AttachmentRecord, AttachmentStore } from './store.ts'

/** The `attachments` table on PostgreSQL: the bytes in a `bytea` beside the message. */
export class PostgresAttachmentStore implements AttachmentStore {
  constructor(private readonly db: PostgresDatabase) {}

  async put(tx: Tx, r: AttachmentRecord): Promise<void> {
    await this.db.run(
      tx,
      `INSERT INTO attachments (id, site_id, conversation_id, event_id, name, content_type, size,
         data, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        r.id,
        r.siteId,
        r.conversationId,
        r.eventId,
        r.name,
        r.contentType,
        r.size,
        r.data,
        r.createdAt,
      ],
    )
  }

  async get(id: string): Promise<AttachmentRecord | undefined> {
    const row = await this.db.row<AttachmentRow>('SELECT * FROM attachments WHERE id = $1', [id])
    return row && toAttachment(row)
  }
}
