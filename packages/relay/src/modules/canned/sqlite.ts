import type BetterSqlite3 from 'better-sqlite3'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { CannedRecord, CannedStore } from './store.ts'

interface Row {
  id: string
  owner_id: string | null
  group_id: string | null
  shortcut: string
  text: string
  created_at: number
  updated_at: number
}

const toRecord = (row: Row): CannedRecord => ({
  id: row.id,
  ownerId: row.owner_id,
  groupId: row.group_id,
  shortcut: row.shortcut,
  text: row.text,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

const isUnique = (error: unknown) =>
  (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE'

/** The `canned_responses` table (`012_canned.sql`); statements prepared once. */
export class SqliteCannedStore implements CannedStore {
  readonly #statements = new Map<string, BetterSqlite3.Statement>()

  constructor(private readonly db: SqliteDatabase) {}

  #statement(connection: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = connection.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  listFor(ownerId: string, groupIds: readonly string[]): Promise<CannedRecord[]> {
    return this.db.read((db) => {
      const rows = this.#statement(
        db,
        `SELECT * FROM canned_responses
         WHERE owner_id = ? OR group_id IN (SELECT value FROM json_each(?))
         ORDER BY owner_id IS NULL, shortcut, id`,
      ).all(ownerId, JSON.stringify(groupIds)) as Row[]
      return rows.map(toRecord)
    })
  }

  listShared(): Promise<CannedRecord[]> {
    return this.db.read((db) =>
      (
        this.#statement(
          db,
          'SELECT * FROM canned_responses WHERE group_id IS NOT NULL ORDER BY shortcut, id',
        ).all() as Row[]
      ).map(toRecord),
    )
  }

  get(id: string): Promise<CannedRecord | undefined> {
    return this.db.read((db) => {
      const row = this.#statement(db, 'SELECT * FROM canned_responses WHERE id = ?').get(id) as
        | Row
        | undefined
      return row && toRecord(row)
    })
  }

  async create(tx: Tx, r: CannedRecord): Promise<boolean> {
    try {
      this.#statement(
        this.db.write(tx),
        `INSERT INTO canned_responses (id, owner_id, group_id, shortcut, text, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.id, r.ownerId, r.groupId, r.shortcut, r.text, r.createdAt, r.updatedAt)
      return true
    } catch (error) {
      if (isUnique(error)) return false
      throw error
    }
  }

  async update(
    tx: Tx,
    id: string,
    patch: { shortcut: string; text: string; at: number },
  ): Promise<boolean> {
    try {
      this.#statement(
        this.db.write(tx),
        'UPDATE canned_responses SET shortcut = ?, text = ?, updated_at = ? WHERE id = ?',
      ).run(patch.shortcut, patch.text, patch.at, id)
      return true
    } catch (error) {
      if (isUnique(error)) return false
      throw error
    }
  }

  async delete(tx: Tx, id: string): Promise<void> {
    this.#statement(this.db.write(tx), 'DELETE FROM canned_responses WHERE id = ?').run(id)
  }
}
