import type { ConversationEvent, ConversationSummary } from '@parley/protocol'
import type { PostgresDatabase, SqlValue } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import { type ConversationRow, type EventRow, toEvent, toSummary } from './rows.ts'
import type {
  AppendInput,
  AppendResult,
  ConversationPageQuery,
  ConversationStore,
  LeadPatch,
  MessagePageQuery,
  PrefaceEvent,
} from './store.ts'

const LAST_TEXT_LENGTH = 200

const INSERT_EVENT = `INSERT INTO events (id, conversation_id, seq, kind, author_kind, author_id,
    author_name, author_key, cid, text, at, data)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  ON CONFLICT (author_key, cid) WHERE cid IS NOT NULL DO NOTHING`

/**
 * An event (parameters $1–$12, as `INSERT_EVENT`) and its conversation's row ($2; the seq
 * $3 and time $11 again; $13–$19 the row's changes), the row only if the event went in.
 */
const APPEND = `WITH e AS (INSERT INTO events (id, conversation_id, seq, kind, author_kind, author_id,
      author_name, author_key, cid, text, at, data)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (author_key, cid) WHERE cid IS NOT NULL DO NOTHING RETURNING 1)
  UPDATE conversations SET last_seq = $3, updated_at = $11,
    last_text = CASE WHEN $13 THEN $14 ELSE last_text END,
    operator_id = COALESCE($15, operator_id),
    operator_name = COALESCE($16, operator_name),
    status = CASE WHEN $17 THEN 'closed' ELSE status END,
    rating = COALESCE($18::integer, rating),
    rating_comment = CASE WHEN $18::integer IS NULL THEN rating_comment ELSE $19 END
  WHERE id = $2 AND EXISTS (SELECT 1 FROM e)`

interface EventMeta {
  authorKey: string
  cid?: string | undefined
  at: number
}

/** `INSERT_EVENT`'s parameters. */
function eventValues(
  conversationId: string,
  seq: number,
  event: PrefaceEvent,
  { authorKey, cid, at }: EventMeta,
): SqlValue[] {
  return [
    event.id,
    conversationId,
    seq,
    event.kind,
    event.author.kind,
    event.author.id ?? null,
    event.author.name ?? null,
    authorKey,
    cid ?? null,
    event.text,
    at,
    event.data ? JSON.stringify(event.data) : null,
  ]
}

/** The event as stored. */
function storedEvent(
  conversationId: string,
  seq: number,
  event: PrefaceEvent,
  at: number,
): ConversationEvent {
  const stored: ConversationEvent = {
    conversationId,
    seq,
    id: event.id,
    kind: event.kind,
    author: event.author,
    text: event.text,
    at,
  }
  if (event.data) stored.data = event.data
  return stored
}

/** A retry of the whole transaction: another relay wrote the same cid at the same moment. */
const raced = () =>
  Object.assign(new Error('a repeated cid raced its first copy'), { code: '40001' })

/**
 * The `conversations`, `events` and `reads` tables on PostgreSQL. Relays sharing the database
 * append to a conversation one at a time: its row is locked (`FOR UPDATE`) before its next
 * `seq` is read, and a visitor's open chat is found or created under an advisory lock of that
 * visitor, so two relays never open two chats for one visitor nor give two events one `seq`.
 */
export class PostgresConversationStore implements ConversationStore {
  constructor(private readonly db: PostgresDatabase) {}

  async page(query: ConversationPageQuery) {
    const rows = await this.db.rows<ConversationRow>(
      `SELECT * FROM conversations
       WHERE (updated_at, id) > ($1, $2)
         AND ($3::bigint IS NULL OR updated_at >= $3)
         AND ($4::text IS NULL OR site_id = $4)
         AND ($5::text IS NULL OR status = $5)
         AND ($6::text[] IS NULL OR kind = ANY($6))
       ORDER BY updated_at, id LIMIT $7`,
      [
        query.after?.at ?? -1,
        query.after?.id ?? '',
        query.updatedSince ?? null,
        query.siteId ?? null,
        query.status ?? null,
        query.kinds ?? null,
        query.limit,
      ],
    )
    return rows.map(toSummary)
  }

