import type { ConversationEvent, ConversationKind, ConversationSummary } from '@parley/protocol'
import type { Database } from 'better-sqlite3'
import { relayError } from '../infra/errors.ts'
import {
  CONVERSATION_SELECT,
  type ConversationRow,
  type EventRow,
  toEvent,
  toSummary,
} from './sqlite-rows.ts'
import { applyVisitorPatch, insertConsent } from './sqlite-visitors.ts'
import type { AppendInput, AppendResult, ConversationOpening, PrefaceEvent } from './types.ts'

/** Conversation and event writes of the SQLite store (see `Store.appendEvent`). */

const LAST_TEXT_LENGTH = 200

export function selectConversation(db: Database, id: string): ConversationSummary | undefined {
  const row = db.prepare(`${CONVERSATION_SELECT} WHERE c.id = ?`).get(id) as
    | ConversationRow
    | undefined
  return row && toSummary(row)
}

export function selectEventByCid(
  db: Database,
  authorKey: string,
  cid: string,
): ConversationEvent | undefined {
  const row = db
    .prepare('SELECT * FROM events WHERE author_key = ? AND cid = ?')
    .get(authorKey, cid) as EventRow | undefined
  return row && toEvent(row)
}

/** The body of `appendEvent`; the caller runs it inside a transaction. */
export function appendInTransaction(db: Database, input: AppendInput): AppendResult {
  if (input.cid !== undefined) {
    const existing = selectEventByCid(db, input.authorKey, input.cid)
    if (existing) {
      const conversation = selectConversation(db, existing.conversationId)!
      return { event: existing, conversation, duplicate: true, summaryChanged: false }
    }
  }
  let conversationId: string
  let summaryChanged = false
  /** The conversation this append created, if it did. */
  let created: Created | undefined
  if ('conversationId' in input.target) {
    conversationId = input.target.conversationId
  } else if ('create' in input.target) {
    const { siteId, visitorId, kind, page, contact } = input.target.create
    conversationId = input.newConversationId
    db.prepare(
      `INSERT INTO conversations (id, site_id, visitor_id, kind, page, visitor_name,
           visitor_phone, visitor_email, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      conversationId,
      siteId,
      visitorId,
      kind,
      page ?? null,
      contact?.name ?? null,
      contact?.phone ?? null,
      contact?.email ?? null,
      input.at,
      input.at,
    )
    summaryChanged = true
    created = { kind, siteId, visitorId }
  } else {
    const { siteId, visitorId, page } = input.target.open
    const open = db
      .prepare(
        `SELECT id FROM conversations WHERE site_id = ? AND visitor_id = ? AND status = 'open'
         ORDER BY updated_at DESC LIMIT 1`,
      )
      .get(siteId, visitorId) as { id: string } | undefined
    if (open) {
      conversationId = open.id
    } else {
      conversationId = input.newConversationId
      db.prepare(
        `INSERT INTO conversations (id, site_id, visitor_id, page, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(conversationId, siteId, visitorId, page ?? null, input.at, input.at)
      summaryChanged = true
      created = { kind: 'chat', siteId, visitorId }
    }
  }
  const current = db
    .prepare('SELECT last_seq, operator_id, status FROM conversations WHERE id = ?')
    .get(conversationId) as
    | { last_seq: number; operator_id: string | null; status: string }
    | undefined
  // Only a `conversationId` target can name a conversation that does not exist.
  if (!current) throw relayError('conversation_not_found')
  const preface =
    created && input.opening
      ? applyOpening(db, conversationId, created, input.at, input.opening, current.last_seq)
      : undefined
  const seq = current.last_seq + (preface?.length ?? 0) + 1
  insertEvent(db, conversationId, seq, input, input)
  const assign = input.assign && current.operator_id === null ? input.assign : undefined
  const close = input.close === true && current.status !== 'closed'
  db.prepare(
    `UPDATE conversations SET last_seq = @seq, updated_at = @at,
         last_text = CASE WHEN @kind IN ('message', 'form') THEN @text ELSE last_text END,
         operator_id = COALESCE(@operatorId, operator_id),
         operator_name = COALESCE(@operatorName, operator_name),
         status = CASE WHEN @close THEN 'closed' ELSE status END,
         rating = COALESCE(@rating, rating),
         rating_comment = CASE WHEN @rating IS NULL THEN rating_comment ELSE @ratingComment END
       WHERE id = @id`,
  ).run({
    seq,
    at: input.at,
    kind: input.kind,
    text: input.text.slice(0, LAST_TEXT_LENGTH),
    operatorId: assign?.id ?? null,
    operatorName: assign?.name ?? null,
    close: close ? 1 : 0,
    rating: input.rating?.rating ?? null,
    ratingComment: input.rating?.comment ?? null,
    id: conversationId,
  })
  if (assign || close || input.rating) summaryChanged = true
  if (input.profile) {
    applyVisitorPatch(db, input.profile, input.at)
    summaryChanged = true
  }
  if (input.consent) insertConsent(db, { ...input.consent, eventId: input.id })
  const event: ConversationEvent = {
    conversationId,
    seq,
    id: input.id,
    kind: input.kind,
    author: input.author,
    text: input.text,
    at: input.at,
  }
  if (input.data) event.data = input.data
  const result: AppendResult = {
    event,
    conversation: selectConversation(db, conversationId)!,
    duplicate: false,
    summaryChanged,
  }
  if (preface?.length) result.preface = preface
  return result
}

interface Created {
  kind: ConversationKind
  siteId: string
  visitorId: string
}

function insertEvent(
  db: Database,
  conversationId: string,
  seq: number,
  event: PrefaceEvent,
  { authorKey, cid, at }: { authorKey: string; cid?: string | undefined; at: number },
): void {
  db.prepare(
    `INSERT INTO events (id, conversation_id, seq, kind, author_kind, author_id, author_name,
         author_key, cid, text, at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
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
}

/**
 * A new conversation's routing group, preface events (seq after `lastSeq`) and conversion
 * (the `engagements` row of `003_scenarios.sql`); returns the preface events as stored.
 */
function applyOpening(
  db: Database,
  conversationId: string,
  { kind, siteId, visitorId }: Created,
  at: number,
  opening: ConversationOpening,
  lastSeq: number,
): ConversationEvent[] {
  if (opening.group !== undefined) {
    db.prepare('UPDATE conversations SET routing_group = ? WHERE id = ?').run(
      opening.group,
      conversationId,
    )
  }
  const preface = (opening.preface ?? []).map((event, i) => {
    insertEvent(db, conversationId, lastSeq + i + 1, event, { authorKey: 'system', at })
    const stored: ConversationEvent = {
      conversationId,
      seq: lastSeq + i + 1,
      id: event.id,
      kind: event.kind,
      author: event.author,
      text: event.text,
      at,
    }
    if (event.data) stored.data = event.data
    return stored
  })
  if (opening.conversion) {
    db.prepare(
      `INSERT INTO engagements (id, site_id, visitor_id, scenario_id, event, page, at, kind,
         conversation_id)
       VALUES (?, ?, ?, ?, 'conversion', ?, ?, ?, ?)`,
    ).run(
      opening.conversion.id,
      siteId,
      visitorId,
      opening.conversion.scenarioId,
      opening.conversion.page ?? null,
      at,
      kind,
      conversationId,
    )
  }
  return preface
}
