import { mkdtempSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteSettingsStore } from './settings.ts'
import { type GroupCommitOptions, SqliteDatabase } from './sqlite.ts'

let dir: string
let db: SqliteDatabase
let settings: SqliteSettingsStore
/** A second connection to the same file: it sees only what has been committed. */
let peek: BetterSqlite3.Database

function open(options: GroupCommitOptions = {}) {
  db = new SqliteDatabase(join(dir, 'group.db'), undefined, options)
  settings = new SqliteSettingsStore(db)
  peek = new BetterSqlite3(join(dir, 'group.db'), { readonly: true })
}

const committed = (key: string) =>
  (peek.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string })?.value

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-group-'))
})
afterEach(async () => {
  peek?.close()
  await db?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('group commit', () => {
  it('commits the transactions of one turn together; a failing one rolls back only itself', async () => {
    open()
    const seenByOthers: (string | undefined)[] = []
    const a = db.transaction(async (tx) => {
      await settings.set(tx, 'a', '1')
      return 'a done'
    })
    const b = db.transaction(async (tx) => {
      await settings.set(tx, 'b', '2')
      await settings.set(tx, 'a', 'overwritten by b')
      throw new Error('b fails')
    })
    const c = db.transaction(async (tx) => {
      // Inside the batch: a's write is there for c, and not yet committed for anyone else.
      expect(await settings.get('a', tx)).toBe('1')
      seenByOthers.push(committed('a'))
      await settings.set(tx, 'c', '3')
      return 'c done'
    })
    const results = await Promise.allSettled([a, b, c])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((results[0] as PromiseFulfilledResult<string>).value).toBe('a done')
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('b fails'))
    expect((results[2] as PromiseFulfilledResult<string>).value).toBe('c done')
    expect(seenByOthers).toEqual([undefined])
    expect([committed('a'), committed('b'), committed('c')]).toEqual(['1', undefined, '3'])
  })

  it('resolves each caller only once the shared commit is on disk', async () => {
    open()
    const seenAtResolve: (string | undefined)[] = []
    const writes = ['x', 'y', 'z'].map((key) =>
      db
        .transaction((tx) => settings.set(tx, key, key.toUpperCase()))
        .then(() => seenAtResolve.push(committed(key))),
    )
    await Promise.all(writes)
    expect(seenAtResolve).toEqual(['X', 'Y', 'Z'])
  })

  it('runs transactions in the order asked, within a batch and across batches', async () => {
    open({ maxBatch: 2 })
    const ran: string[] = []
    const committedWhenRun: Record<string, (string | undefined)[]> = {}
    const step = (n: number) =>
      db.transaction(async (tx) => {
        ran.push(`t${n}`)
        committedWhenRun[`t${n}`] = [1, 2, 3, 4, 5].map((k) => committed(`t${k}`))
        await Promise.resolve()
        await settings.set(tx, `t${n}`, String(n))
        return n
      })
    const all = await Promise.all([1, 2, 3, 4, 5].map(step))
    expect(all).toEqual([1, 2, 3, 4, 5])
    expect(ran).toEqual(['t1', 't2', 't3', 't4', 't5'])
    // Batches of two: t3 starts after t1 and t2 have committed, t5 after t3 and t4.
    expect(committedWhenRun.t2).toEqual([undefined, undefined, undefined, undefined, undefined])
    expect(committedWhenRun.t3).toEqual(['1', '2', undefined, undefined, undefined])
    expect(committedWhenRun.t5).toEqual(['1', '2', '3', '4', undefined])
  })

  it('takes a transaction asked for while the batch is under way into the same commit', async () => {
    open()
    let later: Promise<void> | undefined
    const first = db.transaction(async (tx) => {
      await settings.set(tx, 'first', '1')
      later = db.transaction((t) => settings.set(t, 'later', '2'))
      // Let the request land in the queue while this transaction is still open.
      await new Promise((resolve) => setImmediate(resolve))
    })
    let firstSawLater: string | undefined = 'not checked'
    await first.then(() => {
      firstSawLater = committed('later')
    })
    await later
    expect(firstSawLater).toBe('2')
  })

  it('keeps reads waiting while a batch is open, then shows them what it committed', async () => {
    open()
    const writing = db.transaction(async (tx) => {
      await settings.set(tx, 'k', 'v')
      await new Promise((resolve) => setImmediate(resolve))
    })
    await new Promise((resolve) => setImmediate(resolve))
    const read = settings.get('k')
    await writing
    expect(await read).toBe('v')
  })

  it('shows a read the transactions asked for before it, even those not yet begun', async () => {
    open()
    const writing = db.transaction((tx) => settings.set(tx, 'early', 'yes'))
    expect(await settings.get('early')).toBe('yes')
    await writing
  })

  it('refuses a write with a transaction that has finished', async () => {
    open()
    let kept: Parameters<Parameters<SqliteDatabase['transaction']>[0]>[0] | undefined
    await db.transaction(async (tx) => {
      kept = tx
    })
    await expect(settings.set(kept!, 'late', 'x')).rejects.toThrow('outside its transaction')
  })
})

describe('durability: callers wait for the fsync of the log', () => {
  /** An fsync the test completes by hand: each call waits in `calls` until `done()`. */
  function heldFsync() {
    const calls: { fd: number; done: (error: NodeJS.ErrnoException | null) => void }[] = []
    let arrived: (() => void) | undefined
    return {
      calls,
      fsync: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => {
        calls.push({ fd, done })
        arrived?.()
      },
      /** Resolves once `n` fsyncs have been asked for. */
      until: (n: number) =>
        new Promise<void>((resolve) => {
          arrived = () => calls.length >= n && resolve()
          arrived()
        }),
    }
  }
  const settledYet = (p: Promise<unknown>) =>
    Promise.race([
      p.then(
        () => 'resolved',
        () => 'rejected',
      ),
      new Promise((r) => setImmediate(() => r('pending'))),
    ])

  it('acknowledges a commit only after its fsync; the next batch commits meanwhile and waits for its own', async () => {
    const held = heldFsync()
    open({ fsync: held.fsync })
    const a = db.transaction((tx) => settings.set(tx, 'a', '1'))
    await held.until(1)
    // The file synced is the database's write-ahead log.
    expect(readlinkSync(`/proc/self/fd/${held.calls[0]!.fd}`)).toBe(join(dir, 'group.db-wal'))
    // Committed (another connection reads it), not yet acknowledged.
    expect(committed('a')).toBe('1')
    expect(await settledYet(a)).toBe('pending')

    // A later batch runs while that fsync is under way; its own fsync waits for a fresh one.
    const b = db.transaction((tx) => settings.set(tx, 'b', '2'))
    // A read waits for the commit, not for the disk: it sees b before b is acknowledged.
    expect(await settings.get('b')).toBe('2')
    expect(committed('b')).toBe('2')
    expect(held.calls).toHaveLength(1)

    held.calls[0]!.done(null)
    await a
    await held.until(2)
    expect(await settledYet(b)).toBe('pending')
    held.calls[1]!.done(null)
    await b
    for (const call of held.calls.slice(2)) call.done(null)
  })

  it('fails the callers of a failed fsync and refuses every transaction after it, saying what to do', async () => {
    const held = heldFsync()
    open({ fsync: held.fsync })
    const a = db.transaction((tx) => settings.set(tx, 'a', '1'))
    await held.until(1)
    held.calls[0]!.done(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }))
    await expect(a).rejects.toThrow(
      /could not be written to disk \(EIO: i\/o error, fsync\).*restart the relay/,
    )
    await expect(db.transaction((tx) => settings.set(tx, 'b', '2'))).rejects.toThrow(
      'could not be written to disk',
    )
    expect(committed('b')).toBeUndefined()
  })

  it('resolves an in-memory database at its commit (it has no log to sync)', async () => {
    const held = heldFsync()
    db = new SqliteDatabase(':memory:', undefined, { fsync: held.fsync })
    settings = new SqliteSettingsStore(db)
    await db.transaction((tx) => settings.set(tx, 'm', '1'))
    expect(await settings.get('m')).toBe('1')
    expect(held.calls).toHaveLength(0)
  })
})
