import type { AuditAction, AuditEntry, ConsentEntry, Retention, Subject } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'

/** Filters of the consent register; `[from, to)` in epoch ms. */
export interface ConsentFilter {
  siteId?: string
  visitorId?: string
  /** Visitors with this e-mail (lower case) … */
  email?: string
  /** … or this phone, as its digits only. */
  phoneDigits?: string
  from?: number
  to?: number
}

/** A page position: the last row of the previous page (newest first). */
export interface PageAfter {
  at: number
  id: string
}

export interface NewAuditEntry extends Omit<AuditEntry, 'id'> {
  id: string
}

/** Rows held about one visitor, as stored, by table name. */
export type SubjectRows = Record<string, Record<string, unknown>[]>

/** What an erasure changed, rows per table. */
export type ErasureCounts = Record<string, number>

/**
 * Everything the privacy tools keep, and the one place that knows every table holding a
 * visitor's data: export and erasure must reach all of them in one transaction (the
 * export test walks `sqlite_master`, so a new table that is not covered here fails it).
 * `describePrivacyStore` in `contract.ts` is the suite every adapter passes.
 */
export interface PrivacyStore {
  /** Keeps the text of an agreement version; the first time it is seen wins. */
  recordAgreement(tx: Tx, siteId: string, version: string, text: string, at: number): Promise<void>
  getAgreement(
    siteId: string,
    version: string,
  ): Promise<{ text: string; firstSeenAt: number } | undefined>

  /** Consents, newest first, after `after`; at most `limit`. */
  listConsents(filter: ConsentFilter, limit: number, after?: PageAfter): Promise<ConsentEntry[]>
  getConsent(id: string, tx?: Tx): Promise<ConsentEntry | undefined>
  /** Marks one consent withdrawn (an earlier withdrawal stays); the row as it is now. */
  withdrawConsent(
    tx: Tx,
    id: string,
    by: 'visitor' | 'admin',
    at: number,
  ): Promise<ConsentEntry | undefined>
  /** Marks every consent of the visitor not yet withdrawn; how many. */
  withdrawAll(
    tx: Tx,
    siteId: string,
    visitorId: string,
    by: 'visitor' | 'admin',
    at: number,
  ): Promise<number>

  /** Visitors whose id is `visitorId`, or whose e-mail or phone digits match. */
  findSubjects(query: {
    visitorId?: string
    email?: string
    phoneDigits?: string
  }): Promise<Subject[]>
  /** Every row of every table about the visitor (empty tables left out). */
  subjectRows(siteId: string, visitorId: string, tx?: Tx): Promise<SubjectRows>
  /**
   * Erases the visitor: conversations anonymised (texts replaced by `marker`, contacts,
   * pages and comments removed, closed, marked erased), the profile deleted, engagements
   * detached, profile-frame acks deleted, consents kept without IP and marked erased, and
   * every token issued until `at` revoked.
   */
  eraseSubject(
    tx: Tx,
    siteId: string,
    visitorId: string,
    at: number,
    marker: string,
  ): Promise<ErasureCounts>
  /** Erases these conversations as `eraseSubject` does its conversations. */
  eraseConversations(
    tx: Tx,
    ids: readonly string[],
    at: number,
    marker: string,
  ): Promise<ErasureCounts>
  /** Ids of the site's conversations not erased whose last activity is before `before`. */
  conversationsBefore(siteId: string, before: number): Promise<string[]>
  /** Visitors of the site with a profile whose last activity (profile or conversation) is before `before`. */
  visitorsBefore(siteId: string, before: number): Promise<string[]>
  /** Deletes the site's engagement events before `before`; how many. */
  dropEngagementsBefore(tx: Tx, siteId: string, before: number): Promise<number>

  /** Tokens of the visitor issued before this time are refused; 0 when none is. */
  tokensValidAfter(siteId: string, visitorId: string): Promise<number>
  revokeTokens(tx: Tx, siteId: string, visitorId: string, at: number): Promise<void>

  getRetention(siteId: string): Promise<Retention | undefined>
  putRetention(tx: Tx, siteId: string, retention: Retention, at: number): Promise<void>
  /** Sites with any retention period set. */
  retentionSites(): Promise<{ siteId: string; retention: Retention }[]>

  addAudit(tx: Tx, entry: NewAuditEntry): Promise<void>
  /** Newest first. */
  listAudit(limit: number, after?: PageAfter): Promise<AuditEntry[]>
}

export type { AuditAction }
