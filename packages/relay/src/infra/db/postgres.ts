import { createHash } from 'node:crypto'
import { join } from 'node:path'
import pg from 'pg'
import { RELAY_PACKAGE_DIR } from '../../config/paths.ts'
import { migratePostgres } from './postgres-migrate.ts'
import type { GroupCommitOptions } from './sqlite.ts'
import type { Tx, UnitOfWork } from './unit-of-work.ts'

/** The transaction handle of `PostgresDatabase`. */
interface PostgresTx {
  readonly serial: number
}

interface Pending {
  work: (tx: Tx) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/** A value bound to a statement parameter. */
export type SqlValue = string | number | boolean | null | Buffer | readonly string[]

// Times are epoch milliseconds in BIGINT columns and counts come back as BIGINT or NUMERIC:
// all far below 2^53, so they are read as JavaScript numbers, as better-sqlite3 reads them.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) {
      return (value: string) => Number(value)
    }
    return pg.types.getTypeParser(oid, format as 'text')
  },
}

/** SQLSTATEs after which a transaction's work may simply run again. */
const RETRYABLE = new Set(['40001', '40P01'])
const MAX_RETRIES = 3

/** Whether `error` is PostgreSQL refusing a duplicate in the unique index `constraint`. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string }
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint)
}

/**
 * The networked engine: a PostgreSQL database through a connection pool. Several relays may
 * share it; what they must agree on (a conversation's next `seq`, one open chat per visitor)
 * is decided under row locks in the database, not in any relay's memory.
 *
 * Group commit, as `SqliteDatabase` does it: transactions asked for while a batch is under
 * way run one after another on ONE connection inside one `BEGIN` … `COMMIT`, each in its own
 * `SAVEPOINT`, so a relay's transactions are serial (each sees the one before, as the unit of
 * work promises) and one commit round trip serves many. A work that fails is rolled back to
 * its savepoint and only its caller is rejected; one that meets a deadlock or serialization
 * failure (another relay holding the same rows) is rolled back and run again. Every caller
 * resolves after the shared `COMMIT`. Reads outside a transaction go to the rest of the pool
 * once the transactions asked for before them have ended, and see only committed data.
 */
export class PostgresDatabase implements UnitOfWork {
  readonly pool: pg.Pool
  private readonly maxBatch: number
  private readonly maxWaitMs: number
  private readonly queue: Pending[] = []
  private nextEnd: Promise<void> | undefined
  private endBatch: (() => void) | undefined
  private requested = 0
  private settled = 0
  private active: PostgresTx | undefined
  private writer: pg.PoolClient | undefined
  private serial = 0
  private closing = false
  private closed = false
  private idle: (() => void)[] = []
  /** Statement names by text: each is prepared once per connection, then only executed. */
  private readonly names = new Map<string, string>()

  private constructor(pool: pg.Pool, { maxBatch = 256, maxWaitMs = 10 }: GroupCommitOptions) {
    this.pool = pool
    this.maxBatch = maxBatch
    this.maxWaitMs = maxWaitMs
  }

