import { join } from 'node:path'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { RELAY_PACKAGE_DIR } from '../../config/paths.ts'
import { createPostgresStores } from '../../stores.ts'
import { createTestDatabase } from '../../testing/postgres.ts'
import { SITE, visitorSend } from '../../testing/store-fixtures.ts'

const migrations = join(RELAY_PACKAGE_DIR, 'migrations', 'postgres')

describe('the PostgreSQL engine', () => {
  it('migrates once when two relays start on an empty database at the same moment', async () => {
    const { url, drop } = await createTestDatabase({ empty: true })
    const [a, b] = await Promise.all([createPostgresStores(url), createPostgresStores(url)])
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version')
    await client.end()
    const { readdirSync } = await import('node:fs')
    const files = readdirSync(migrations).filter((f) => f.endsWith('.sql'))
    expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.replace(/\.sql$/, '')).sort())
    // Both work on the one schema.
    await a.db.transaction((t) => a.sites.put(t, SITE, 1))
    expect((await b.sites.get('shop'))?.config.name).toBe('Shop')
    await Promise.all([a.db.close(), b.db.close()])
    await drop()
  })

  it('gives every event of a conversation its own seq when two relays append at once', async () => {
    const { url, drop } = await createTestDatabase()
    const a = await createPostgresStores(url)
    const b = await createPostgresStores(url)
    await a.db.transaction((t) => a.sites.put(t, SITE, 1))
    const first = await a.db.transaction((t) =>
      a.conversations.append(t, visitorSend('v1', 'c0', 'first')),
    )
    const id = first.conversation.id
    // Twenty messages into the same chat from each relay, all in flight together.
    const sends = [a, b].flatMap((stores, r) =>
      Array.from({ length: 20 }, (_, i) =>
        stores.db.transaction((t) =>
          stores.conversations.append(t, visitorSend('v1', `r${r}-${i}`, `${r}:${i}`, id)),
        ),
      ),
    )
    const results = await Promise.all(sends)
    expect(results.every((r) => !r.duplicate && r.conversation.id === id)).toBe(true)
    const events = await a.conversations.eventsAfter(id, 0, 100)
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1))
    // The same cid again, through the other relay: the stored event, nothing new.
    const again = await b.db.transaction((t) =>
      b.conversations.append(t, visitorSend('v1', 'r0-3', 'repeat', id)),
    )
    expect(again.duplicate).toBe(true)
    expect(again.event.text).toBe('0:3')
    await Promise.all([a.db.close(), b.db.close()])
    await drop()
  })

  it('opens one chat for a visitor whose first messages reach two relays at once', async () => {
    const { url, drop } = await createTestDatabase()
    const a = await createPostgresStores(url)
    const b = await createPostgresStores(url)
    await a.db.transaction((t) => a.sites.put(t, SITE, 1))
    const [x, y] = await Promise.all([
      a.db.transaction((t) => a.conversations.append(t, visitorSend('v9', 'x', 'from tab 1'))),
      b.db.transaction((t) => b.conversations.append(t, visitorSend('v9', 'y', 'from tab 2'))),
    ])
    expect(x.conversation.id).toBe(y.conversation.id)
    expect([x.created, y.created].sort()).toEqual([false, true])
    expect(await a.conversations.countOpen('shop', 'v9')).toEqual({ total: 1, chat: 1 })
    await Promise.all([a.db.close(), b.db.close()])
    await drop()
  })

  it('rejects the transactions of a batch whose connection dies, and serves the next ones', async () => {
    const { url, drop } = await createTestDatabase()
    const stores = await createPostgresStores(url)
    await stores.db.transaction((t) => stores.sites.put(t, SITE, 1))
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    // The writer's connection is cut by the server in the middle of a transaction.
    const cut = stores.db.transaction(async (t) => {
      await stores.settings.set(t, 'k', 'lost')
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`,
      )
      await stores.settings.set(t, 'k2', 'lost too')
    })
    await expect(cut).rejects.toThrow()
    await admin.end()
    await stores.db.transaction((t) => stores.settings.set(t, 'k', 'kept'))
    expect(await stores.settings.get('k')).toBe('kept')
    expect(await stores.settings.get('k2')).toBeUndefined()
    await stores.db.close()
    await drop()
  })
})
