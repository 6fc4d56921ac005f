import type { Statement } from 'better-sqlite3'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import {
  type ChatRow,
  type ContactPointRow,
  type OutboxRow,
  toChat,
  toContactPoint,
  toOutbox,
} from './rows.ts'
import type {
  ChannelChat,
  ChannelStore,
  ContactPointPatch,
  ContactPointRecord,
  NewChannelOutboxRow,
  SendOutcome,
} from './store.ts'

/** How far a message has come: a receipt never moves it back. */
const RANK = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 } as const

/** `contact_points`, `channel_chats`, `channel_updates`, `channel_outbox` (`013_channels.sql`). */
export class SqliteChannelStore implements ChannelStore {
  private readonly sql: Record<string, Statement>

  constructor(private readonly db: SqliteDatabase) {
    const raw = db.raw
    this.sql = {
      insertPoint: raw.prepare(
        `INSERT INTO contact_points (id, kind, site_id, name, routing_group, mode, credentials,
           credential_names, status, status_error, poll_offset, created_at, updated_at)
         VALUES (@id, @kind, @siteId, @name, @group, @mode, @sealed, @credentialNames, @status,
           @statusError, @pollOffset, @createdAt, @updatedAt)`,
      ),
      getPoint: raw.prepare('SELECT * FROM contact_points WHERE id = ?'),
      listPoints: raw.prepare('SELECT * FROM contact_points ORDER BY created_at, id'),
      updatePoint: raw.prepare(
        `UPDATE contact_points SET name = @name, routing_group = @group, mode = @mode,
           credentials = @sealed, credential_names = @credentialNames, status = @status,
           status_error = @statusError, poll_offset = @pollOffset, updated_at = @updatedAt
         WHERE id = @id`,
      ),
      deletePoint: raw.prepare('DELETE FROM contact_points WHERE id = ?'),
      markUpdate: raw.prepare(
        `INSERT INTO channel_updates (contact_point_id, update_key, at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      getChat: raw.prepare(
        'SELECT * FROM channel_chats WHERE contact_point_id = ? AND chat_id = ?',
      ),
      putChat: raw.prepare(
        `INSERT INTO channel_chats (contact_point_id, chat_id, site_id, visitor_id,
           conversation_id, blocked, created_at)
         VALUES (@contactPointId, @chatId, @siteId, @visitorId, @conversationId, @blocked, @createdAt)
         ON CONFLICT (contact_point_id, chat_id) DO UPDATE SET site_id = excluded.site_id,
           visitor_id = excluded.visitor_id, conversation_id = excluded.conversation_id,
           blocked = excluded.blocked`,
      ),
      chatOfConversation: raw.prepare(
        'SELECT * FROM channel_chats WHERE conversation_id = ? LIMIT 1',
      ),
      enqueue: raw.prepare(
        `INSERT INTO channel_outbox (event_id, channel, contact_point_id, chat_id, conversation_id,
           text, next_at, created_at, updated_at)
         VALUES (@eventId, @channel, @contactPointId, @chatId, @conversationId, @text, @nextAt,
           @createdAt, @createdAt)
         ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
      ),
      // A chat's rows go in order: none is due while an older one of its chat waits for a retry.
      due: raw.prepare(
        `SELECT * FROM channel_outbox o WHERE o.state = 'pending' AND o.next_at <= @now
           AND NOT EXISTS (SELECT 1 FROM channel_outbox p WHERE p.state = 'pending'
             AND p.chat_id = o.chat_id AND p.channel = o.channel
             AND p.contact_point_id IS o.contact_point_id AND p.seq < o.seq AND p.next_at > @now)
         ORDER BY o.seq LIMIT @limit`,
      ),
      // When the oldest pending row of some chat (the only one that can go) is next due.
      nextDue: raw.prepare(
        `SELECT MIN(o.next_at) AS at FROM channel_outbox o WHERE o.state = 'pending'
           AND o.next_at > ? AND NOT EXISTS (SELECT 1 FROM channel_outbox p WHERE p.state = 'pending'
             AND p.chat_id = o.chat_id AND p.channel = o.channel
             AND p.contact_point_id IS o.contact_point_id AND p.seq < o.seq)`,
      ),
      recordOutcome: raw.prepare(
        `UPDATE channel_outbox SET state = @state, attempts = @attempts, next_at = @nextAt,
           error = @error, external_id = @externalId, updated_at = @updatedAt WHERE seq = @seq`,
      ),
      byExternal: raw.prepare(
        'SELECT * FROM channel_outbox WHERE contact_point_id = ? AND external_id = ?',
      ),
      setState: raw.prepare(
        'UPDATE channel_outbox SET state = ?, error = ?, updated_at = ? WHERE seq = ?',
      ),
      // Only ids that are whole numbers: CAST would read any other text as 0.
      readUpTo: raw.prepare(
        `UPDATE channel_outbox SET state = 'read', updated_at = @at
         WHERE contact_point_id = @contactPointId AND chat_id = @chatId
           AND state IN ('sent', 'delivered') AND length(external_id) BETWEEN 1 AND 18
           AND external_id NOT GLOB '*[^0-9]*' AND CAST(external_id AS INTEGER) <= @upTo
         RETURNING *`,
      ),
      listOutbox: raw.prepare(
        'SELECT * FROM channel_outbox WHERE conversation_id = ? ORDER BY seq',
      ),
    }
  }

