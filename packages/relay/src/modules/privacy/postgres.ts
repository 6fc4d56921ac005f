import type { Retention, Subject } from '@parley/protocol'
import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { withBytesAsBase64 } from './export-shape.ts'
import {
  type AuditRow,
  type ConsentRow,
  type RetentionRow,
  toAudit,
  toConsent,
  toRetention,
} from './rows.ts'
import { SUBJECT_TABLES } from './sqlite.ts'
import type {
  ConsentFilter,
  ErasureCounts,
  NewAuditEntry,
  PageAfter,
  PrivacyStore,
  SubjectRows,
} from './store.ts'

/** `SUBJECT_TABLES` with positional parameters: $1 site, $2 visitor (frame_acks: $1 key). */
const WHERE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SUBJECT_TABLES).map(([table, where]) => [
    table,
    where === 'author_key = @key'
      ? 'author_key = $1'
      : where.replaceAll('@site', '$1').replaceAll('@visitor', '$2').replaceAll('@key', '$3'),
  ]),
)

/** The values of `WHERE[table]`'s parameters. */
function whereValues(table: string, siteId: string, visitorId: string): string[] {
  const key = `visitor:${siteId}:${visitorId}`
  const where = WHERE[table]!
  if (!where.includes('$2')) return [key]
  return where.includes('$3') ? [siteId, visitorId, key] : [siteId, visitorId]
}

/** The order each table's rows are exported in (SQLite exports by rowid). */
const EXPORT_ORDER: Readonly<Record<string, string>> = {
  visitors: 'site_id, id',
  consents: 'ord',
  conversations: 'created_at, id',
  events: 'conversation_id, seq',
  reads: 'conversation_id, reader_key',
  routing_log: 'id',
  analytics_chats: 'created_at, conversation_id',
  visitor_pages: 'id',
  conversation_tags: 'conversation_id, tag',
  engagements: 'ord',
  frame_acks: 'author_key, cid',
  visitor_token_revocations: 'site_id, visitor_id',
  webhook_outbox: 'seq',
  channel_chats: 'ord',
  channel_outbox: 'seq',
  attachments: 'created_at, id',
}

const CONSENT_COLUMNS = `c.id, c.site_id, c.visitor_id, c.agreement_version, c.form, c.ip, c.at,
  c.event_id, c.withdrawn_at, c.withdrawn_by, c.erased`

const CONSENTS = `SELECT ${CONSENT_COLUMNS} FROM consents c
  WHERE ($1::text IS NULL OR c.site_id = $1)
    AND ($2::text IS NULL OR c.visitor_id = $2)
    AND ($3::bigint IS NULL OR c.at >= $3)
    AND ($4::bigint IS NULL OR c.at < $4)
    AND (($5::text IS NULL AND $6::text IS NULL)
      OR EXISTS (SELECT 1 FROM visitors v WHERE v.site_id = c.site_id AND v.id = c.visitor_id
        AND (lower(v.email) = $5 OR replace(v.phone, '+', '') = $6))
      OR EXISTS (SELECT 1 FROM conversations k WHERE k.site_id = c.site_id
        AND k.visitor_id = c.visitor_id
        AND (lower(k.visitor_email) = $5 OR replace(k.visitor_phone, '+', '') = $6)))
    AND ($7::bigint IS NULL OR c.at < $7 OR (c.at = $7 AND c.id < $8))
  ORDER BY c.at DESC, c.id DESC LIMIT $9`

