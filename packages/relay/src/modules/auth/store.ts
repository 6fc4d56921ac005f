import type { Permission } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'

export interface SessionRecord {
  employeeId: string
  expiresAt: number
}

export interface ApiTokenRecord {
  id: string
  name: string
  employeeId: string
  /** null: made before scopes existed; acts with its employee's whole role. */
  scopes: Permission[] | null
  createdAt: number
}

/** An API token as listed: when it was last used too (to the minute; null: never). */
export type ApiTokenListing = ApiTokenRecord & { lastUsedAt: number | null }

/** What a bearer token resolves to. */
export type ApiTokenGrant = Pick<ApiTokenRecord, 'id' | 'employeeId' | 'scopes'>

/**
 * Sessions and API tokens, both kept only as SHA-256 hashes of the secret.
 * `describeAuthStore` in `contract.ts` is the suite every adapter passes.
 */
export interface AuthStore {
  createSession(
    tx: Tx,
    tokenHash: string,
    session: SessionRecord & { createdAt: number },
  ): Promise<void>
  getSession(tokenHash: string): Promise<SessionRecord | undefined>
  deleteSession(tx: Tx, tokenHash: string): Promise<void>
  /** Ends every session of the employee (password change, deactivation). */
  deleteEmployeeSessions(tx: Tx, employeeId: string): Promise<void>
  /** Deletes sessions with `expiresAt <= now`; returns how many. */
  purgeExpiredSessions(tx: Tx, now: number): Promise<number>

  createApiToken(tx: Tx, token: ApiTokenRecord & { tokenHash: string }): Promise<void>
  getApiToken(tokenHash: string): Promise<ApiTokenGrant | undefined>
  /** Oldest first; never the hashes. */
  listApiTokens(): Promise<ApiTokenListing[]>
  /** Records that the token authenticated a call at `at`. */
  markApiTokenUsed(tx: Tx, id: string, at: number): Promise<void>
  /** False when there was none. */
  revokeApiToken(tx: Tx, id: string): Promise<boolean>

  /** Stores a set-password link, replacing any earlier link of the employee. */
  createPasswordLink(tx: Tx, link: PasswordLinkRecord): Promise<void>
  /** Deletes the link and returns its employee, if it exists and `expiresAt > now`. */
  takePasswordLink(tx: Tx, tokenHash: string, now: number): Promise<string | undefined>
}

export interface PasswordLinkRecord {
  tokenHash: string
  employeeId: string
  createdAt: number
  expiresAt: number
}
