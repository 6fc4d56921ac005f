import type { Retention, Subject } from '@parley/protocol'
import type { Statement } from 'better-sqlite3'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
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
import type {
  ConsentFilter,
  ErasureCounts,
  NewAuditEntry,
  PageAfter,
  PrivacyStore,
  SubjectRows,
} from './store.ts'

const OF_VISITOR = 'site_id = @site AND visitor_id = @visitor'
const IN_THEIR_CONVERSATIONS =
  'conversation_id IN (SELECT id FROM conversations WHERE site_id = @site AND visitor_id = @visitor)'

/**
 * Every table holding rows about a visitor, and how its rows are found (named parameters
 * `@site`, `@visitor`, `@key` = `visitor:<site>:<visitor>`). Export reads exactly these;
 * erasure changes each of them. The export test fails for a table with a visitor or
 * conversation column that is in neither this list nor `TABLES_WITHOUT_VISITOR_DATA`.
 */
export const SUBJECT_TABLES: Readonly<Record<string, string>> = {
  visitors: 'site_id = @site AND id = @visitor',
  consents: OF_VISITOR,
  conversations: OF_VISITOR,
  events: IN_THEIR_CONVERSATIONS,
  reads: IN_THEIR_CONVERSATIONS,
  routing_log: IN_THEIR_CONVERSATIONS,
  // Times and counts of their chats, kept for metrics like the conversations (no text).
  analytics_chats: IN_THEIR_CONVERSATIONS,
  engagements: OF_VISITOR,
  visitor_pages: OF_VISITOR,
  conversation_tags: IN_THEIR_CONVERSATIONS,
  frame_acks: 'author_key = @key',
  visitor_token_revocations: OF_VISITOR,
  // Webhook payloads about them: their conversations' events and their own (`visitor:` key).
  webhook_outbox: `(${IN_THEIR_CONVERSATIONS} OR ordering_key = @key)`,
  // Their messenger chats (tying a Telegram/VK/Viber chat to them) and messages to send there.
  channel_chats: OF_VISITOR,
  channel_outbox: IN_THEIR_CONVERSATIONS,
  // Files they sent (photos, documents): exported with their bytes in base64, deleted on erasure.
  attachments: IN_THEIR_CONVERSATIONS,
}

/**
 * Tables that hold nothing about a particular visitor. `privacy_audit.subject` names an
 * erased visitor by their random id only: the record that the request was answered.
 */
export const TABLES_WITHOUT_VISITOR_DATA: readonly string[] = [
  'schema_migrations',
  'settings',
  'sites',
  'employees',
  'sessions',
  'api_tokens',
  'password_links',
  'employee_photos',
  'scenarios',
  'scenario_settings',
  'groups',
  'group_members',
  'canned_responses',
  // Operators' status changes: employees only.
  'operator_status_log',
  'analytics_refresh',
  // Anonymous daily counts per site, step, channel, page path and utm_source: no visitor.
  'funnel_counts',
  // Which zone each site's rollup days are in, and site-days to rebuild (a site and an instant).
  'analytics_day_zones',
  'analytics_days_stale',
  'webhook_endpoints',
  // Bots and the ids of updates they received (no text, no sender).
  'contact_points',
  'channel_updates',
  // A receiver's answers; each goes with its outbox row when that row is erased.
  'webhook_attempts',
  'agreement_texts',
  'retention',
  'privacy_audit',
]

/**
 * Tables derived from others and kept in step with them: the search index
 * (`015_search.sql`). `events_fts` reads its text from `events`; its shadow tables hold the
 * words of each message, changed by triggers with every write to `events` (FTS5
 * `secure-delete`), so erasing an event's text takes its words out with it
 * (`search/search.test.ts` checks the index no longer holds them).
 */
export const DERIVED_TABLES: readonly string[] = [
  // Daily rollups of `analytics_chats` and conversations (`019_analytics_days.sql`): counts by
  // group, owner and key, no visitor column; a key may be a page (without query), so erasing a
  // conversation drops its days' rows and the next refresh rebuilds them from the erased rows.
  'analytics_days',
  'events_fts',
  'events_fts_data',
  'events_fts_idx',
  'events_fts_docsize',
  'events_fts_config',
]

