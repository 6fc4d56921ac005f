import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { statements } from '../../infra/db/statements.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { type AttachmentRow, toAttachment } from './rows.ts'
import type { AttachmentRecord, AttachmentStore } from './store.ts'

/** The `attachments` table (`017_attachments.sql`): the bytes in a BLOB beside the message. */
export class SqliteAttachmentStore implements AttachmentStore {
  private readonly sql

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
  }

  async put(tx: Tx, r: AttachmentRecord): Promise<void> {
    this.sql(
      `INSERT INTO attachments (id, site_id, conversation_id, event_id, name, content_type, size,
         data, created_at)
       VALUES (@id, @siteId, @conversationId, @eventId, @name, @contentType, @size, @data,
         @createdAt)`,
      tx,
    ).run(r)
  }

  get(id: string): Promise<AttachmentRecord | undefined> {
    return this.db.read(() => {
      const row = this.sql('SELECT * FROM attachments WHERE id = ?').get(id) as
        | AttachmentRow
        | undefined
      return row && toAttachment(row)
    })
  }

  byEvent(eventId: string): Promise<AttachmentRecord | undefined> {
    return this.db.read(() => {
      const row = this.sql('SELECT * FROM attachments WHERE event_id = ? LIMIT 1').get(eventId) as
        | AttachmentRow
        | undefined
      return row && toAttachment(row)
    })
  }

  async claim(tx: Tx, id: string, conversationId: string, eventId: string) {
    const row = this.sql(
      `UPDATE attachments SET event_id = ?
       WHERE id = ? AND conversation_id = ? AND event_id IS NULL RETURNING *`,
      tx,
    ).get(eventId, id, conversationId) as AttachmentRow | undefined
    return row && toAttachment(row)
  }
}
