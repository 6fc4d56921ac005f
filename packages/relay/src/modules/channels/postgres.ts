import type { PostgresDatabase } from '../../infra/db/postgres.ts'
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

const INSERT_POINT = `INSERT INTO contact_points (id, kind, site_id, name, routing_group, mode,
    credentials, credential_names, status, status_error, poll_offset, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
const GET_POINT = 'SELECT * FROM contact_points WHERE id = $1'
const LOCK_POINT = 'SELECT * FROM contact_points WHERE id = $1 FOR UPDATE'
// Ids bytewise, as SQLite orders them.
const LIST_POINTS = 'SELECT * FROM contact_points ORDER BY created_at, id COLLATE "C"'
const UPDATE_POINT = `UPDATE contact_points SET name = $2, routing_group = $3, mode = $4,
    credentials = $5, credential_names = $6, status = $7, status_error = $8, poll_offset = $9,
    updated_at = $10
  WHERE id = $1`
const DELETE_POINT = 'DELETE FROM contact_points WHERE id = $1'
const MARK_UPDATE = `INSERT INTO channel_updates (contact_point_id, update_key, at) VALUES ($1, $2, $3)
  ON CONFLICT DO NOTHING`
const GET_CHAT = 'SELECT * FROM channel_chats WHERE contact_point_id = $1 AND chat_id = $2'
const PUT_CHAT = `INSERT INTO channel_chats (contact_point_id, chat_id, site_id, visitor_id,
    conversation_id, blocked, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (contact_point_id, chat_id) DO UPDATE SET site_id = excluded.site_id,
    visitor_id = excluded.visitor_id, conversation_id = excluded.conversation_id,
    blocked = excluded.blocked`
const CHAT_OF_CONVERSATION =
  'SELECT * FROM channel_chats WHERE conversation_id = $1 ORDER BY ord LIMIT 1'
const ENQUEUE = `INSERT INTO channel_outbox (event_id, channel, contact_point_id, chat_id,
    conversation_id, text, next_at, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
  ON CONFLICT (event_id) DO NOTHING RETURNING seq`
// A chat's rows go in order: none is due while an older one of its chat waits for a retry.
const DUE = `SELECT * FROM channel_outbox o WHERE o.state = 'pending' AND o.next_at <= $1
    AND NOT EXISTS (SELECT 1 FROM channel_outbox p WHERE p.state = 'pending'
      AND p.chat_id = o.chat_id AND p.channel = o.channel
      AND p.contact_point_id IS NOT DISTINCT FROM o.contact_point_id AND p.seq < o.seq
      AND p.next_at > $1)
  ORDER BY o.seq LIMIT $2`
// When the oldest pending row of some chat (the only one that can go) is next due.
const NEXT_DUE = `SELECT MIN(o.next_at) AS at FROM channel_outbox o WHERE o.state = 'pending'
    AND o.next_at > $1 AND NOT EXISTS (SELECT 1 FROM channel_outbox p WHERE p.state = 'pending'
      AND p.chat_id = o.chat_id AND p.channel = o.channel
      AND p.contact_point_id IS NOT DISTINCT FROM o.contact_point_id AND p.seq < o.seq)`
const RECORD_OUTCOME = `UPDATE channel_outbox SET state = $2, attempts = $3, next_at = $4,
    error = $5, external_id = $6, updated_at = $7 WHERE seq = $1`
// Locked: two relays taking receipts for one message decide one after the other.
const BY_EXTERNAL = `SELECT * FROM channel_outbox WHERE contact_point_id = $1 AND external_id = $2
  ORDER BY seq LIMIT 1 FOR UPDATE`
const SET_STATE = 'UPDATE channel_outbox SET state = $2, error = $3, updated_at = $4 WHERE seq = $1'
// Only ids that are whole numbers are compared (the CASE keeps the cast from seeing others).
const READ_UP_TO = `UPDATE channel_outbox SET state = 'read', updated_at = $4
  WHERE contact_point_id = $1 AND chat_id = $2 AND state IN ('sent', 'delivered')
    AND CASE WHEN external_id ~ '^[0-9]{1,18}$' THEN external_id::bigint <= $3 ELSE false END
  RETURNING *`
const LIST_OUTBOX = 'SELECT * FROM channel_outbox WHERE conversation_id = $1 ORDER BY seq'

/**
 * `contact_points`, `channel_chats`, `channel_updates`, `channel_outbox`
 * (`migrations/postgres/013_channels.sql`): the SQLite adapter's statements on PostgreSQL.
 */
export class PostgresChannelStore implements ChannelStore {
  constructor(private readonly db: PostgresDatabase) {}

  async createContactPoint(tx: Tx, record: ContactPointRecord) {
    await this.db.run(tx, INSERT_POINT, [
      record.id,
      record.kind,
      record.siteId,
      record.name,
      record.group,
      record.mode,
      record.sealed,
      JSON.stringify(record.credentialNames),
      record.status,
      record.statusError,
      record.pollOffset,
      record.createdAt,
      record.updatedAt,
    ])
  }

  async getContactPoint(id: string, tx?: Tx) {
    const row = await this.db.row<ContactPointRow>(GET_POINT, [id], tx)
    return row && toContactPoint(row)
  }

  async listContactPoints(tx?: Tx) {
    return (await this.db.rows<ContactPointRow>(LIST_POINTS, [], tx)).map(toContactPoint)
  }

  async updateContactPoint(tx: Tx, id: string, patch: ContactPointPatch) {
    const row = await this.db.row<ContactPointRow>(LOCK_POINT, [id], tx)
    if (!row) return undefined
    const next: ContactPointRecord = { ...toContactPoint(row), ...patch }
    await this.db.run(tx, UPDATE_POINT, [
      id,
      next.name,
      next.group,
      next.mode,
      next.sealed,
      JSON.stringify(next.credentialNames),
      next.status,
      next.statusError,
      next.pollOffset,
      next.updatedAt,
    ])
    return next
  }

  async deleteContactPoint(tx: Tx, id: string) {
    return (await this.db.run(tx, DELETE_POINT, [id])) > 0
  }

  async markUpdate(tx: Tx, contactPointId: string, key: string, at: number) {
    return (await this.db.run(tx, MARK_UPDATE, [contactPointId, key, at])) > 0
  }

  async getChat(contactPointId: string, chatId: string, tx?: Tx) {
    const row = await this.db.row<ChatRow>(GET_CHAT, [contactPointId, chatId], tx)
    return row && toChat(row)
  }

  async putChat(tx: Tx, chat: ChannelChat) {
    await this.db.run(tx, PUT_CHAT, [
      chat.contactPointId,
      chat.chatId,
      chat.siteId,
      chat.visitorId,
      chat.conversationId,
      chat.blocked ? 1 : 0,
      chat.createdAt,
    ])
  }

  async chatOfConversation(conversationId: string, tx?: Tx) {
    const row = await this.db.row<ChatRow>(CHAT_OF_CONVERSATION, [conversationId], tx)
    return row && toChat(row)
  }

  async enqueue(tx: Tx, row: NewChannelOutboxRow) {
    const inserted = await this.db.row<{ seq: number }>(
      ENQUEUE,
      [
        row.eventId,
        row.channel,
        row.contactPointId,
        row.chatId,
        row.conversationId,
        row.text,
        row.nextAt,
        row.createdAt,
      ],
      tx,
    )
    return inserted?.seq ?? null
  }

  async due(now: number, limit: number, tx?: Tx) {
    return (await this.db.rows<OutboxRow>(DUE, [now, limit], tx)).map(toOutbox)
  }

  async nextDue(after: number, tx?: Tx) {
    return (await this.db.row<{ at: number | null }>(NEXT_DUE, [after], tx))?.at ?? null
  }

  async recordOutcome(tx: Tx, seq: number, outcome: SendOutcome) {
    await this.db.run(tx, RECORD_OUTCOME, [
      seq,
      outcome.state,
      outcome.attempts,
      outcome.nextAt,
      outcome.error,
      outcome.externalId,
      outcome.updatedAt,
    ])
  }

  async receipt(
    tx: Tx,
    contactPointId: string,
    externalId: string,
    state: 'delivered' | 'read' | 'failed',
    error: string | null,
    at: number,
  ) {
    const row = await this.db.row<OutboxRow>(BY_EXTERNAL, [contactPointId, externalId], tx)
    if (!row) return undefined
    if (RANK[state] <= RANK[row.state]) return toOutbox(row)
    await this.db.run(tx, SET_STATE, [row.seq, state, error, at])
    return { ...toOutbox(row), state, error, updatedAt: at }
  }

  async readUpTo(tx: Tx, contactPointId: string, chatId: string, upTo: number, at: number) {
    const rows = await this.db.rows<OutboxRow>(READ_UP_TO, [contactPointId, chatId, upTo, at], tx)
    return rows.map(toOutbox).sort((a, b) => a.seq - b.seq)
  }

  async listOutbox(conversationId: string) {
    return (await this.db.rows<OutboxRow>(LIST_OUTBOX, [conversationId])).map(toOutbox)
  }
}
