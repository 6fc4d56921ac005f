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

  async byEvent(eventId: string): Promise<AttachmentRecord | undefined> {
    const row = await this.db.row<AttachmentRow>(
      'SELECT * FROM attachments WHERE event_id = $1 LIMIT 1',
      [eventId],
    )
    return row && toAttachment(row)
  }

  async claim(tx: Tx, id: string, conversationId: string, eventId: string) {
    const row = await this.db.row<AttachmentRow>(
      `UPDATE attachments SET event_id = $1
       WHERE id = $2 AND conversation_id = $3 AND event_id IS NULL RETURNING *`,
      [eventId, id, conversationId],
      tx,
    )
    return row && toAttachment(row)
  }
}