const CONSENTS = `SELECT c.* FROM consents c
  WHERE (@site IS NULL OR c.site_id = @site)
    AND (@visitor IS NULL OR c.visitor_id = @visitor)
    AND (@from IS NULL OR c.at >= @from)
    AND (@to IS NULL OR c.at < @to)
    AND ((@email IS NULL AND @phone IS NULL)
      OR EXISTS (SELECT 1 FROM visitors v WHERE v.site_id = c.site_id AND v.id = c.visitor_id
        AND (lower(v.email) = @email OR replace(v.phone, '+', '') = @phone))
      OR EXISTS (SELECT 1 FROM conversations k WHERE k.site_id = c.site_id
        AND k.visitor_id = c.visitor_id
        AND (lower(k.visitor_email) = @email OR replace(k.visitor_phone, '+', '') = @phone)))
    AND (@afterAt IS NULL OR c.at < @afterAt OR (c.at = @afterAt AND c.id < @afterId))
  ORDER BY c.at DESC, c.id DESC LIMIT @limit`

const SUBJECTS = `WITH hits(site_id, visitor_id) AS (
    SELECT site_id, id FROM visitors
      WHERE id = @visitor OR lower(email) = @email OR replace(phone, '+', '') = @phone
    UNION SELECT site_id, visitor_id FROM conversations WHERE erased_at IS NULL
      AND (visitor_id = @visitor OR lower(visitor_email) = @email
        OR replace(visitor_phone, '+', '') = @phone)
    UNION SELECT site_id, visitor_id FROM consents WHERE visitor_id = @visitor
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

const IDS = '(SELECT value FROM json_each(@ids))'

/** The privacy tables (`009_privacy.sql`), and erasure and export over every table. */
export class SqlitePrivacyStore implements PrivacyStore {
  private readonly statements = new Map<string, Statement>()

  constructor(private readonly db: SqliteDatabase) {}

  /** Each statement is prepared once per store and reused. */
  private stmt(sql: string): Statement {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.raw.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  private async write<T>(tx: Tx, fn: () => T): Promise<T> {
    this.db.write(tx)
    return fn()
  }

  recordAgreement(tx: Tx, siteId: string, version: string, text: string, at: number) {
    return this.write(tx, () => {
      this.stmt(
        `INSERT INTO agreement_texts (site_id, version, text, first_seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (site_id, version) DO NOTHING`,
      ).run(siteId, version, text, at)
    })
  }

  getAgreement(siteId: string, version: string) {
    return this.db.read(() => {
      const row = this.stmt(
        'SELECT text, first_seen_at FROM agreement_texts WHERE site_id = ? AND version = ?',
      ).get(siteId, version) as { text: string; first_seen_at: number } | undefined
      return row && { text: row.text, firstSeenAt: row.first_seen_at }
    })
  }

  listConsents(filter: ConsentFilter, limit: number, after?: PageAfter) {
    return this.db.read(() =>
      (
        this.stmt(CONSENTS).all({
          site: filter.siteId ?? null,
          visitor: filter.visitorId ?? null,
          from: filter.from ?? null,
          to: filter.to ?? null,
          email: filter.email ?? null,
          phone: filter.phoneDigits ?? null,
          afterAt: after?.at ?? null,
          afterId: after?.id ?? null,
          limit,
        }) as ConsentRow[]
      ).map(toConsent),
    )
  }

  getConsent(id: string, tx?: Tx) {
    return this.db.read(() => {
      const row = this.stmt('SELECT * FROM consents WHERE id = ?').get(id) as ConsentRow | undefined
      return row && toConsent(row)
    }, tx)
  }

  async withdrawConsent(tx: Tx, id: string, by: 'visitor' | 'admin', at: number) {
    await this.write(tx, () =>
      this.stmt(
        `UPDATE consents SET withdrawn_at = ?, withdrawn_by = ?
         WHERE id = ? AND withdrawn_at IS NULL`,
      ).run(at, by, id),
    )
    return this.getConsent(id, tx)
  }

  withdrawAll(tx: Tx, siteId: string, visitorId: string, by: 'visitor' | 'admin', at: number) {
    return this.write(
      tx,
      () =>
        this.stmt(
          `UPDATE consents SET withdrawn_at = @at, withdrawn_by = @by
           WHERE ${OF_VISITOR} AND withdrawn_at IS NULL`,
        ).run({ at, by, site: siteId, visitor: visitorId }).changes,
    )
  }

  findSubjects(query: { visitorId?: string; email?: string; phoneDigits?: string }) {
    return this.db.read(() =>
      (
        this.stmt(SUBJECTS).all({
          visitor: query.visitorId ?? null,
          email: query.email ?? null,
          phone: query.phoneDigits ?? null,
        }) as SubjectRow[]
      ).map(
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
      ),
    )
  }

  subjectRows(siteId: string, visitorId: string, tx?: Tx) {
    const params = { site: siteId, visitor: visitorId, key: `visitor:${siteId}:${visitorId}` }
    return this.db.read(() => {
      const rows: SubjectRows = {}
      for (const [table, where] of Object.entries(SUBJECT_TABLES)) {
        const found = this.stmt(`SELECT * FROM ${table} WHERE ${where} ORDER BY rowid`).all(
          params,
        ) as Record<string, unknown>[]
        if (found.length > 0) rows[table] = found.map(withBytesAsBase64)
      }
      return rows
    }, tx)
  }

  async eraseSubject(tx: Tx, siteId: string, visitorId: string, at: number, marker: string) {
    this.db.write(tx)
    const params = { site: siteId, visitor: visitorId }
    const ids = (
      this.stmt(`SELECT id FROM conversations WHERE ${OF_VISITOR} AND erased_at IS NULL`).all(
        params,
      ) as { id: string }[]
    ).map((r) => r.id)
    // Undelivered and delivered payloads about them go first, while their conversations
    // still name them; a webhook about an erased visitor is never sent.
    const webhooks = this.stmt(
      `DELETE FROM webhook_outbox WHERE ${SUBJECT_TABLES.webhook_outbox}`,
    ).run({
      ...params,
      key: `visitor:${siteId}:${visitorId}`,
    }).changes
    // Nothing more goes to their messenger chat, and the chat no longer names them.
    const outbox = this.stmt(
      `DELETE FROM channel_outbox WHERE ${SUBJECT_TABLES.channel_outbox}`,
    ).run(params).changes
    const chats = this.stmt(`DELETE FROM channel_chats WHERE ${SUBJECT_TABLES.channel_chats}`).run(
      params,
    ).changes
    const counts = await this.eraseConversations(tx, ids, at, marker)
    counts.webhook_outbox = webhooks
    counts.channel_outbox = outbox
    counts.channel_chats = chats
    counts.visitors = this.stmt(`DELETE FROM visitors WHERE ${SUBJECT_TABLES.visitors}`).run(
      params,
    ).changes
    counts.visitor_pages = this.stmt(
      `DELETE FROM visitor_pages WHERE ${SUBJECT_TABLES.visitor_pages}`,
    ).run(params).changes
    counts.engagements = this.stmt(
      `UPDATE engagements SET visitor_id = NULL, page = NULL, session = NULL, author_key = NULL,
         cid = NULL WHERE ${OF_VISITOR}`,
    ).run(params).changes
    counts.frame_acks = this.stmt('DELETE FROM frame_acks WHERE author_key = ?').run(
      `visitor:${siteId}:${visitorId}`,
    ).changes
    counts.consents = this.stmt(
      `UPDATE consents SET ip = NULL, erased = 1 WHERE ${OF_VISITOR}`,
    ).run(params).changes
    await this.revokeTokens(tx, siteId, visitorId, at)
    return counts
  }

  async eraseConversations(tx: Tx, ids: readonly string[], at: number, marker: string) {
    this.db.write(tx)
    const counts: ErasureCounts = { conversations: 0, events: 0, routing_log: 0 }
    if (ids.length === 0) return counts
    const params = { ids: JSON.stringify(ids) }
    counts.events = this.stmt(
      `UPDATE events SET
         text = CASE WHEN text = '' THEN '' ELSE @marker END,
         data = CASE WHEN author_kind = 'visitor' OR kind = 'form' THEN NULL ELSE data END,
         author_name = CASE WHEN author_kind = 'visitor' THEN NULL ELSE author_name END
       WHERE conversation_id IN ${IDS}`,
    ).run({ ids: params.ids, marker }).changes
    counts.routing_log = this.stmt(
      `UPDATE routing_log SET note = NULL WHERE note IS NOT NULL AND conversation_id IN ${IDS}`,
    ).run({ ids: params.ids }).changes
    // An operator's tag may name the visitor ("ivanov-refund"): tags go with the texts.
    this.stmt(`DELETE FROM conversation_tags WHERE conversation_id IN ${IDS}`).run({
      ids: params.ids,
    })
    // The files they sent go whole: a photo or a scan is the person.
    counts.attachments = this.stmt(`DELETE FROM attachments WHERE conversation_id IN ${IDS}`).run({
      ids: params.ids,
    }).changes
    this.stmt(
      `UPDATE engagements SET page = NULL, session = NULL WHERE conversation_id IN ${IDS}`,
    ).run({ ids: params.ids })
    // The daily rollups of their days are keyed by their pages: dropped now, rebuilt from the
    // erased conversations at the next refresh.
    this.stmt(
      `DELETE FROM analytics_days WHERE EXISTS (SELECT 1 FROM conversations c
         WHERE c.id IN ${IDS} AND c.site_id = analytics_days.site_id
           AND c.created_at >= analytics_days.day_start AND c.created_at < analytics_days.day_end)`,
    ).run({ ids: params.ids })
    this.stmt(
      `INSERT INTO analytics_days_stale (site_id, at)
       SELECT site_id, created_at FROM conversations WHERE id IN ${IDS}`,
    ).run({ ids: params.ids })
    counts.conversations = this.stmt(
      `UPDATE conversations SET visitor_name = NULL, visitor_phone = NULL, visitor_email = NULL,
         page = NULL, last_text = NULL, rating_comment = NULL, status = 'closed', erased_at = @at
       WHERE id IN ${IDS} AND erased_at IS NULL`,
    ).run({ ids: params.ids, at }).changes
    return counts
  }

  conversationsBefore(siteId: string, before: number) {
    return this.db.read(() =>
      (
        this.stmt(
          `SELECT id FROM conversations WHERE site_id = ? AND erased_at IS NULL AND updated_at < ?
           ORDER BY updated_at, id`,
        ).all(siteId, before) as { id: string }[]
      ).map((r) => r.id),
    )
  }

  visitorsBefore(siteId: string, before: number) {
    return this.db.read(() =>
      (
        this.stmt(
          `SELECT v.id FROM visitors v WHERE v.site_id = @site AND v.updated_at < @before
             AND NOT EXISTS (SELECT 1 FROM conversations k WHERE k.site_id = v.site_id
               AND k.visitor_id = v.id AND k.updated_at >= @before)
           ORDER BY v.updated_at, v.id`,
        ).all({ site: siteId, before }) as { id: string }[]
      ).map((r) => r.id),
    )
  }

  dropEngagementsBefore(tx: Tx, siteId: string, before: number) {
    return this.write(
      tx,
      () =>
        this.stmt('DELETE FROM engagements WHERE site_id = ? AND at < ?').run(siteId, before)
          .changes,
    )
  }

  tokensValidAfter(siteId: string, visitorId: string) {
    return this.db.read(() => {
      const row = this.stmt(
        'SELECT valid_after FROM visitor_token_revocations WHERE site_id = ? AND visitor_id = ?',
      ).get(siteId, visitorId) as { valid_after: number } | undefined
      return row?.valid_after ?? 0
    })
  }

  revokeTokens(tx: Tx, siteId: string, visitorId: string, at: number) {
    return this.write(tx, () => {
      this.stmt(
        `INSERT INTO visitor_token_revocations (site_id, visitor_id, valid_after) VALUES (?, ?, ?)
         ON CONFLICT (site_id, visitor_id) DO UPDATE SET
           valid_after = MAX(valid_after, excluded.valid_after)`,
      ).run(siteId, visitorId, at)
    })
  }

  getRetention(siteId: string) {
    return this.db.read(() => {
      const row = this.stmt('SELECT * FROM retention WHERE site_id = ?').get(siteId) as
        | RetentionRow
        | undefined
      return row && toRetention(row)
    })
  }

  putRetention(tx: Tx, siteId: string, retention: Retention, at: number) {
    return this.write(tx, () => {
      this.stmt(
        `INSERT INTO retention (site_id, conversations_days, visitors_days, engagements_days,
           updated_at) VALUES (@site, @c, @v, @e, @at)
         ON CONFLICT (site_id) DO UPDATE SET conversations_days = excluded.conversations_days,
           visitors_days = excluded.visitors_days, engagements_days = excluded.engagements_days,
           updated_at = excluded.updated_at`,
      ).run({
        site: siteId,
        c: retention.conversationsDays,
        v: retention.visitorsDays,
        e: retention.engagementsDays,
        at,
      })
    })
  }

  retentionSites() {
    return this.db.read(() =>
      (
        this.stmt(
          `SELECT * FROM retention WHERE conversations_days IS NOT NULL
             OR visitors_days IS NOT NULL OR engagements_days IS NOT NULL ORDER BY site_id`,
        ).all() as RetentionRow[]
      ).map((row) => ({ siteId: row.site_id, retention: toRetention(row) })),
    )
  }

  addAudit(tx: Tx, entry: NewAuditEntry) {
    return this.write(tx, () => {
      this.stmt(
        `INSERT INTO privacy_audit (id, at, actor_id, actor_name, action, site_id, subject,
           reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        entry.id,
        entry.at,
        entry.actorId,
        entry.actorName,
        entry.action,
        entry.siteId,
        entry.subject,
        entry.reason,
        JSON.stringify(entry.details),
      )
    })
  }

  listAudit(limit: number, after?: PageAfter) {
    return this.db.read(() =>
      (
        this.stmt(
          `SELECT * FROM privacy_audit
           WHERE @afterAt IS NULL OR at < @afterAt OR (at = @afterAt AND id < @afterId)
           ORDER BY at DESC, id DESC LIMIT @limit`,
        ).all({ afterAt: after?.at ?? null, afterId: after?.id ?? null, limit }) as AuditRow[]
      ).map(toAudit),
    )
  }
}
