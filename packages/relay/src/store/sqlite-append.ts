import type { ConversationEvent, ConversationSummary } from '@parley/protocol'
import type { Database } from 'better-sqlite3'
import { relayError } from '../errors.ts'
import {
  CONVERSATION_SELECT,
  type ConversationRow,
  type EventRow,
  toEvent,
  toSummary,
} from './sqlite-rows.ts'
import { applyVisitorPatch, insertConsent } from './sqlite-visitors.ts'
import type { AppendInput, AppendResult } from './types.ts'

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
  if ('conversationId' in input.target) {
    conversationId = input.target.conversationId
    if (!selectConversation(db, conversationId)) throw relayError('conversation_not_found')
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
    }
  }
  const current = db
    .prepare('SELECT last_seq, operator_id, status FROM conversations WHERE id = ?')
    .get(conversationId) as { last_seq: number; operator_id: string | null; status: string }
  const seq = current.last_seq + 1
  db.prepare(
    `INSERT INTO events (id, conversation_id, seq, kind, author_kind, author_id, author_name,
         author_key, cid, text, at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    input.id,
    conversationId,
    seq,
    input.kind,
    input.author.kind,
    input.author.id ?? null,
    input.author.name ?? null,
    input.authorKey,
    input.cid ?? null,
    input.text,
    input.at,
    input.data ? JSON.stringify(input.data) : null,
  )
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
  return {
    event,
    conversation: selectConversation(db, conversationId)!,
    duplicate: false,
    summaryChanged,
  }
}