const SUBJECTS = `WITH hits(site_id, visitor_id) AS (
    SELECT site_id, id FROM visitors
      WHERE id = $1 OR lower(email) = $2 OR replace(phone, '+', '') = $3
    UNION SELECT site_id, visitor_id FROM conversations WHERE erased_at IS NULL
      AND (visitor_id = $1 OR lower(visitor_email) = $2
        OR replace(visitor_phone, '+', '') = $3)
    UNION SELECT site_id, visitor_id FROM consents WHERE visitor_id = $1
  )
  SELECT h.site_id, h.visitor_id,
    COALESCE(v.name, (SELECT visitor_name FROM conversations k WHERE k.site_id = h.site_id
      AND k.visitor_id = h.visitor_id AND k.visitor_name IS NOT NULL
      ORDER BY k.updated_at DESC LIMIT 1)) AS name,
    COALESCE(v.email, (SELECT visitor_email FROM conversations k WHERE k.site_id = h.site_id
      AND k.visitor_id = h.visitor_id AND k.visitor_email IS NOT NULL
      ORDER BY k.updated_at DESC LIMIT 1)) AS email,
    COALESCE(v.phone, (SELECT visitor_phone FROM conversations k WHERE k.site_id = h.site_id
      AND k.visitor_id = h.visitor_id AND k.visitor_phone IS NOT NULL
      ORDER BY k.updated_at DESC LIMIT 1)) AS phone,
    v.created_at AS profile_created, v.updated_at AS profile_updated,
    (SELECT MIN(created_at) FROM conversations k WHERE k.site_id = h.site_id
      AND k.visitor_id = h.visitor_id AND k.erased_at IS NULL) AS first_conversation,
    (SELECT MAX(updated_at) FROM conversations k WHERE k.site_id = h.site_id
      AND k.visitor_id = h.visitor_id AND k.erased_at IS NULL) AS last_conversation,
    (SELECT MIN(at) FROM consents n WHERE n.site_id = h.site_id
      AND n.visitor_id = h.visitor_id) AS first_consent,
    (SELECT COUNT(*) FROM conversations k WHERE k.site_id = h.site_id
      AND k.visitor_id = h.visitor_id AND k.erased_at IS NULL) AS conversations,
    (SELECT COUNT(*) FROM consents n WHERE n.site_id = h.site_id
      AND n.visitor_id = h.visitor_id) AS consents
  FROM hits h LEFT JOIN visitors v ON v.site_id = h.site_id AND v.id = h.visitor_id
  ORDER BY h.site_id, h.visitor_id LIMIT 100`

interface SubjectRow {
  site_id: string
  visitor_id: string
  name: string | null
  email: string | null
  phone: string | null
  profile_created: number | null
  profile_updated: number | null
  first_conversation: number | null
  last_conversation: number | null
  first_consent: number | null
  conversations: number
  consents: number
}

const earliest = (...times: (number | null)[]) => {
  const known = times.filter((t): t is number => t !== null)
  return known.length ? Math.min(...known) : null
}
const latest = (...times: (number | null)[]) => {
  const known = times.filter((t): t is number => t !== null)
  return known.length ? Math.max(...known) : null
}

/** The privacy tables on PostgreSQL, and erasure and export over every table. */
export class PostgresPrivacyStore implements PrivacyStore {
  constructor(private readonly db: PostgresDatabase) {}

  async recordAgreement(tx: Tx, siteId: string, version: string, text: string, at: number) {
    await this.db.run(
      tx,
      `INSERT INTO agreement_texts (site_id, version, text, first_seen_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (site_id, version) DO NOTHING`,
      [siteId, version, text, at],
    )
  }

  async getAgreement(siteId: string, version: string) {
    const row = await this.db.row<{ text: string; first_seen_at: number }>(
      'SELECT text, first_seen_at FROM agreement_texts WHERE site_id = $1 AND version = $2',
      [siteId, version],
    )
    return row && { text: row.text, firstSeenAt: row.first_seen_at }
  }

  async listConsents(filter: ConsentFilter, limit: number, after?: PageAfter) {
    const rows = await this.db.rows<ConsentRow>(CONSENTS, [
      filter.siteId ?? null,
      filter.visitorId ?? null,
      filter.from ?? null,
      filter.to ?? null,
      filter.email ?? null,
      filter.phoneDigits ?? null,
      after?.at ?? null,
      after?.id ?? null,
      limit,
    ])
    return rows.map(toConsent)
  }

  async getConsent(id: string, tx?: Tx) {
    const row = await this.db.row<ConsentRow>(
      `SELECT ${CONSENT_COLUMNS} FROM consents c WHERE c.id = $1`,
      [id],
      tx,
    )
    return row && toConsent(row)
  }

  async withdrawConsent(tx: Tx, id: string, by: 'visitor' | 'admin', at: number) {
    await this.db.run(
      tx,
      `UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2
       WHERE id = $3 AND withdrawn_at IS NULL`,
      [at, by, id],
    )
    return this.getConsent(id, tx)
  }

  withdrawAll(tx: Tx, siteId: string, visitorId: string, by: 'visitor' | 'admin', at: number) {
    return this.db.run(
      tx,
      `UPDATE consents SET withdrawn_at = $3, withdrawn_by = $4
       WHERE ${WHERE.consents} AND withdrawn_at IS NULL`,
      [siteId, visitorId, at, by],
    )
  }

  async findSubjects(query: { visitorId?: string; email?: string; phoneDigits?: string }) {
    const rows = await this.db.rows<SubjectRow>(SUBJECTS, [
      query.visitorId ?? null,
      query.email ?? null,
      query.phoneDigits ?? null,
    ])
    return rows.map(
      (row): Subject => ({
        visitorId: row.visitor_id,
        siteId: row.site_id,
        name: row.name,
        email: row.email,
        phone: row.phone,
        firstSeenAt: earliest(row.profile_created, row.first_conversation, row.first_consent),
        lastSeenAt: latest(row.profile_updated, row.last_conversation),
        conversations: row.conversations,
        consents: row.consents,
      }),
    )
  }