  async messagePage(query: MessagePageQuery) {
    const rows = await this.db.rows<EventRow>(
      `SELECT events.* FROM events
       WHERE kind = 'message'
         AND (at, id) > ($1, $2)
         AND ($3::bigint IS NULL OR at >= $3)
         AND ($4::text IS NULL OR conversation_id = $4)
         AND ($5::text IS NULL OR conversation_id IN
               (SELECT id FROM conversations WHERE site_id = $5))
       ORDER BY at, id LIMIT $6`,
      [
        query.after?.at ?? -1,
        query.after?.id ?? '',
        query.since ?? null,
        query.conversationId ?? null,
        query.siteId ?? null,
        query.limit,
      ],
    )
    return rows.map(toEvent)
  }

  async firstForm(conversationId: string) {
    const row = await this.db.row<EventRow>(
      `SELECT * FROM events WHERE conversation_id = $1 AND kind = 'form' ORDER BY seq LIMIT 1`,
      [conversationId],
    )
    return row && toEvent(row)
  }

  async get(id: string, tx?: Tx) {
    return this.conversation(id, tx)
  }

  async listForVisitor(siteId: string, visitorId: string, limit: number) {
    const rows = await this.db.rows<ConversationRow>(
      `SELECT * FROM conversations WHERE site_id = $1 AND visitor_id = $2 AND erased_at IS NULL
       ORDER BY updated_at DESC, id LIMIT $3`,
      [siteId, visitorId, limit],
    )
    return rows.map(toSummary)
  }

  async list(limit: number) {
    // Erased conversations stay for metrics but are no one's to list.
    const rows = await this.db.rows<ConversationRow>(
      'SELECT * FROM conversations WHERE erased_at IS NULL ORDER BY updated_at DESC, id LIMIT $1',
      [limit],
    )
    return rows.map(toSummary)
  }

  async countOpen(siteId: string, visitorId: string, tx?: Tx) {
    const row = await this.db.row<{ total: number; chat: number }>(
      `SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE kind = 'chat') AS chat FROM conversations
       WHERE site_id = $1 AND visitor_id = $2 AND status = 'open'`,
      [siteId, visitorId],
      tx,
    )
    return { total: row!.total, chat: row!.chat }
  }

  findEventByCid(authorKey: string, cid: string, tx?: Tx) {
    return this.eventByCid(authorKey, cid, tx)
  }