  /** Connects to `url` (`postgres://…`), migrates the database, and returns the engine. */
  static async open(
    url: string,
    {
      migrationsDir = join(RELAY_PACKAGE_DIR, 'migrations', 'postgres'),
      poolSize = 10,
      ...options
    }: GroupCommitOptions & { migrationsDir?: string; poolSize?: number } = {},
  ): Promise<PostgresDatabase> {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, types })
    // An idle connection the server dropped is an event, not a crash of the relay; the pool
    // replaces it on the next query.
    pool.on('error', () => {})
    try {
      // Connecting first: a server out of reach or refusing the login is the URL's problem.
      const client = await pool.connect().catch((error: Error) => {
        throw new Error(`PARLEY_DATABASE_URL: cannot connect to ${redact(url)}: ${error.message}`)
      })
      client.release()
      await migratePostgres(pool, migrationsDir)
    } catch (error) {
      await pool.end()
      throw error
    }
    return new PostgresDatabase(pool, options)
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error('PostgresDatabase: closed'))
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
      this.requested += 1
      this.schedule()
    })
  }

  /**
   * Runs one statement. With `tx`, inside that transaction (it throws unless `tx` is the open
   * one); without, once the transactions asked for before it have ended, on another
   * connection of the pool. Returns the rows and how many rows it changed.
   */
  async query<R = Record<string, unknown>>(
    text: string,
    values: readonly SqlValue[] = [],
    tx?: Tx,
  ): Promise<{ rows: R[]; rowCount: number }> {
    const config = { name: this.nameOf(text), text, values: values as unknown[] }
    if (tx !== undefined) {
      const result = await this.client(tx).query(config)
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 }
    }
    const mark = this.requested
    while (this.settled < mark) await this.nextEnd
    const result = await this.pool.query(config)
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 }
  }

  /** The rows of one statement (see `query`). */
  async rows<R = Record<string, unknown>>(
    text: string,
    values: readonly SqlValue[] = [],
    tx?: Tx,
  ): Promise<R[]> {
    return (await this.query<R>(text, values, tx)).rows
  }

  /** The first row of one statement, if any (see `query`). */
  async row<R = Record<string, unknown>>(
    text: string,
    values: readonly SqlValue[] = [],
    tx?: Tx,
  ): Promise<R | undefined> {
    return (await this.query<R>(text, values, tx)).rows[0]
  }

  /** Runs a write in `tx`; returns how many rows it changed. */
  async run(tx: Tx, text: string, values: readonly SqlValue[] = []): Promise<number> {
    return (await this.query(text, values, tx)).rowCount
  }

  /**
   * Runs `fn` in a nested savepoint of `tx`: when it throws, only its own writes are undone
   * and the transaction goes on (PostgreSQL refuses every later statement of a transaction
   * in which one failed, unless it is rolled back to a savepoint).
   */
  async attempt<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
    const client = this.client(tx)
    await client.query('SAVEPOINT attempt')
    try {
      const value = await fn()
      await client.query('RELEASE attempt')
      return value
    } catch (error) {
      await client.query('ROLLBACK TO attempt')
      await client.query('RELEASE attempt')
      throw error
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closing = true
    if (this.nextEnd) await new Promise<void>((resolve) => this.idle.push(resolve))
    this.closed = true
    this.writer?.release()
    this.writer = undefined
    await this.pool.end()
  }

  private client(tx: Tx): pg.PoolClient {
    if ((tx as unknown as PostgresTx) !== this.active || !this.active || !this.writer) {
      throw new Error('PostgresDatabase: a write outside its transaction (the transaction ended)')
    }
    return this.writer
  }

  private nameOf(text: string): string {
    let name = this.names.get(text)
    if (name === undefined) {
      name = `p${createHash('sha1').update(text).digest('hex').slice(0, 16)}`
      this.names.set(text, name)
    }
    return name
  }

  private schedule(): void {
    if (this.nextEnd) return
    this.nextEnd = new Promise<void>((resolve) => {
      this.endBatch = resolve
    })
    setImmediate(() => void this.runBatch())
  }

  private async runBatch(): Promise<void> {
    const started = performance.now()
    const succeeded: { pending: Pending; value: unknown }[] = []
    let taken = 0
    let broken = false
    try {
      if (!this.writer) {
        this.writer = await this.pool.connect()
        // A connection the server ends fails its query too; that failure is handled below.
        this.writer.on('error', () => {})
      }
      const client = this.writer
      // Statements that end one transaction and begin the next go in one round trip.
      await client.query('BEGIN; SAVEPOINT tx')
      for (;;) {
        taken += 1
        const pending = this.queue.shift()!
        for (let attempt = 0; ; attempt++) {
          const tx: PostgresTx = { serial: ++this.serial }
          this.active = tx
          try {
            const value = await pending.work(tx as unknown as Tx)
            this.active = undefined
            succeeded.push({ pending, value })
            break
          } catch (error) {
            this.active = undefined
            try {
              // The savepoint stays: a retry runs inside it again.
              await client.query('ROLLBACK TO tx')
            } catch (broken) {
              pending.reject(error)
              throw broken
            }
            const code = (error as { code?: string }).code
            if (code !== undefined && RETRYABLE.has(code) && attempt < MAX_RETRIES) continue
            pending.reject(error)
            break
          }
        }
        const more =
          this.queue.length > 0 &&
          taken < this.maxBatch &&
          performance.now() - started < this.maxWaitMs
        if (!more) break
        await client.query('RELEASE tx; SAVEPOINT tx')
      }
      await client.query('RELEASE tx; COMMIT')
      for (const { pending, value } of succeeded) pending.resolve(value)
    } catch (error) {
      // The connection failed or the commit was refused: nothing of the batch is kept.
      broken = true
      for (const { pending } of succeeded) pending.reject(error)
      // A transaction taken off the queue but not yet run is told too.
      if (taken === 0 && this.queue.length > 0) {
        taken = 1
        this.queue.shift()!.reject(error)
      }
    } finally {
      this.active = undefined
      if (broken && this.writer) {
        // A connection in an unknown state is not reused.
        this.writer.release(true)
        this.writer = undefined
      }
      this.settled += taken
      const endBatch = this.endBatch!
      this.nextEnd = undefined
      endBatch()
      if (this.queue.length > 0) this.schedule()
      else for (const resolve of this.idle.splice(0)) resolve()
    }
  }
}

/** `url` without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'the given URL'
  }
}
