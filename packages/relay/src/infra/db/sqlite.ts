import { closeSync, fsync, fsyncSync, openSync } from 'node:fs'
import { dirname, join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { RELAY_PACKAGE_DIR } from '../../config/paths.ts'
import { migrate } from './migrate.ts'
import type { Tx, UnitOfWork } from './unit-of-work.ts'

/** The transaction handle of `SqliteDatabase`. */
interface SqliteTx {
  readonly serial: number
}

interface Pending {
  work: (tx: Tx) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/** Caps of group commit (see `SqliteDatabase`). */
export interface GroupCommitOptions {
  /** Most transactions in one commit. */
  maxBatch?: number
  /** A batch takes no more transactions once it has been open this long (ms). */
  maxWaitMs?: number
  /** How the write-ahead log is flushed to disk (`node:fs` `fsync`; tests hold or fail it). */
  fsync?: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void
}

/**
 * The embedded engine: one SQLite file in WAL mode, and a committed transaction survives a
 * crash of the process or of the machine.
 *
 * Durability off the event loop: SQLite runs with `synchronous = NORMAL`, so `COMMIT` only
 * writes the log (no fsync, microseconds), and the relay then fsyncs the `-wal` file itself
 * with `node:fs` `fsync`, on libuv's thread pool. Callers resolve only after that fsync, so
 * nothing is acknowledged before it is on disk, as with `synchronous = FULL`; meanwhile the
 * loop serves sockets and runs the next batch, and one fsync covers every commit made before
 * it began. (SQLite still fsyncs the log and the database around each checkpoint, and WAL's
 * checksums keep a torn tail out.) A failed fsync fails its callers and every transaction
 * after it: the relay must restart, since what reached the disk is then unknown. An
 * in-memory database has no log and resolves at `COMMIT`.
 *
 * Group commit: transactions asked for in the same event-loop turn, or while a batch is
 * under way, run one after another inside ONE `BEGIN IMMEDIATE` … `COMMIT`, each in its own
 * `SAVEPOINT`. A transaction whose work throws is rolled back to its savepoint (only its own
 * writes go) and only its caller is rejected; every caller resolves after the shared
 * `COMMIT`, so nothing is acknowledged before it is durable, and one fsync serves the batch.
 * A batch stops taking transactions at `maxBatch` of them or `maxWaitMs` after it began; the
 * rest go in the next one, in the order asked. A read waits for the transactions asked for
 * before it and while a batch is open, so it sees their writes and never writes that may
 * still roll back; reads inside a transaction pass its `tx`. A read waits for a commit, not
 * for its fsync: it may see a batch whose callers are not acknowledged yet (only a power cut
 * in that fsync's few milliseconds could take such a batch back).
 */
export class SqliteDatabase implements UnitOfWork {
  /** The connection: only the SQLite adapters of the modules use it. */
  readonly raw: BetterSqlite3.Database
  private readonly maxBatch: number
  private readonly maxWaitMs: number
  private readonly queue: Pending[] = []
  /** Between `BEGIN` and the end of the batch: what is written may still roll back. */
  private open = false
  /** Resolves when the next (or open) batch has ended; set while one is scheduled or open. */
  private nextEnd: Promise<void> | undefined
  private endBatch: (() => void) | undefined
  /** Transactions asked for, and those that have ended (committed or not), in order. */
  private requested = 0
  private settled = 0
  private active: SqliteTx | undefined
  private serial = 0
  private closing = false
  private idle: (() => void)[] = []
  private readonly batchEnds: (() => void)[] = []
  private readonly begin: BetterSqlite3.Statement
  private readonly commit: BetterSqlite3.Statement
  private readonly savepoint: BetterSqlite3.Statement
  private readonly release: BetterSqlite3.Statement
  private readonly rollbackTo: BetterSqlite3.Statement
  /** The `-wal` file, opened at the first commit of a file database; `null`: in memory. */
  private wal: number | null | undefined
  private readonly fsync: NonNullable<GroupCommitOptions['fsync']>
  /** The fsync under way, and the one queued behind it for commits made since it began. */
  private syncing: Promise<void> | undefined
  private syncNext: Promise<void> | undefined
  /** Set once an fsync failed: every later transaction is refused. */
  private failed: Error | undefined
  /** Batches whose callers wait for their fsync (`close` waits for them too). */
  private unsynced = 0

  constructor(
    path: string,
    migrationsDir = join(RELAY_PACKAGE_DIR, 'migrations'),
    { maxBatch = 256, maxWaitMs = 10, fsync: sync = fsync }: GroupCommitOptions = {},
  ) {
    this.raw = new BetterSqlite3(path)
    const mode = this.raw.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal') this.wal = null
    // NORMAL: COMMIT writes the log without an fsync; `sync()` makes it durable (see above).
    this.raw.pragma(this.wal === null ? 'synchronous = FULL' : 'synchronous = NORMAL')
    this.fsync = sync
    this.raw.pragma('foreign_keys = ON')
    this.raw.pragma('busy_timeout = 5000')
    migrate(this.raw, migrationsDir)
    this.maxBatch = maxBatch
    this.maxWaitMs = maxWaitMs
    this.begin = this.raw.prepare('BEGIN IMMEDIATE')
    this.commit = this.raw.prepare('COMMIT')
    this.savepoint = this.raw.prepare('SAVEPOINT tx')
    this.release = this.raw.prepare('RELEASE tx')
    this.rollbackTo = this.raw.prepare('ROLLBACK TO tx')
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error('SqliteDatabase: closed'))
    if (this.failed) return Promise.reject(this.failed)
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
      this.requested += 1
      this.schedule()
    })
  }

  /** The connection for a write inside `tx`; throws if `tx` is not the open transaction. */
  write(tx: Tx): BetterSqlite3.Database {
    if ((tx as unknown as SqliteTx) !== this.active || !this.active) {
      throw new Error('SqliteDatabase: a write outside its transaction (the transaction ended)')
    }
    return this.raw
  }

  /**
   * Runs a read once the transactions asked for before it have ended and no batch is open,
   * so it sees what they committed and nothing that may still roll back (inside `tx`, pass
   * it to read its own writes). Transactions asked for after the read do not hold it up.
   */
  async read<T>(fn: (db: BetterSqlite3.Database) => T, tx?: Tx): Promise<T> {
    if (tx !== undefined) return fn(this.write(tx))
    const mark = this.requested
    while (this.settled < mark || this.open) await this.nextEnd
    return fn(this.raw)
  }

  /**
   * Runs `fn` inside every batch's transaction, after its last transaction and before the
   * `COMMIT`: data derived from what the batch wrote (the search index) catches up once per
   * batch and commits with it. If `fn` throws, the batch rolls back and its callers are told.
   */
  onBatchEnd(fn: () => void): void {
    this.batchEnds.push(fn)
  }

  async close(): Promise<void> {
    this.closing = true
    if (this.nextEnd || this.unsynced > 0) {
      await new Promise<void>((resolve) => this.idle.push(resolve))
    }
    if (this.raw.open) this.raw.close()
    if (typeof this.wal === 'number') closeSync(this.wal)
    this.wal = undefined
  }

  /** Starts a batch in the next turn, after the I/O of this one has queued its transactions. */
  private schedule(): void {
    if (this.nextEnd) return
    this.nextEnd = new Promise<void>((resolve) => {
      this.endBatch = resolve
    })
    setImmediate(() => void this.runBatch())
  }

  private async runBatch(): Promise<void> {
    this.open = true
    const started = performance.now()
    const succeeded: { pending: Pending; value: unknown }[] = []
    let taken = 0
    try {
      this.begin.run()
      while (
        this.queue.length > 0 &&
        (taken === 0 || (taken < this.maxBatch && performance.now() - started < this.maxWaitMs))
      ) {
        taken += 1
        const pending = this.queue.shift()!
        const tx: SqliteTx = { serial: ++this.serial }
        this.active = tx
        this.savepoint.run()
        try {
          const value = await pending.work(tx as unknown as Tx)
          this.release.run()
          succeeded.push({ pending, value })
        } catch (error) {
          pending.reject(error)
          // Some errors (a full disk, an I/O error) end the whole transaction: the writes of
          // the batch so far are gone too, so their callers are told.
          if (!this.raw.inTransaction) throw error
          this.rollbackTo.run()
          this.release.run()
        } finally {
          this.active = undefined
        }
      }
      if (succeeded.length > 0) for (const fn of this.batchEnds) fn()
      this.commit.run()
      if (succeeded.length > 0) this.resolveWhenDurable(succeeded)
    } catch (error) {
      if (this.raw.inTransaction) this.raw.exec('ROLLBACK')
      for (const { pending } of succeeded) pending.reject(error)
    } finally {
      this.open = false
      this.settled += taken
      const endBatch = this.endBatch!
      this.nextEnd = undefined
      endBatch()
      if (this.queue.length > 0) this.schedule()
      else this.maybeIdle()
    }
  }

  /** Resolves a committed batch's callers once the log is on disk (or rejects them). */
  private resolveWhenDurable(succeeded: { pending: Pending; value: unknown }[]): void {
    this.unsynced += 1
    this.sync()
      .then(
        () => {
          for (const { pending, value } of succeeded) pending.resolve(value)
        },
        (error: unknown) => {
          this.failed ??= new Error(
            `SqliteDatabase: the database's log could not be written to disk (${(error as Error).message}); nothing since is acknowledged — restart the relay once the disk is fixed`,
          )
          for (const { pending } of succeeded) pending.reject(this.failed)
        },
      )
      .finally(() => {
        this.unsynced -= 1
        this.maybeIdle()
      })
  }

  /**
   * An fsync of the log that begins after every commit made so far: the one under way if
   * none has been made since it began, else the next one (shared by all that wait for it).
   */
  private sync(): Promise<void> {
    if (this.wal === null) return Promise.resolve()
    if (this.syncing) {
      this.syncNext ??= this.syncing
        .catch(() => {})
        .then(() => {
          this.syncNext = undefined
          return this.sync()
        })
      return this.syncNext
    }
    if (this.wal === undefined) this.wal = this.openWal()
    const fd = this.wal
    const started = new Promise<void>((resolve, reject) => {
      this.fsync(fd, (error) => (error ? reject(error) : resolve()))
    })
    this.syncing = started.finally(() => {
      this.syncing = undefined
    })
    return this.syncing
  }

  /** Opens the `-wal` file (it exists once something was committed) and makes its name durable. */
  private openWal(): number {
    const fd = openSync(`${this.raw.name}-wal`, 'r')
    const dir = openSync(dirname(this.raw.name), 'r')
    try {
      fsyncSync(dir)
    } finally {
      closeSync(dir)
    }
    return fd
  }

  private maybeIdle(): void {
    if (this.nextEnd === undefined && this.queue.length === 0 && this.unsynced === 0)
      for (const resolve of this.idle.splice(0)) resolve()
  }
}

/** Opens (and migrates) a SQLite database; `':memory:'` gives a throwaway one. */
export function openSqlite(path: string): SqliteDatabase {
  return new SqliteDatabase(path)
}
