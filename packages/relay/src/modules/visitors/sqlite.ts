import type { Statement } from 'better-sqlite3'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type Statements, statements } from '../../infra/db/statements.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { fieldError } from '../../infra/errors.ts'
import {
  type ConsentRow,
  toConsent,
  toVisit,
  toVisitor,
  type VisitorRow,
  type VisitRow,
} from './rows.ts'
import type {
  ConsentRecord,
  FrameAck,
  VisitorContact,
  VisitorPageQuery,
  VisitorPatch,
  VisitorProfile,
  VisitorStore,
  VisitRecord,
} from './store.ts'
import { VISITS_KEPT } from './store.ts'

function selectVisitor(sql: Statements, siteId: string, visitorId: string) {
  const row = sql('SELECT * FROM visitors WHERE site_id = ? AND id = ?').get(siteId, visitorId) as
    | VisitorRow
    | undefined
  return row && toVisitor(row)
}

/** The `visitors`, `consents`, `frame_acks` (`002_forms.sql`) and `visitor_pages` (`016`) tables. */
export class SqliteVisitorStore implements VisitorStore {
  private readonly sql: Statements
  /** Prepared once, on first use. */
  private pageStatement?: Statement

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
  }

  page(query: VisitorPageQuery): Promise<VisitorProfile[]> {
    this.pageStatement ??= this.db.raw.prepare(
      `SELECT * FROM visitors
       WHERE (updated_at, site_id, id) > (@afterAt, @afterSite, @afterId)
         AND (@since IS NULL OR updated_at >= @since)
         AND (@siteId IS NULL OR site_id = @siteId)
       ORDER BY updated_at, site_id, id LIMIT @limit`,
    )
    const statement = this.pageStatement
    return this.db.read(() =>
      (
        statement.all({
          // From (-1, '', ''), before every row, without a cursor: a plain bound the index seeks.
          afterAt: query.after?.at ?? -1,
          afterSite: query.after?.siteId ?? '',
          afterId: query.after?.id ?? '',
          since: query.updatedSince ?? null,
          siteId: query.siteId ?? null,
          limit: query.limit,
        }) as VisitorRow[]
      ).map(toVisitor),
    )
  }

  get(siteId: string, visitorId: string, tx?: Tx): Promise<VisitorProfile | undefined> {
    return this.db.read(() => selectVisitor(this.sql, siteId, visitorId), tx)
  }

  contacts(siteId: string, visitorIds: readonly string[]): Promise<Map<string, VisitorContact>> {
    const contacts = new Map<string, VisitorContact>()
    if (visitorIds.length === 0) return Promise.resolve(contacts)
    return this.db.read(() => {
      const rows = this.sql(`SELECT id, name, email, phone FROM visitors WHERE site_id = ?
           AND id IN (SELECT value FROM json_each(?))`).all(
        siteId,
        JSON.stringify(visitorIds),
      ) as Pick<VisitorRow, 'id' | 'name' | 'email' | 'phone'>[]
      for (const row of rows) {
        const contact: VisitorContact = {}
        if (row.name !== null) contact.name = row.name
        if (row.email !== null) contact.email = row.email
        if (row.phone !== null) contact.phone = row.phone
        contacts.set(row.id, contact)
      }
      return contacts
    })
  }

  async applyPatch(tx: Tx, patch: VisitorPatch, at: number): Promise<void> {
    const current = selectVisitor(this.sql, patch.siteId, patch.visitorId)
    const attributes = { ...current?.attributes, ...patch.attributes }
    if (patch.maxAttributes !== undefined && Object.keys(attributes).length > patch.maxAttributes) {
      throw fieldError([{ field: 'attributes', code: 'too_many' }])
    }
    const contact = patch.contact ?? {}
    this.sql(
      `INSERT INTO visitors (site_id, id, user_id, verified, name, email, phone, attributes,
         created_at, updated_at)
       VALUES (@siteId, @id, @userId, @verified, @name, @email, @phone, @attributes, @at, @at)
       ON CONFLICT(site_id, id) DO UPDATE SET
         user_id = COALESCE(excluded.user_id, visitors.user_id),
         verified = CASE WHEN excluded.user_id IS NULL THEN visitors.verified ELSE excluded.verified END,
         name = COALESCE(excluded.name, visitors.name),
         email = COALESCE(excluded.email, visitors.email),
         phone = COALESCE(excluded.phone, visitors.phone),
         attributes = excluded.attributes,
         updated_at = excluded.updated_at`,
      tx,
    ).run({
      siteId: patch.siteId,
      id: patch.visitorId,
      userId: patch.identity?.userId ?? null,
      verified: patch.identity?.verified ? 1 : 0,
      name: contact.name ?? null,
      email: contact.email ?? null,
      phone: contact.phone ?? null,
      attributes: JSON.stringify(attributes),
      at,
    })
  }

  async addConsent(tx: Tx, consent: ConsentRecord): Promise<void> {
    this.sql(
      `INSERT INTO consents (id, site_id, visitor_id, agreement_version, form, ip, at, event_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      tx,
    ).run(
      consent.id,
      consent.siteId,
      consent.visitorId,
      consent.agreementVersion,
      consent.form,
      consent.ip ?? null,
      consent.at,
      consent.eventId ?? null,
    )
  }

  listConsents(siteId: string, visitorId: string): Promise<ConsentRecord[]> {
    return this.db.read(() =>
      (
        this.sql(
          'SELECT * FROM consents WHERE site_id = ? AND visitor_id = ? ORDER BY at, rowid',
        ).all(siteId, visitorId) as ConsentRow[]
      ).map(toConsent),
    )
  }

  findFrameAck(authorKey: string, cid: string, tx?: Tx) {
    return this.db.read(
      (_db) =>
        this.sql('SELECT id, at FROM frame_acks WHERE author_key = ? AND cid = ?').get(
          authorKey,
          cid,
        ) as { id: string; at: number } | undefined,
      tx,
    )
  }

  async addFrameAck(tx: Tx, ack: FrameAck): Promise<void> {
    this.sql('INSERT INTO frame_acks (author_key, cid, id, at) VALUES (?, ?, ?, ?)', tx).run(
      ack.authorKey,
      ack.cid,
      ack.id,
      ack.at,
    )
  }

  async recordVisit(tx: Tx, visit: VisitRecord): Promise<void> {
    this.sql(
      `INSERT INTO visitor_pages (site_id, visitor_id, url, title, referrer, utm_source, country,
         region, at) VALUES (@siteId, @visitorId, @url, @title, @referrer, @utmSource, @country,
         @region, @at)`,
      tx,
    ).run({
      siteId: visit.siteId,
      visitorId: visit.visitorId,
      url: visit.url,
      title: visit.title ?? null,
      referrer: visit.referrer ?? null,
      utmSource: visit.utmSource ?? null,
      country: visit.country ?? null,
      region: visit.region ?? null,
      at: visit.at,
    })
    this.sql(
      `DELETE FROM visitor_pages WHERE site_id = @siteId AND visitor_id = @visitorId AND id NOT IN
         (SELECT id FROM visitor_pages WHERE site_id = @siteId AND visitor_id = @visitorId
          ORDER BY at DESC, id DESC LIMIT @kept)`,
      tx,
    ).run({ siteId: visit.siteId, visitorId: visit.visitorId, kept: VISITS_KEPT })
  }

  visits(siteId: string, visitorId: string, limit: number): Promise<VisitRecord[]> {
    return this.db.read(() =>
      (
        this.sql(
          `SELECT * FROM visitor_pages WHERE site_id = ? AND visitor_id = ?
           ORDER BY at DESC, id DESC LIMIT ?`,
        ).all(siteId, visitorId, limit) as VisitRow[]
      ).map(toVisit),
    )
  }
}