  /** As `SqliteConversationStore.append`, under the locks described above. */
  async append(tx: Tx, input: AppendInput): Promise<AppendResult> {
    const { target } = input
    let row: ConversationRow | undefined
    if ('conversationId' in target) {
      row = await this.db.row<ConversationRow>(
        'SELECT * FROM conversations WHERE id = $1 FOR UPDATE',
        [target.conversationId],
        tx,
      )
      if (!row) throw relayError('conversation_not_found')
    } else if ('open' in target) {
      const { siteId, visitorId } = target.open
      await this.db.query(
        'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))',
        [`open:${siteId}:${visitorId}`],
        tx,
      )
      row = await this.db.row<ConversationRow>(
        `SELECT * FROM conversations WHERE site_id = $1 AND visitor_id = $2 AND status = 'open'
           AND kind = 'chat' ORDER BY updated_at DESC LIMIT 1 FOR UPDATE`,
        [siteId, visitorId],
        tx,
      )
    }
    let created = false
    if (!row) {
      if (input.cid !== undefined) {
        const earlier = await this.eventByCid(input.authorKey, input.cid, tx)
        if (earlier) return this.duplicate(earlier, tx)
      }
      row = await this.create(tx, input)
      created = true
    }
    const conversationId = row.id
    const preface: ConversationEvent[] = []
    if (created && input.opening) {
      const { group, channel, preface: events = [] } = input.opening
      if (channel !== undefined) {
        await this.db.run(tx, 'UPDATE conversations SET channel = $1 WHERE id = $2', [
          channel,
          conversationId,
        ])
        row.channel = channel
      }
      if (group !== undefined) {
        await this.db.run(tx, 'UPDATE conversations SET routing_group = $1 WHERE id = $2', [
          group,
          conversationId,
        ])
        row.routing_group = group
      }
      for (const [i, event] of events.entries()) {
        preface.push(
          (await this.insertEvent(tx, conversationId, row.last_seq + i + 1, event, {
            authorKey: 'system',
            at: input.at,
          }))!,
        )
      }
    }
    const seq = row.last_seq + preface.length + 1
    const assign = input.assign && row.operator_id === null ? input.assign : undefined
    const close = input.close === true && row.status !== 'closed'
    const text = input.text.slice(0, LAST_TEXT_LENGTH)
    // The event and the conversation's row in one statement (one round trip): the row is
    // changed only when the event went in, i.e. its cid was not taken.
    const written = await this.db.run(tx, APPEND, [
      ...eventValues(conversationId, seq, input, input),
      input.kind === 'message' || input.kind === 'form',
      text,
      assign?.id ?? null,
      assign?.name ?? null,
      close,
      input.rating?.rating ?? null,
      input.rating?.comment ?? null,
    ])
    if (written === 0) {
      if (created) throw raced()
      return this.duplicate((await this.eventByCid(input.authorKey, input.cid!, tx))!, tx)
    }
    const event = storedEvent(conversationId, seq, input, input.at)
    // The same changes, on the row as read: the summary as it now stands.
    row.last_seq = seq
    row.updated_at = input.at
    if (input.kind === 'message' || input.kind === 'form') row.last_text = text
    if (assign) {
      row.operator_id = assign.id
      row.operator_name = assign.name
    }
    if (close) row.status = 'closed'
    if (input.rating) {
      row.rating = input.rating.rating
      row.rating_comment = input.rating.comment ?? null
    }
    const result: AppendResult = {
      event,
      conversation: toSummary(row),
      duplicate: false,
      created,
      summaryChanged: created || assign !== undefined || close || input.rating !== undefined,
    }
    if (preface.length) result.preface = preface
    return result
  }

  async setLead(
    tx: Tx,
    conversationId: string,
    patch: LeadPatch,
    at: number,
  ): Promise<ConversationSummary | undefined> {
    const row = await this.db.row<ConversationRow>(
      `UPDATE conversations SET
         lead_status = CASE WHEN $2 THEN $3 ELSE lead_status END,
         lead_assignee_id = CASE WHEN $4 THEN $5 ELSE lead_assignee_id END,
         updated_at = $6
       WHERE id = $1 AND kind <> 'chat' RETURNING *`,
      [
        conversationId,
        patch.status !== undefined,
        patch.status ?? null,
        patch.assigneeId !== undefined,
        patch.assigneeId ?? null,
        at,
      ],
      tx,
    )
    return row && toSummary(row)
  }

  async setTags(tx: Tx, conversationId: string, tags: readonly string[], at: number) {
    await this.db.run(tx, 'DELETE FROM conversation_tags WHERE conversation_id = $1', [
      conversationId,
    ])
    if (tags.length === 0) return
    await this.db.run(
      tx,
      `INSERT INTO conversation_tags (conversation_id, tag, at)
       SELECT $1, tag, $3 FROM unnest($2::text[]) AS tag ON CONFLICT DO NOTHING`,
      [conversationId, [...tags], at],
    )
  }

  async tagsOf(ids: readonly string[]): Promise<Map<string, string[]>> {
    const tags = new Map<string, string[]>()
    if (ids.length === 0) return tags
    // Bytewise, as SQLite orders them.
    const rows = await this.db.rows<{ conversation_id: string; tag: string }>(
      `SELECT conversation_id, tag FROM conversation_tags WHERE conversation_id = ANY($1::text[])
       ORDER BY conversation_id COLLATE "C", tag COLLATE "C"`,
      [[...ids]],
    )
    for (const row of rows) {
      const list = tags.get(row.conversation_id) ?? []
      list.push(row.tag)
      tags.set(row.conversation_id, list)
    }
    return tags
  }

