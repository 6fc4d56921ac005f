import type { Tx } from '../../infra/db/unit-of-work.ts'

/** Contact fields of a visitor (E.164 phone). */
export interface VisitorContact {
  name?: string
  email?: string
  phone?: string
}

/** A visitor's stored profile. */
export interface VisitorProfile extends VisitorContact {
  siteId: string
  id: string
  userId?: string
  /** identify came with a valid HMAC of `userId`. */
  verified: boolean
  attributes: Record<string, string | number | boolean>
  createdAt: number
  updatedAt: number
}

/** Changes to a visitor's profile, applied in the same transaction as the frame. */
export interface VisitorPatch {
  siteId: string
  visitorId: string
  contact?: VisitorContact
  identity?: { userId: string; verified: boolean }
  /** Merged into the stored attributes; the result may hold at most `maxAttributes` keys. */
  attributes?: Record<string, string | number | boolean>
  maxAttributes?: number
}

/** One consent to the site agreement. */
export interface ConsentRecord {
  id: string
  siteId: string
  visitorId: string
  agreementVersion: string
  form: 'callback' | 'offline' | 'prechat'
  ip?: string
  at: number
  /** The form event it came with. */
  eventId?: string
  /** When it was withdrawn (by the visitor or on request), if it was. */
  withdrawnAt?: number
}

/** A page a visitor opened (one widget connection), with where they came from. */
export interface VisitRecord {
  siteId: string
  visitorId: string
  url: string
  title?: string
  referrer?: string
  /** `utm_source` of the page's query string. */
  utmSource?: string
  /** ISO 3166-1 alpha-2. */
  country?: string
  /** ISO 3166-2 subdivision without the country prefix. */
  region?: string
  at: number
}

/** Most pages kept per visitor; older ones are dropped as new ones are recorded. */
export const VISITS_KEPT = 50

/** The ack of a visitor frame that stored no event (prechat, identify, attributes). */
export interface FrameAck {
  authorKey: string
  cid: string
  id: string
  at: number
}

/** A page of profiles by (updatedAt, siteId, id), oldest first. */
export interface VisitorPageQuery {
  /** After this row (exclusive). */
  after?: { at: number; siteId: string; id: string }
  /** `updatedAt >= updatedSince`. */
  updatedSince?: number
  siteId?: string
  limit: number
}

/**
 * Visitor profiles, consents and the acks of profile frames.
 * `describeVisitorStore` in `contract.ts` is the suite every adapter passes.
 */
export interface VisitorStore {
  get(siteId: string, visitorId: string, tx?: Tx): Promise<VisitorProfile | undefined>
  /** The contact of each of these visitors of one site that has a profile. */
  contacts(siteId: string, visitorIds: readonly string[]): Promise<Map<string, VisitorContact>>
  /**
   * Upserts the profile: the newest contact and identity win, attributes merge. Rejects with
   * `field_invalid` (field `attributes`, code `too_many`) when the merge exceeds `maxAttributes`.
   */
  applyPatch(tx: Tx, patch: VisitorPatch, at: number): Promise<void>
  addConsent(tx: Tx, consent: ConsentRecord): Promise<void>
  /** Oldest first. */
  listConsents(siteId: string, visitorId: string): Promise<ConsentRecord[]>
  findFrameAck(
    authorKey: string,
    cid: string,
    tx?: Tx,
  ): Promise<{ id: string; at: number } | undefined>
  addFrameAck(tx: Tx, ack: FrameAck): Promise<void>
  /** Profiles after `query.after` by (updatedAt, siteId, id), filtered, at most `limit`. */
  page(query: VisitorPageQuery): Promise<VisitorProfile[]>
  /** Records a page the visitor opened; keeps only their newest `VISITS_KEPT`. */
  recordVisit(tx: Tx, visit: VisitRecord): Promise<void>
  /** The visitor's newest pages first, at most `limit`. */
  visits(siteId: string, visitorId: string, limit: number): Promise<VisitRecord[]>
}
