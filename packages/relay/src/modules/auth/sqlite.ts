import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { ApiTokenRecord, AuthStore, SessionRecord } from './store.ts'

/** The `sessions` and `api_tokens` tables (`001_init.sql`). */
export class SqliteAuthStore implements AuthStore {
  constructor(private readonly db: SqliteDatabase) {}

  async createSession(
    tx: Tx,
    tokenHash: string,
    session: SessionRecord & { createdAt: number },
  ): Promise<void> {
    this.db
      .write(tx)
      .prepare(
        'INSERT INTO sessions (token_hash, employee_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
      )
      .run(tokenHash, session.employeeId, session.createdAt, session.expiresAt)
  }

  getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    return this.db.read((db) => {
      const row = db
        .prepare('SELECT employee_id, expires_at FROM sessions WHERE token_hash = ?')
        .get(tokenHash) as { employee_id: string; expires_at: number } | undefined
      return row && { employeeId: row.employee_id, expiresAt: row.expires_at }
    })
  }

  async deleteSession(tx: Tx, tokenHash: string): Promise<void> {
    this.db.write(tx).prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash)
  }

  async deleteEmployeeSessions(tx: Tx, employeeId: string): Promise<void> {
    this.db.write(tx).prepare('DELETE FROM sessions WHERE employee_id = ?').run(employeeId)
  }

  async purgeExpiredSessions(tx: Tx, now: number): Promise<number> {
    return this.db.write(tx).prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes
  }

  async createApiToken(tx: Tx, token: ApiTokenRecord & { tokenHash: string }): Promise<void> {
    this.db
      .write(tx)
      .prepare(
        `INSERT INTO api_tokens (id, name, token_hash, employee_id, created_at)
         VALUES (@id, @name, @tokenHash, @employeeId, @createdAt)`,
      )
      .run(token)
  }

  getApiToken(tokenHash: string): Promise<{ id: string; employeeId: string } | undefined> {
    return this.db.read((db) => {
      const row = db
        .prepare('SELECT id, employee_id FROM api_tokens WHERE token_hash = ?')
        .get(tokenHash) as { id: string; employee_id: string } | undefined
      return row && { id: row.id, employeeId: row.employee_id }
    })
  }

  listApiTokens(): Promise<ApiTokenRecord[]> {
    return this.db.read((db) =>
      (
        db
          .prepare(
            'SELECT id, name, employee_id, created_at FROM api_tokens ORDER BY created_at, id',
          )
          .all() as { id: string; name: string; employee_id: string; created_at: number }[]
      ).map((row) => ({
        id: row.id,
        name: row.name,
        employeeId: row.employee_id,
        createdAt: row.created_at,
      })),
    )
  }

  async revokeApiToken(tx: Tx, id: string): Promise<boolean> {
    return this.db.write(tx).prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0
  }
}
