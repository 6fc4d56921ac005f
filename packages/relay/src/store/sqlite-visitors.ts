import type { Database } from 'better-sqlite3'
import { fieldError } from '../infra/errors.ts'
import { type ConsentRow, toConsent, toVisitor, type VisitorRow } from './sqlite-rows.ts'
import type { ConsentRecord, VisitorPatch, VisitorProfile } from './types.ts'

/** Visitor profiles, consents and frame acks in SQLite; callers run these inside transactions. */

export function selectVisitor(
  db: Database,
  siteId: string,
  visitorId: string,
): VisitorProfile | undefined {
  const row = db
    .prepare('SELECT * FROM visitors WHERE site_id = ? AND id = ?')
    .get(siteId, visitorId) as VisitorRow | undefined
  return row && toVisitor(row)
}

/** Upserts the visitor's row with the patch; the newest contact wins, attributes merge. */
export function applyVisitorPatch(db: Database, patch: VisitorPatch, at: number): void {
  const current = selectVisitor(db, patch.siteId, patch.visitorId)
  const attributes = { ...current?.attributes, ...patch.attributes }
  if (patch.maxAttributes !== undefined && Object.keys(attributes).length > patch.maxAttributes) {
    throw fieldError([{ field: 'attributes', code: 'too_many' }])
  }
  const contact = patch.contact ?? {}
  db.prepare(
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

export function insertConsent(db: Database, consent: ConsentRecord): void {
  db.prepare(
    `INSERT INTO consents (id, site_id, visitor_id, agreement_version, form, ip, at, event_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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

export function selectConsents(db: Database, siteId: string, visitorId: string): ConsentRecord[] {
  const rows = db
    .prepare('SELECT * FROM consents WHERE site_id = ? AND visitor_id = ? ORDER BY at, rowid')
    .all(siteId, visitorId) as ConsentRow[]
  return rows.map(toConsent)
}

export function selectFrameAck(
  db: Database,
  authorKey: string,
  cid: string,
): { id: string; at: number } | undefined {
  return db
    .prepare('SELECT id, at FROM frame_acks WHERE author_key = ? AND cid = ?')
    .get(authorKey, cid) as { id: string; at: number } | undefined
}

export function insertFrameAck(
  db: Database,
  ack: { authorKey: string; cid: string; id: string; at: number },
): void {
  db.prepare('INSERT INTO frame_acks (author_key, cid, id, at) VALUES (?, ?, ?, ?)').run(
    ack.authorKey,
    ack.cid,
    ack.id,
    ack.at,
  )
}