  async subjectRows(siteId: string, visitorId: string, tx?: Tx) {
    const rows: SubjectRows = {}
    for (const table of Object.keys(SUBJECT_TABLES)) {
      const where = WHERE[table]!
      const found = await this.db.rows<Record<string, unknown>>(
        `SELECT * FROM ${table} WHERE ${where} ORDER BY ${EXPORT_ORDER[table] ?? '1'}`,
        whereValues(table, siteId, visitorId),
        tx,
      )
      // `ord` only keeps insertion order; it is not the visitor's data.
      for (const row of found) delete row.ord
      if (found.length > 0) rows[table] = found.map(withBytesAsBase64)
    }
    return rows
  }

  async eraseSubject(tx: Tx, siteId: string, visitorId: string, at: number, marker: string) {
    const key = `visitor:${siteId}:${visitorId}`
    const ids = (
      await this.db.rows<{ id: string }>(
        `SELECT id FROM conversations WHERE ${WHERE.conversations} AND erased_at IS NULL`,
        [siteId, visitorId],
        tx,
      )
    ).map((r) => r.id)
    // Undelivered and delivered payloads about them go first, while their conversations
    // still name them; a webhook about an erased visitor is never sent.
    const webhooks = await this.db.run(
      tx,
      `DELETE FROM webhook_outbox WHERE ${WHERE.webhook_outbox}`,
      [siteId, visitorId, key],
    )
    // Nothing more goes to their messenger chat, and the chat no longer names them.
    const outbox = await this.db.run(
      tx,
      `DELETE FROM channel_outbox WHERE ${WHERE.channel_outbox}`,
      [siteId, visitorId],
    )
    const chats = await this.db.run(tx, `DELETE FROM channel_chats WHERE ${WHERE.channel_chats}`, [
      siteId,
      visitorId,
    ])
    const counts = await this.eraseConversations(tx, ids, at, marker)
    counts.webhook_outbox = webhooks
    counts.channel_outbox = outbox
    counts.channel_chats = chats
    counts.visitors = await this.db.run(tx, `DELETE FROM visitors WHERE ${WHERE.visitors}`, [
      siteId,
      visitorId,
    ])
    counts.visitor_pages = await this.db.run(
      tx,
      `DELETE FROM visitor_pages WHERE ${WHERE.visitor_pages}`,
      [siteId, visitorId],
    )
    counts.engagements = await this.db.run(
      tx,
      `UPDATE engagements SET visitor_id = NULL, page = NULL, session = NULL, author_key = NULL,
         cid = NULL WHERE ${WHERE.engagements}`,
      [siteId, visitorId],
    )
    counts.frame_acks = await this.db.run(tx, 'DELETE FROM frame_acks WHERE author_key = $1', [key])
    counts.consents = await this.db.run(
      tx,
      `UPDATE consents SET ip = NULL, erased = 1 WHERE ${WHERE.consents}`,
      [siteId, visitorId],
    )
    await this.revokeTokens(tx, siteId, visitorId, at)
    return counts
  }

  async eraseConversations(tx: Tx, ids: readonly string[], at: number, marker: string) {
    const counts: ErasureCounts = { conversations: 0, events: 0, routing_log: 0 }
    if (ids.length === 0) return counts
    counts.events = await this.db.run(
      tx,
      `UPDATE events SET
         text = CASE WHEN text = '' THEN '' ELSE $2 END,
         data = CASE WHEN author_kind = 'visitor' OR kind = 'form' THEN NULL ELSE data END,
         author_name = CASE WHEN author_kind = 'visitor' THEN NULL ELSE author_name END
       WHERE conversation_id = ANY($1)`,
      [ids, marker],
    )
    counts.routing_log = await this.db.run(
      tx,
      'UPDATE routing_log SET note = NULL WHERE note IS NOT NULL AND conversation_id = ANY($1)',
      [ids],
    )
    // An operator's tag may name the visitor ("ivanov-refund"): tags go with the texts.
    await this.db.run(tx, 'DELETE FROM conversation_tags WHERE conversation_id = ANY($1)', [ids])
    // The files they sent go whole: a photo or a scan is the person.
    counts.attachments = await this.db.run(
      tx,
      'DELETE FROM attachments WHERE conversation_id = ANY($1)',
      [ids],
    )
    await this.db.run(
      tx,
      'UPDATE engagements SET page = NULL, session = NULL WHERE conversation_id = ANY($1)',
      [ids],
    )
    // The daily rollups of their days are keyed by their pages: dropped now, rebuilt from the
    // erased conversations at the next refresh.
    await this.db.run(
      tx,
      `DELETE FROM analytics_days d USING conversations c
       WHERE c.id = ANY($1) AND d.site_id = c.site_id AND c.created_at >= d.day_start
         AND c.created_at < d.day_end`,
      [ids],
    )
    await this.db.run(
      tx,
      `INSERT INTO analytics_days_stale (site_id, at)
       SELECT site_id, created_at FROM conversations WHERE id = ANY($1)`,
      [ids],
    )
    counts.conversations = await this.db.run(
      tx,
      `UPDATE conversations SET visitor_name = NULL, visitor_phone = NULL, visitor_email = NULL,
         page = NULL, last_text = NULL, rating_comment = NULL, status = 'closed', erased_at = $2
       WHERE id = ANY($1) AND erased_at IS NULL`,
      [ids, at],
    )
    return counts
  }