  /** Inserts one event; undefined when its cid was already taken by its author. */
  private async insertEvent(
    tx: Tx,
    conversationId: string,
    seq: number,
    event: PrefaceEvent,
    meta: EventMeta,
  ): Promise<ConversationEvent | undefined> {
    const values = eventValues(conversationId, seq, event, meta)
    if ((await this.db.run(tx, INSERT_EVENT, values)) === 0) return undefined
    return storedEvent(conversationId, seq, event, meta.at)
  }

  private async conversation(id: string, tx?: Tx): Promise<ConversationSummary | undefined> {
    const row = await this.db.row<ConversationRow>(
      'SELECT * FROM conversations WHERE id = $1',
      [id],
      tx,
    )
    return row && toSummary(row)
  }

  private async eventByCid(authorKey: string, cid: string, tx?: Tx) {
    const row = await this.db.row<EventRow>(
      'SELECT * FROM events WHERE author_key = $1 AND cid = $2',
      [authorKey, cid],
      tx,
    )
    return row && toEvent(row)
  }

  /** The answer to a repeated cid: the stored event and its conversation; nothing changed. */
  private async duplicate(event: ConversationEvent, tx: Tx): Promise<AppendResult> {
    return {
      event,
      conversation: (await this.conversation(event.conversationId, tx))!,
      duplicate: true,
      created: false,
      summaryChanged: false,
    }
  }

  /** Inserts the conversation a `create` or `open` target needs; returns its row. */
  private async create(tx: Tx, input: AppendInput): Promise<ConversationRow> {
    const { target } = input
    if ('create' in target) {
      const { siteId, visitorId, kind, page, contact } = target.create
      return (await this.db.row<ConversationRow>(
        `INSERT INTO conversations (id, site_id, visitor_id, kind, page, visitor_name,
             visitor_phone, visitor_email, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [
          input.newConversationId,
          siteId,
          visitorId,
          kind,
          page ?? null,
          contact?.name ?? null,
          contact?.phone ?? null,
          contact?.email ?? null,
          input.at,
          input.at,
        ],
        tx,
      ))!
    }
    const { siteId, visitorId, page } = (
      target as { open: { siteId: string; visitorId: string; page?: string } }
    ).open
    return (await this.db.row<ConversationRow>(
      `INSERT INTO conversations (id, site_id, visitor_id, page, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [input.newConversationId, siteId, visitorId, page ?? null, input.at, input.at],
      tx,
    ))!
  }

  async eventsAfter(conversationId: string, afterSeq: number, limit: number) {
    const rows = await this.db.rows<EventRow>(
      'SELECT * FROM events WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [conversationId, afterSeq, limit],
    )
    return rows.map(toEvent)
  }

  async latestEvents(conversationId: string, limit: number) {
    const rows = await this.db.rows<EventRow>(
      'SELECT * FROM events WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2',
      [conversationId, limit],
    )
    return rows.reverse().map(toEvent)
  }

  async hasRead(readerKey: string, eventId: string, tx?: Tx): Promise<boolean> {
    const row = await this.db.row<{ one: number }>(
      `SELECT 1 AS one FROM events e JOIN reads r ON r.conversation_id = e.conversation_id
         WHERE e.id = $1 AND r.reader_key = $2 AND r.seq >= e.seq`,
      [eventId, readerKey],
      tx,
    )
    return row !== undefined
  }

  async markRead(tx: Tx, conversationId: string, readerKey: string, seq: number, at: number) {
    const row = await this.db.row<{ seq: number }>(
      `INSERT INTO reads (conversation_id, reader_key, seq, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_id, reader_key) DO UPDATE SET
           seq = GREATEST(reads.seq, excluded.seq), at = excluded.at
         RETURNING seq`,
      [conversationId, readerKey, seq, at],
      tx,
    )
    return row!.seq
  }
}
