import type { ConversationEvent, ConversationSummary } from '@parley/protocol'
import type { Statement } from 'better-sqlite3'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type Statements, statements } from '../../infra/db/statements.ts'
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
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

function insertEvent(
  sql: Statements,
  conversationId: string,
  seq: number,
  event: PrefaceEvent,
  { authorKey, cid, at }: { authorKey: string; cid?: string | undefined; at: number },
): ConversationEvent {
  sql(INSERT_EVENT).run(
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
  )
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

/** Whether `error` is the unique `(author_key, cid)` index refusing a repeated cid. */
function isRepeatedCid(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string }
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && message?.includes('events.cid') === true
}

/** The `conversations`, `events` and `reads` tables (`001_init.sql`, `002_forms.sql`). */
export class SqliteConversationStore implements ConversationStore {
  private readonly sql: Statements
  /** The integration pages' statements, prepared once on first use. */
  private pages?: { conversations: Statement; messages: Statement; firstForm: Statement }

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
  }

  private pageStatements() {
    this.pages ??= {
      // One statement for every filter combination: an absent filter is NULL. `kinds` is a
      // JSON array (json_each), so the list of kinds needs no statement of its own. The key
      // bound is a plain row-value term (from (-1, '') without a cursor), so SQLite seeks the
      // index to it instead of scanning from the start: every page costs the same.
      conversations: this.db.raw.prepare(
        `SELECT * FROM conversations
         WHERE (updated_at, id) > (@afterAt, @afterId)
           AND (@since IS NULL OR updated_at >= @since)
           AND (@siteId IS NULL OR site_id = @siteId)
           AND (@status IS NULL OR status = @status)
           AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
         ORDER BY updated_at, id LIMIT @limit`,
      ),
      messages: this.db.raw.prepare(
        `SELECT events.* FROM events
         WHERE kind = 'message'
           AND (at, id) > (@afterAt, @afterId)
           AND (@since IS NULL OR at >= @since)
           AND (@conversationId IS NULL OR conversation_id = @conversationId)
           AND (@siteId IS NULL OR conversation_id IN
                 (SELECT id FROM conversations WHERE site_id = @siteId))
         ORDER BY at, id LIMIT @limit`,
      ),
      firstForm: this.db.raw.prepare(
        `SELECT * FROM events WHERE conversation_id = ? AND kind = 'form' ORDER BY seq LIMIT 1`,
      ),
    }
    return this.pages
  }

  page(query: ConversationPageQuery) {
    const { conversations } = this.pageStatements()
    return this.db.read(() =>
      (
        conversations.all({
          afterAt: query.after?.at ?? -1,
          afterId: query.after?.id ?? '',
          since: query.updatedSince ?? null,
          siteId: query.siteId ?? null,
          status: query.status ?? null,
          kinds: query.kinds ? JSON.stringify(query.kinds) : null,
          limit: query.limit,
        }) as ConversationRow[]
      ).map(toSummary),
    )
  }

  messagePage(query: MessagePageQuery) {
    const { messages } = this.pageStatements()
    return this.db.read(() =>
      (
        messages.all({
          afterAt: query.after?.at ?? -1,
          afterId: query.after?.id ?? '',
          since: query.since ?? null,
          conversationId: query.conversationId ?? null,
          siteId: query.siteId ?? null,
          limit: query.limit,
        }) as EventRow[]
      ).map(toEvent),
    )
  }

  firstForm(conversationId: string) {
    const { firstForm } = this.pageStatements()
    return this.db.read(() => {
      const row = firstForm.get(conversationId) as EventRow | undefined
      return row && toEvent(row)
    })
  }

  get(id: string, tx?: Tx) {
    return this.db.read(() => this.conversation(id), tx)
  }

  listForVisitor(siteId: string, visitorId: string, limit: number, tx?: Tx) {
    return this.db.read(
      () =>
        (
          this.sql(`SELECT * FROM conversations WHERE site_id = ? AND visitor_id = ?
               AND erased_at IS NULL
             ORDER BY updated_at DESC, id LIMIT ?`).all(
            siteId,
            visitorId,
            limit,
          ) as ConversationRow[]
        ).map(toSummary),
      tx,
    )
  }

  list(limit: number) {
    return this.db.read(() =>
      // Erased conversations stay for metrics but are no one's to list.
      (
        this.sql(
          'SELECT * FROM conversations WHERE erased_at IS NULL ORDER BY updated_at DESC, id LIMIT ?',
        ).all(limit) as ConversationRow[]
      ).map(toSummary),
    )
  }

  countOpen(siteId: string, visitorId: string, tx?: Tx) {
    return this.db.read(() => {
      const row =
        this.sql(`SELECT COUNT(*) AS total, COALESCE(SUM(kind = 'chat'), 0) AS chat FROM conversations
           WHERE site_id = ? AND visitor_id = ? AND status = 'open'`).get(siteId, visitorId) as {
          total: number
          chat: number
        }
      return { total: row.total, chat: row.chat }
    }, tx)
  }

  findEventByCid(authorKey: string, cid: string, tx?: Tx) {
    return this.db.read(() => this.eventByCid(authorKey, cid), tx)
  }

  /**
   * Reads the conversation row once, writes the event and the row, and builds the summary
   * from what it wrote. A repeated cid is caught by the unique `(author_key, cid)` index
   * (no lookup first), except before creating a conversation, which a retry must not repeat.
   */
  async append(tx: Tx, input: AppendInput): Promise<AppendResult> {
    const sql = this.sql
    const { target } = input
    let row: ConversationRow | undefined
    if ('conversationId' in target) {
      row = sql('SELECT * FROM conversations WHERE id = ?', tx).get(target.conversationId) as
        | ConversationRow
        | undefined
      // Only a `conversationId` target can name a conversation that does not exist.
      if (!row) throw relayError('conversation_not_found')
    } else if ('open' in target) {
      row = sql(
        `SELECT * FROM conversations WHERE site_id = ? AND visitor_id = ? AND status = 'open'
           AND kind = 'chat' ORDER BY updated_at DESC LIMIT 1`,
        tx,
      ).get(target.open.siteId, target.open.visitorId) as ConversationRow | undefined
    }
    let created = false
    if (!row) {
      if (input.cid !== undefined) {
        const earlier = this.eventByCid(input.authorKey, input.cid)
        if (earlier) return this.duplicate(earlier)
      }
      row = this.create(tx, input)
      created = true
    }
    const conversationId = row.id
    let preface: ConversationEvent[] = []
    if (created && input.opening) {
      const { group, channel, preface: events = [] } = input.opening
      if (channel !== undefined) {
        sql('UPDATE conversations SET channel = ? WHERE id = ?', tx).run(channel, conversationId)
        row.channel = channel
      }
      if (group !== undefined) {
        sql('UPDATE conversations SET routing_group = ? WHERE id = ?', tx).run(
          group,
          conversationId,
        )
        row.routing_group = group
      }
      preface = events.map((event, i) =>
        insertEvent(sql, conversationId, row.last_seq + i + 1, event, {
          authorKey: 'system',
          at: input.at,
        }),
      )
    }
    const seq = row.last_seq + preface.length + 1
    let event: ConversationEvent
    try {
      event = insertEvent(sql, conversationId, seq, input, input)
    } catch (error) {
      // Nothing is written yet when the conversation existed (a created one was checked).
      if (created || !isRepeatedCid(error) || input.cid === undefined) throw error
      return this.duplicate(this.eventByCid(input.authorKey, input.cid)!)
    }
    const assign = input.assign && row.operator_id === null ? input.assign : undefined
    const close = input.close === true && row.status !== 'closed'
    const text = input.text.slice(0, LAST_TEXT_LENGTH)
    sql(
      `UPDATE conversations SET last_seq = @seq, updated_at = @at,
           last_text = CASE WHEN @kind IN ('message', 'form') THEN @text ELSE last_text END,
           operator_id = COALESCE(@operatorId, operator_id),
           operator_name = COALESCE(@operatorName, operator_name),
           status = CASE WHEN @close THEN 'closed' ELSE status END,
           rating = COALESCE(@rating, rating),
           rating_comment = CASE WHEN @rating IS NULL THEN rating_comment ELSE @ratingComment END
         WHERE id = @id`,
      tx,
    ).run({
      seq,
      at: input.at,
      kind: input.kind,
      text,
      operatorId: assign?.id ?? null,
      operatorName: assign?.name ?? null,
      close: close ? 1 : 0,
      rating: input.rating?.rating ?? null,
      ratingComment: input.rating?.comment ?? null,
      id: conversationId,
    })
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
    const row = this.sql(
      `UPDATE conversations SET
         lead_status = CASE WHEN @setStatus THEN @status ELSE lead_status END,
         lead_assignee_id = CASE WHEN @setAssignee THEN @assignee ELSE lead_assignee_id END,
         updated_at = @at
       WHERE id = @id AND kind <> 'chat' RETURNING *`,
      tx,
    ).get({
      id: conversationId,
      setStatus: patch.status === undefined ? 0 : 1,
      status: patch.status ?? null,
      setAssignee: patch.assigneeId === undefined ? 0 : 1,
      assignee: patch.assigneeId ?? null,
      at,
    }) as ConversationRow | undefined
    return row && toSummary(row)
  }

  async setTags(tx: Tx, conversationId: string, tags: readonly string[], at: number) {
    this.sql('DELETE FROM conversation_tags WHERE conversation_id = ?', tx).run(conversationId)
    const insert = this.sql(
      'INSERT OR IGNORE INTO conversation_tags (conversation_id, tag, at) VALUES (?, ?, ?)',
      tx,
    )
    for (const tag of tags) insert.run(conversationId, tag, at)
  }

  tagsOf(ids: readonly string[]): Promise<Map<string, string[]>> {
    const tags = new Map<string, string[]>()
    if (ids.length === 0) return Promise.resolve(tags)
    return this.db.read(() => {
      const rows = this.sql(
        `SELECT conversation_id, tag FROM conversation_tags
         WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY conversation_id, tag`,
      ).all(JSON.stringify(ids)) as { conversation_id: string; tag: string }[]
      for (const row of rows) {
        const list = tags.get(row.conversation_id) ?? []
        list.push(row.tag)
        tags.set(row.conversation_id, list)
      }
      return tags
    })
  }

  private conversation(id: string): ConversationSummary | undefined {
    const row = this.sql('SELECT * FROM conversations WHERE id = ?').get(id) as
      | ConversationRow
      | undefined
    return row && toSummary(row)
  }

  private eventByCid(authorKey: string, cid: string): ConversationEvent | undefined {
    const row = this.sql('SELECT * FROM events WHERE author_key = ? AND cid = ?').get(
      authorKey,
      cid,
    ) as EventRow | undefined
    return row && toEvent(row)
  }

  /** The answer to a repeated cid: the stored event and its conversation; nothing changed. */
  private duplicate(event: ConversationEvent): AppendResult {
    return {
      event,
      conversation: this.conversation(event.conversationId)!,
      duplicate: true,
      created: false,
      summaryChanged: false,
    }
  }

  /** Inserts the conversation a `create` or `open` target needs; returns its row. */
  private create(tx: Tx, input: AppendInput): ConversationRow {
    const { target } = input
    if ('create' in target) {
      const { siteId, visitorId, kind, page, contact } = target.create
      return this.sql(
        `INSERT INTO conversations (id, site_id, visitor_id, kind, page, visitor_name,
             visitor_phone, visitor_email, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        tx,
      ).get(
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
      ) as ConversationRow
    }
    const { siteId, visitorId, page } = (
      target as { open: { siteId: string; visitorId: string; page?: string } }
    ).open
    return this.sql(
      `INSERT INTO conversations (id, site_id, visitor_id, page, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
      tx,
    ).get(
      input.newConversationId,
      siteId,
      visitorId,
      page ?? null,
      input.at,
      input.at,
    ) as ConversationRow
  }

  eventsAfter(conversationId: string, afterSeq: number, limit: number, tx?: Tx) {
    return this.db.read(
      () =>
        (
          this.sql(
            'SELECT * FROM events WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?',
          ).all(conversationId, afterSeq, limit) as EventRow[]
        ).map(toEvent),
      tx,
    )
  }

  latestEvents(conversationId: string, limit: number) {
    return this.db.read(() =>
      (
        this.sql('SELECT * FROM events WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?').all(
          conversationId,
          limit,
        ) as EventRow[]
      )
        .reverse()
        .map(toEvent),
    )
  }

  async hasRead(readerKey: string, eventId: string, tx?: Tx): Promise<boolean> {
    const row = this.sql(
      `SELECT 1 FROM events e JOIN reads r ON r.conversation_id = e.conversation_id
         WHERE e.id = ? AND r.reader_key = ? AND r.seq >= e.seq`,
      tx,
    ).get(eventId, readerKey)
    return row !== undefined
  }

  async markRead(tx: Tx, conversationId: string, readerKey: string, seq: number, at: number) {
    const row = this.sql(
      `INSERT INTO reads (conversation_id, reader_key, seq, at) VALUES (?, ?, ?, ?)
         ON CONFLICT(conversation_id, reader_key) DO UPDATE SET
           seq = MAX(reads.seq, excluded.seq), at = excluded.at
         RETURNING seq`,
      tx,
    ).get(conversationId, readerKey, seq, at) as { seq: number }
    return row.seq
  }
}
