import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import { isUniqueViolation } from '../../infra/db/postgres.ts'
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

/** The `canned_responses` table on PostgreSQL. */
export class PostgresCannedStore implements CannedStore {
  constructor(private readonly db: PostgresDatabase) {}

  async listFor(ownerId: string, groupIds: readonly string[]): Promise<CannedRecord[]> {
    return (
      await this.db.rows<Row>(
        `SELECT * FROM canned_responses WHERE owner_id = $1 OR group_id = ANY($2)
         ORDER BY owner_id IS NULL, shortcut, id`,
        [ownerId, groupIds],
      )
    ).map(toRecord)
  }

  async listShared(): Promise<CannedRecord[]> {
    return (
      await this.db.rows<Row>(
        'SELECT * FROM canned_responses WHERE group_id IS NOT NULL ORDER BY shortcut, id',
      )
    ).map(toRecord)
  }

  async get(id: string): Promise<CannedRecord | undefined> {
    const row = await this.db.row<Row>('SELECT * FROM canned_responses WHERE id = $1', [id])
    return row && toRecord(row)
  }

  /** False when the shortcut is taken (the transaction goes on). */
  private async unique(tx: Tx, write: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.db.attempt(tx, write)
      return true
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  create(tx: Tx, r: CannedRecord): Promise<boolean> {
    return this.unique(tx, () =>
      this.db.run(
        tx,
        `INSERT INTO canned_responses (id, owner_id, group_id, shortcut, text, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [r.id, r.ownerId, r.groupId, r.shortcut, r.text, r.createdAt, r.updatedAt],
      ),
    )
  }

  update(tx: Tx, id: string, patch: { shortcut: string; text: string; at: number }) {
    return this.unique(tx, () =>
      this.db.run(
        tx,
        'UPDATE canned_responses SET shortcut = $1, text = $2, updated_at = $3 WHERE id = $4',
        [patch.shortcut, patch.text, patch.at, id],
      ),
    )
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await this.db.run(tx, 'DELETE FROM canned_responses WHERE id = $1', [id])
  }
}