  async conversationsBefore(siteId: string, before: number) {
    return (
      await this.db.rows<{ id: string }>(
        `SELECT id FROM conversations WHERE site_id = $1 AND erased_at IS NULL AND updated_at < $2
         ORDER BY updated_at, id`,
        [siteId, before],
      )
    ).map((r) => r.id)
  }

  async visitorsBefore(siteId: string, before: number) {
    return (
      await this.db.rows<{ id: string }>(
        `SELECT v.id FROM visitors v WHERE v.site_id = $1 AND v.updated_at < $2
           AND NOT EXISTS (SELECT 1 FROM conversations k WHERE k.site_id = v.site_id
             AND k.visitor_id = v.id AND k.updated_at >= $2)
         ORDER BY v.updated_at, v.id`,
        [siteId, before],
      )
    ).map((r) => r.id)
  }

  dropEngagementsBefore(tx: Tx, siteId: string, before: number) {
    return this.db.run(tx, 'DELETE FROM engagements WHERE site_id = $1 AND at < $2', [
      siteId,
      before,
    ])
  }

  async tokensValidAfter(siteId: string, visitorId: string) {
    const row = await this.db.row<{ valid_after: number }>(
      'SELECT valid_after FROM visitor_token_revocations WHERE site_id = $1 AND visitor_id = $2',
      [siteId, visitorId],
    )
    return row?.valid_after ?? 0
  }

  async revokeTokens(tx: Tx, siteId: string, visitorId: string, at: number) {
    await this.db.run(
      tx,
      `INSERT INTO visitor_token_revocations (site_id, visitor_id, valid_after) VALUES ($1, $2, $3)
       ON CONFLICT (site_id, visitor_id) DO UPDATE SET
         valid_after = GREATEST(visitor_token_revocations.valid_after, excluded.valid_after)`,
      [siteId, visitorId, at],
    )
  }

  async getRetention(siteId: string) {
    const row = await this.db.row<RetentionRow>('SELECT * FROM retention WHERE site_id = $1', [
      siteId,
    ])
    return row && toRetention(row)
  }

  async putRetention(tx: Tx, siteId: string, retention: Retention, at: number) {
    await this.db.run(
      tx,
      `INSERT INTO retention (site_id, conversations_days, visitors_days, engagements_days,
         updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (site_id) DO UPDATE SET conversations_days = excluded.conversations_days,
         visitors_days = excluded.visitors_days, engagements_days = excluded.engagements_days,
         updated_at = excluded.updated_at`,
      [siteId, retention.conversationsDays, retention.visitorsDays, retention.engagementsDays, at],
    )
  }

  async retentionSites() {
    return (
      await this.db.rows<RetentionRow>(
        `SELECT * FROM retention WHERE conversations_days IS NOT NULL
           OR visitors_days IS NOT NULL OR engagements_days IS NOT NULL ORDER BY site_id`,
      )
    ).map((row) => ({ siteId: row.site_id, retention: toRetention(row) }))
  }

  async addAudit(tx: Tx, entry: NewAuditEntry) {
    await this.db.run(
      tx,
      `INSERT INTO privacy_audit (id, at, actor_id, actor_name, action, site_id, subject,
         reason, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.id,
        entry.at,
        entry.actorId,
        entry.actorName,
        entry.action,
        entry.siteId,
        entry.subject,
        entry.reason,
        JSON.stringify(entry.details),
      ],
    )
  }

  async listAudit(limit: number, after?: PageAfter) {
    return (
      await this.db.rows<AuditRow>(
        `SELECT * FROM privacy_audit
         WHERE $1::bigint IS NULL OR at < $1 OR (at = $1 AND id < $2)
         ORDER BY at DESC, id DESC LIMIT $3`,
        [after?.at ?? null, after?.id ?? null, limit],
      )
    ).map(toAudit)
  }
}
