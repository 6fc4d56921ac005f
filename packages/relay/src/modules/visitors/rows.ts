import type { ConsentRecord, VisitorProfile, VisitRecord } from './store.ts'

/** The rows of the visitors tables as both engines read them, and what they become. */
export interface VisitorRow {
  site_id: string
  id: string
  user_id: string | null
  verified: number
  name: string | null
  email: string | null
  phone: string | null
  attributes: string
  created_at: number
  updated_at: number
}

export interface ConsentRow {
  id: string
  site_id: string
  visitor_id: string
  agreement_version: string
  form: ConsentRecord['form']
  ip: string | null
  at: number
  event_id: string | null
  withdrawn_at: number | null
}

export interface VisitRow {
  site_id: string
  visitor_id: string
  url: string
  title: string | null
  referrer: string | null
  utm_source: string | null
  country: string | null
  region: string | null
  at: number
}

export function toVisit(row: VisitRow): VisitRecord {
  const visit: VisitRecord = {
    siteId: row.site_id,
    visitorId: row.visitor_id,
    url: row.url,
    at: row.at,
  }
  if (row.title !== null) visit.title = row.title
  if (row.referrer !== null) visit.referrer = row.referrer
  if (row.utm_source !== null) visit.utmSource = row.utm_source
  if (row.country !== null) visit.country = row.country
  if (row.region !== null) visit.region = row.region
  return visit
}

export function toVisitor(row: VisitorRow): VisitorProfile {
  const visitor: VisitorProfile = {
    siteId: row.site_id,
    id: row.id,
    verified: row.verified === 1,
    attributes: JSON.parse(row.attributes) as VisitorProfile['attributes'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
  if (row.user_id !== null) visitor.userId = row.user_id
  if (row.name !== null) visitor.name = row.name
  if (row.email !== null) visitor.email = row.email
  if (row.phone !== null) visitor.phone = row.phone
  return visitor
}

export function toConsent(row: ConsentRow): ConsentRecord {
  const consent: ConsentRecord = {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    agreementVersion: row.agreement_version,
    form: row.form,
    at: row.at,
  }
  if (row.ip !== null) consent.ip = row.ip
  if (row.event_id !== null) consent.eventId = row.event_id
  if (row.withdrawn_at != null) consent.withdrawnAt = row.withdrawn_at
  return consent
}
