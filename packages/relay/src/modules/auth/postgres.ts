import type { Permission } from '@parley/protocol'
import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type {
  ApiTokenGrant,
  ApiTokenListing,
  ApiTokenRecord,
  AuthStore,
  PasswordLinkRecord,
  SessionRecord,
} from './store.ts'

interface TokenRow {
  id: string
  name: string
  employee_id: string
  scopes: string | null
  created_at: number
  last_used_at: number | null
}

function parseScopes(scopes: string | null): Permission[] | null {
  return scopes === null ? null : (JSON.parse(scopes) as Permission[])
}

/** The `sessions`, `api_tokens` and `password_links` tables on PostgreSQL. */
export class PostgresAuthStore implements AuthStore {
  constructor(private readonly db: PostgresDatabase) {}

  async createSession(
    tx: Tx,
    tokenHash: string,
    session: SessionRecord & { createdAt: number },
  ): Promise<void> {
    await this.db.run(
      tx,
      'INSERT INTO sessions (token_hash, employee_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [tokenHash, session.employeeId, session.createdAt, session.expiresAt],
    )
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db.row<{ employee_id: string; expires_at: number }>(
      'SELECT employee_id, expires_at FROM sessions WHERE token_hash = $1',
      [tokenHash],
    )
    return row && { employeeId: row.employee_id, expiresAt: row.expires_at }
  }

  async deleteSession(tx: Tx, tokenHash: string): Promise<void> {
    await this.db.run(tx, 'DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
  }

  async deleteEmployeeSessions(tx: Tx, employeeId: string): Promise<void> {
    await this.db.run(tx, 'DELETE FROM sessions WHERE employee_id = $1', [employeeId])
  }

  purgeExpiredSessions(tx: Tx, now: number): Promise<number> {
    return this.db.run(tx, 'DELETE FROM sessions WHERE expires_at <= $1', [now])
  }

  async createApiToken(tx: Tx, token: ApiTokenRecord & { tokenHash: string }): Promise<void> {
    await this.db.run(
      tx,
      `INSERT INTO api_tokens (id, name, token_hash, employee_id, scopes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        token.id,
        token.name,
        token.tokenHash,
        token.employeeId,
        token.scopes ? JSON.stringify(token.scopes) : null,
        token.createdAt,
      ],
    )
  }

  async getApiToken(tokenHash: string): Promise<ApiTokenGrant | undefined> {
    const row = await this.db.row<Pick<TokenRow, 'id' | 'employee_id' | 'scopes'>>(
      'SELECT id, employee_id, scopes FROM api_tokens WHERE token_hash = $1',
      [tokenHash],
    )
    return row && { id: row.id, employeeId: row.employee_id, scopes: parseScopes(row.scopes) }
  }

  async listApiTokens(): Promise<ApiTokenListing[]> {
    const rows = await this.db.rows<TokenRow>(
      'SELECT id, name, employee_id, scopes, created_at, last_used_at FROM api_tokens ORDER BY created_at, id',
    )
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      employeeId: row.employee_id,
      scopes: parseScopes(row.scopes),
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
    }))
  }

  async markApiTokenUsed(tx: Tx, id: string, at: number): Promise<void> {
    await this.db.run(tx, 'UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [at, id])
  }

  async revokeApiToken(tx: Tx, id: string): Promise<boolean> {
    return (await this.db.run(tx, 'DELETE FROM api_tokens WHERE id = $1', [id])) > 0
  }

  async createPasswordLink(tx: Tx, link: PasswordLinkRecord): Promise<void> {
    await this.db.run(tx, 'DELETE FROM password_links WHERE employee_id = $1', [link.employeeId])
    await this.db.run(
      tx,
      `INSERT INTO password_links (token_hash, employee_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4)`,
      [link.tokenHash, link.employeeId, link.createdAt, link.expiresAt],
    )
  }

  async takePasswordLink(tx: Tx, tokenHash: string, now: number): Promise<string | undefined> {
    const row = await this.db.row<{ employee_id: string; expires_at: number }>(
      'DELETE FROM password_links WHERE token_hash = $1 RETURNING employee_id, expires_at',
      [tokenHash],
      tx,
    )
    return row && row.expires_at > now ? row.employee_id : undefined
  }
}
