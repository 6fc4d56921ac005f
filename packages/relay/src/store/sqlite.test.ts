import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toSiteRecord } from '../modules/sites/sites.ts'
import { describeStore } from './contract.ts'
import { createSqliteStore, SqliteStore } from './sqlite.ts'

describeStore('sqlite (memory)', () => createSqliteStore(':memory:'))

const dir = mkdtempSync(join(tmpdir(), 'parley-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
describeStore('sqlite (file)', () => createSqliteStore(join(dir, `store-${files++}.db`)))

describe('SqliteStore', () => {
  it('runs in WAL mode with full sync and records applied migrations once', async () => {
    const path = join(dir, 'wal.db')
    const store = new SqliteStore(path)
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2)
    await store.close()
    const reopened = new SqliteStore(path)
    const versions = reopened.db.prepare('SELECT version FROM schema_migrations').all()
    expect(versions).toContainEqual({ version: '001_init' })
    expect(versions).toContainEqual({ version: '002_forms' })
    await reopened.close()
  })

  it('keeps committed events across reopening the file', async () => {
    const path = join(dir, 'durable.db')
    const store = createSqliteStore(path)
    await store.putSite(toSiteRecord({ id: 'shop' }))
    const { event } = await store.appendEvent({
      id: 'e1',
      cid: 'c1',
      authorKey: 'visitor:shop:v1',
      author: { kind: 'visitor', id: 'v1' },
      kind: 'message',
      text: 'kept',
      at: 1,
      target: { open: { siteId: 'shop', visitorId: 'v1' } },
      newConversationId: 'conv',
    })
    await store.close()
    const reopened = createSqliteStore(path)
    expect(await reopened.eventsAfter('conv', 0, 10)).toEqual([event])
    await reopened.close()
  })
})