  async createContactPoint(tx: Tx, record: ContactPointRecord) {
    this.db.write(tx)
    this.sql.insertPoint!.run({
      ...record,
      credentialNames: JSON.stringify(record.credentialNames),
    })
  }

  getContactPoint(id: string, tx?: Tx) {
    return this.db.read(() => {
      const row = this.sql.getPoint!.get(id) as ContactPointRow | undefined
      return row && toContactPoint(row)
    }, tx)
  }

  listContactPoints(tx?: Tx) {
    return this.db.read(
      () => (this.sql.listPoints!.all() as ContactPointRow[]).map(toContactPoint),
      tx,
    )
  }

  async updateContactPoint(tx: Tx, id: string, patch: ContactPointPatch) {
    this.db.write(tx)
    const row = this.sql.getPoint!.get(id) as ContactPointRow | undefined
    if (!row) return undefined
    const next: ContactPointRecord = { ...toContactPoint(row), ...patch }
    this.sql.updatePoint!.run({ ...next, credentialNames: JSON.stringify(next.credentialNames) })
    return next
  }

  async deleteContactPoint(tx: Tx, id: string) {
    this.db.write(tx)
    return this.sql.deletePoint!.run(id).changes > 0
  }

  async markUpdate(tx: Tx, contactPointId: string, key: string, at: number) {
    this.db.write(tx)
    return this.sql.markUpdate!.run(contactPointId, key, at).changes > 0
  }

  getChat(contactPointId: string, chatId: string, tx?: Tx) {
    return this.db.read(() => {
      const row = this.sql.getChat!.get(contactPointId, chatId) as ChatRow | undefined
      return row && toChat(row)
    }, tx)
  }

  async putChat(tx: Tx, chat: ChannelChat) {
    this.db.write(tx)
    this.sql.putChat!.run({ ...chat, blocked: chat.blocked ? 1 : 0 })
  }

  chatOfConversation(conversationId: string, tx?: Tx) {
    return this.db.read(() => {
      const row = this.sql.chatOfConversation!.get(conversationId) as ChatRow | undefined
      return row && toChat(row)
    }, tx)
  }

  async enqueue(tx: Tx, row: NewChannelOutboxRow) {
    this.db.write(tx)
    const inserted = this.sql.enqueue!.get(row) as { seq: number } | undefined
    return inserted?.seq ?? null
  }

  due(now: number, limit: number, tx?: Tx) {
    return this.db.read(() => (this.sql.due!.all({ now, limit }) as OutboxRow[]).map(toOutbox), tx)
  }

  nextDue(after: number, tx?: Tx) {
    return this.db.read(() => (this.sql.nextDue!.get(after) as { at: number | null }).at, tx)
  }

  async recordOutcome(tx: Tx, seq: number, outcome: SendOutcome) {
    this.db.write(tx)
    this.sql.recordOutcome!.run({ ...outcome, seq })
  }

  async receipt(
    tx: Tx,
    contactPointId: string,
    externalId: string,
    state: 'delivered' | 'read' | 'failed',
    error: string | null,
    at: number,
  ) {
    this.db.write(tx)
    const row = this.sql.byExternal!.get(contactPointId, externalId) as OutboxRow | undefined
    if (!row) return undefined
    if (RANK[state] <= RANK[row.state]) return toOutbox(row)
    this.sql.setState!.run(state, error, at, row.seq)
    return { ...toOutbox(row), state, error, updatedAt: at }
  }

  async readUpTo(tx: Tx, contactPointId: string, chatId: string, upTo: number, at: number) {
    this.db.write(tx)
    const rows = this.sql.readUpTo!.all({ contactPointId, chatId, upTo, at }) as OutboxRow[]
    return rows.map(toOutbox).sort((a, b) => a.seq - b.seq)
  }

  listOutbox(conversationId: string) {
    return this.db.read(() =>
      (this.sql.listOutbox!.all(conversationId) as OutboxRow[]).map(toOutbox),
    )
  }
}
