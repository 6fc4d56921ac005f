import type { Permission } from '@parley/protocol'
import type { Statement } from 'better-sqlite3'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type Statements, statements } from '../../infra/db/statements.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type {
  ApiTokenGrant,
  ApiTokenListing,
  ApiTokenRecord,
  AuthStore,
  PasswordLinkRecord,
  SessionRecord,
} from './store.ts'

/** The `sessions` and `api_tokens` tables (`001_init.sql`, scopes `004_token_scopes.sql`, last use `010_api.sql`). */
export class SqliteAuthStore implements AuthStore {
  private readonly sql: Statements
  /** Prepared once, on first use. */
  private markUsed?: Statement

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
  }

  async createSession(
    tx: Tx,
    tokenHash: string,
    session: SessionRecord & { createdAt: number },
  ): Promise<void> {
    this.sql(
      'INSERT INTO sessions (token_hash, employee_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
      tx,
    ).run(tokenHash, session.employeeId, session.createdAt, session.expiresAt)
  }

  getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    return this.db.read(() => {
      const row = this.sql('SELECT employee_id, expires_at FROM sessions WHERE token_hash = ?').get(
        tokenHash,
      ) as { employee_id: string; expires_at: number } | undefined
      return row && { employeeId: row.employee_id, expiresAt: row.expires_at }
    })
  }

  async deleteSession(tx: Tx, tokenHash: string): Promise<void> {
    this.sql('DELETE FROM sessions WHERE token_hash = ?', tx).run(tokenHash)
  }

  async deleteEmployeeSessions(tx: Tx, employeeId: string): Promise<void> {
    this.sql('DELETE FROM sessions WHERE employee_id = ?', tx).run(employeeId)
  }

  async purgeExpiredSessions(tx: Tx, now: number): Promise<number> {
    return this.sql('DELETE FROM sessions WHERE expires_at <= ?', tx).run(now).changes
  }

  async createApiToken(tx: Tx, token: ApiTokenRecord & { tokenHash: string }): Promise<void> {
    this.sql(
      `INSERT INTO api_tokens (id, name, token_hash, employee_id, scopes, created_at)
         VALUES (@id, @name, @tokenHash, @employeeId, @scopes, @createdAt)`,
      tx,
    ).run({ ...token, scopes: token.scopes && JSON.stringify(token.scopes) })
  }

  getApiToken(tokenHash: string): Promise<ApiTokenGrant | undefined> {
    return this.db.read(() => {
      const row = this.sql(
        'SELECT id, employee_id, scopes FROM api_tokens WHERE token_hash = ?',
      ).get(tokenHash) as Pick<TokenRow, 'id' | 'employee_id' | 'scopes'> | undefined
      return row && { id: row.id, employeeId: row.employee_id, scopes: parseScopes(row.scopes) }
    })
  }

  listApiTokens(): Promise<ApiTokenListing[]> {
    return this.db.read(() =>
      (
        this.sql(
          'SELECT id, name, employee_id, scopes, created_at, last_used_at FROM api_tokens ORDER BY created_at, id',
        ).all() as TokenRow[]
      ).map((row) => ({
        id: row.id,
        name: row.name,
        employeeId: row.employee_id,
        scopes: parseScopes(row.scopes),
        createdAt: row.created_at,
        lastUsedAt: row.last_used_at,
      })),
    )
  }

  async markApiTokenUsed(tx: Tx, id: string, at: number): Promise<void> {
    this.markUsed ??= this.db.raw.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?')
    this.db.write(tx)
    this.markUsed.run(at, id)
  }

  async revokeApiToken(tx: Tx, id: string): Promise<boolean> {
    return this.sql('DELETE FROM api_tokens WHERE id = ?', tx).run(id).changes > 0
  }

  async createPasswordLink(tx: Tx, link: PasswordLinkRecord): Promise<void> {
    this.sql('DELETE FROM password_links WHERE employee_id = ?', tx).run(link.employeeId)
    this.sql(
      `INSERT INTO password_links (token_hash, employee_id, created_at, expires_at)
       VALUES (@tokenHash, @employeeId, @createdAt, @expiresAt)`,
      tx,
    ).run(link)
  }

  async takePasswordLink(tx: Tx, tokenHash: string, now: number): Promise<string | undefined> {
    const row = this.sql(
      'DELETE FROM password_links WHERE token_hash = ? RETURNING employee_id, expires_at',
      tx,
    ).get(tokenHash) as { employee_id: string; expires_at: number } | undefined
    return row && row.expires_at > now ? row.employee_id : undefined
  }
}

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
