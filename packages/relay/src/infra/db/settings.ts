import type { PostgresDatabase } from './postgres.ts'
import type { SqliteDatabase } from './sqlite.ts'
import { type Statements, statements } from './statements.ts'
import type { Tx } from './unit-of-work.ts'

/** The relay's own key–value settings (the visitor-token secret, seed fingerprints). */
export interface SettingsStore {
  get(key: string, tx?: Tx): Promise<string | undefined>
  set(tx: Tx, key: string, value: string): Promise<void>
}

export class SqliteSettingsStore implements SettingsStore {
  private readonly sql: Statements

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
  }

  get(key: string, tx?: Tx): Promise<string | undefined> {
    return this.db.read(() => {
      const row = this.sql('SELECT value FROM settings WHERE key = ?').get(key) as
        | { value: string }
        | undefined
      return row?.value
    }, tx)
  }

  async set(tx: Tx, key: string, value: string): Promise<void> {
    this.sql(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      tx,
    ).run(key, value)
  }
}

/** The `settings` table on PostgreSQL. */
export class PostgresSettingsStore implements SettingsStore {
  constructor(private readonly db: PostgresDatabase) {}

  async get(key: string, tx?: Tx): Promise<string | undefined> {
    const row = await this.db.row<{ value: string }>(
      'SELECT value FROM settings WHERE key = $1',
      [key],
      tx,
    )
    return row?.value
  }

  async set(tx: Tx, key: string, value: string): Promise<void> {
    await this.db.run(
      tx,
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    )
  }
}
