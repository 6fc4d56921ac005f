import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { RELAY_PACKAGE_DIR } from '../../config/paths.ts'
import { migrate } from './migrate.ts'
import type { Tx, UnitOfWork } from './unit-of-work.ts'

/** The transaction handle of `SqliteDatabase`. */
interface SqliteTx {
  readonly serial: number
}

/**
 * The embedded engine: one SQLite file in WAL mode with `synchronous = FULL`, so a committed
 * transaction survives a crash of the process or of the machine. better-sqlite3 runs one
 * connection synchronously, so transactions are queued one at a time (`BEGIN IMMEDIATE` …
 * `COMMIT` around an async `work`), and a read waits while a transaction is open so that it
 * never sees writes that may still roll back.
 */
export class SqliteDatabase implements UnitOfWork {
  /** The connection: only the SQLite adapters of the modules use it. */
  readonly raw: BetterSqlite3.Database
  private tail: Promise<void> = Promise.resolve()
  private active: SqliteTx | undefined
  private activeDone: Promise<void> = Promise.resolve()
  private serial = 0

  constructor(path: string, migrationsDir = join(RELAY_PACKAGE_DIR, 'migrations')) {
    this.raw = new BetterSqlite3(path)
    this.raw.pragma('journal_mode = WAL')
    this.raw.pragma('synchronous = FULL')
    this.raw.pragma('foreign_keys = ON')
    this.raw.pragma('busy_timeout = 5000')
    migrate(this.raw, migrationsDir)
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const previous = this.tail
    let release!: () => void
    const done = new Promise<void>((resolve) => {
      release = resolve
    })
    this.tail = done
    await previous
    const tx: SqliteTx = { serial: ++this.serial }
    this.active = tx
    this.activeDone = done
    try {
      this.raw.exec('BEGIN IMMEDIATE')
      const result = await work(tx as unknown as Tx)
      this.raw.exec('COMMIT')
      return result
    } catch (error) {
      if (this.raw.inTransaction) this.raw.exec('ROLLBACK')
      throw error
    } finally {
      this.active = undefined
      release()
    }
  }

  /** The connection for a write inside `tx`; throws if `tx` is not the open transaction. */
  write(tx: Tx): BetterSqlite3.Database {
    if ((tx as unknown as SqliteTx) !== this.active || !this.active) {
      throw new Error('SqliteDatabase: a write outside its transaction (the transaction ended)')
    }
    return this.raw
  }

  /** Runs a read once no transaction is open (inside `tx`, pass it to read its own writes). */
  async read<T>(fn: (db: BetterSqlite3.Database) => T, tx?: Tx): Promise<T> {
    if (tx !== undefined) return fn(this.write(tx))
    while (this.active) await this.activeDone
    return fn(this.raw)
  }

  async close(): Promise<void> {
    await this.tail
    if (this.raw.open) this.raw.close()
  }
}

/** Opens (and migrates) a SQLite database; `':memory:'` gives a throwaway one. */
export function openSqlite(path: string): SqliteDatabase {
  return new SqliteDatabase(path)
}
