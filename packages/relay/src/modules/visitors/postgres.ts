import type { PostgresDatabase } from '../../infra/db/postgres.ts'
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

/** The `visitors`, `consents` and `frame_acks` tables on PostgreSQL. */
export class PostgresVisitorStore implements VisitorStore {
  constructor(private readonly db: PostgresDatabase) {}

  async page(query: VisitorPageQuery): Promise<VisitorProfile[]> {
    const rows = await this.db.rows<VisitorRow>(
      `SELECT * FROM visitors
       WHERE (updated_at, site_id, id) > ($1, $2, $3)
         AND ($4::bigint IS NULL OR updated_at >= $4)
         AND ($5::text IS NULL OR site_id = $5)
       ORDER BY updated_at, site_id, id LIMIT $6`,
      [
        query.after?.at ?? -1,
        query.after?.siteId ?? '',
        query.after?.id ?? '',
        query.updatedSince ?? null,
        query.siteId ?? null,
        query.limit,
      ],
    )
    return rows.map(toVisitor)
  }

  async get(siteId: string, visitorId: string, tx?: Tx): Promise<VisitorProfile | undefined> {
    const row = await this.db.row<VisitorRow>(
      'SELECT * FROM visitors WHERE site_id = $1 AND id = $2',
      [siteId, visitorId],
      tx,
    )
    return row && toVisitor(row)
  }

  async contacts(siteId: string, visitorIds: readonly string[]) {
    const contacts = new Map<string, VisitorContact>()
    if (visitorIds.length === 0) return contacts
    const rows = await this.db.rows<Pick<VisitorRow, 'id' | 'name' | 'email' | 'phone'>>(
      'SELECT id, name, email, phone FROM visitors WHERE site_id = $1 AND id = ANY($2)',
      [siteId, visitorIds],
    )
    for (const row of rows) {
      const contact: VisitorContact = {}
      if (row.name !== null) contact.name = row.name
      if (row.email !== null) contact.email = row.email
      if (row.phone !== null) contact.phone = row.phone
      contacts.set(row.id, contact)
    }
    return contacts
  }

  async applyPatch(tx: Tx, patch: VisitorPatch, at: number): Promise<void> {
    // Locked, so two relays merging attributes into one profile do not lose either's keys.
    const row = await this.db.row<VisitorRow>(
      'SELECT * FROM visitors WHERE site_id = $1 AND id = $2 FOR UPDATE',
      [patch.siteId, patch.visitorId],
      tx,
    )
    const current = row && toVisitor(row)
    const attributes = { ...current?.attributes, ...patch.attributes }
    if (patch.maxAttributes !== undefined && Object.keys(attributes).length > patch.maxAttributes) {
      throw fieldError([{ field: 'attributes', code: 'too_many' }])
    }
    const contact = patch.contact ?? {}
    await this.db.run(
      tx,
      `INSERT INTO visitors (site_id, id, user_id, verified, name, email, phone, attributes,
         created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
       ON CONFLICT (site_id, id) DO UPDATE SET
         user_id = COALESCE(excluded.user_id, visitors.user_id),
         verified = CASE WHEN excluded.user_id IS NULL THEN visitors.verified ELSE excluded.verified END,
         name = COALESCE(excluded.name, visitors.name),
         email = COALESCE(excluded.email, visitors.email),
         phone = COALESCE(excluded.phone, visitors.phone),
         attributes = excluded.attributes,
         updated_at = excluded.updated_at`,
      [
        patch.siteId,
        patch.visitorId,
        patch.identity?.userId ?? null,
        patch.identity?.verified ? 1 : 0,
        contact.name ?? null,
        contact.email ?? null,
        contact.phone ?? null,
        JSON.stringify(attributes),
        at,
      ],
    )
  }

  async addConsent(tx: Tx, consent: ConsentRecord): Promise<void> {
    await this.db.run(
      tx,
      `INSERT INTO consents (id, site_id, visitor_id, agreement_version, form, ip, at, event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        consent.id,
        consent.siteId,
        consent.visitorId,
        consent.agreementVersion,
        consent.form,
        consent.ip ?? null,
        consent.at,
        consent.eventId ?? null,
      ],
    )
  }

  async listConsents(siteId: string, visitorId: string): Promise<ConsentRecord[]> {
    const rows = await this.db.rows<ConsentRow>(
      'SELECT * FROM consents WHERE site_id = $1 AND visitor_id = $2 ORDER BY at, ord',
      [siteId, visitorId],
    )
    return rows.map(toConsent)
  }

  findFrameAck(authorKey: string, cid: string, tx?: Tx) {
    return this.db.row<{ id: string; at: number }>(
      'SELECT id, at FROM frame_acks WHERE author_key = $1 AND cid = $2',
      [authorKey, cid],
      tx,
    )
  }

  async addFrameAck(tx: Tx, ack: FrameAck): Promise<void> {
    await this.db.run(
      tx,
      'INSERT INTO frame_acks (author_key, cid, id, at) VALUES ($1, $2, $3, $4)',
      [ack.authorKey, ack.cid, ack.id, ack.at],
    )
  }

  async recordVisit(tx: Tx, visit: VisitRecord): Promise<void> {
    await this.db.run(
      tx,
      `INSERT INTO visitor_pages (site_id, visitor_id, url, title, referrer, utm_source, country,
         region, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        visit.siteId,
        visit.visitorId,
        visit.url,
        visit.title ?? null,
        visit.referrer ?? null,
        visit.utmSource ?? null,
        visit.country ?? null,
        visit.region ?? null,
        visit.at,
      ],
    )
    await this.db.run(
      tx,
      `DELETE FROM visitor_pages WHERE site_id = $1 AND visitor_id = $2 AND id NOT IN
         (SELECT id FROM visitor_pages WHERE site_id = $1 AND visitor_id = $2
          ORDER BY at DESC, id DESC LIMIT $3)`,
      [visit.siteId, visit.visitorId, VISITS_KEPT],
    )
  }

  async visits(siteId: string, visitorId: string, limit: number): Promise<VisitRecord[]> {
    const rows = await this.db.rows<VisitRow>(
      `SELECT * FROM visitor_pages WHERE site_id = $1 AND visitor_id = $2
       ORDER BY at DESC, id DESC LIMIT $3`,
      [siteId, visitorId, limit],
    )
    return rows.map(toVisit)
  }
}
