import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RELAY_PACKAGE_DIR } from '../../config/paths.ts'
import { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { createSqliteStores } from '../../stores.ts'
import { freshStores, visitorSend } from '../../testing/store-fixtures.ts'
import { searchWords } from './words.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-search-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** FTS5's own check that the index holds exactly the words of its content; throws if not. */
function integrityCheck(db: SqliteDatabase): void {
  db.raw.prepare("INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)").run()
}

describe('the SQLite search index', () => {
  it('agrees with the log after appends, a rolled-back transaction and an erasure', async () => {
    const { stores, tx } = await freshStores(() => createSqliteStores(':memory:'))
    const db = stores.db as SqliteDatabase
    const { event } = await tx((t) =>
      stores.conversations.append(t, visitorSend('v1', 'a', 'Ёлка и подарки')),
    )
    await tx((t) =>
      stores.conversations.append(
        t,
        visitorSend('v1', 'b', 'second message', event.conversationId),
      ),
    )
    await tx(async (t) => {
      await stores.conversations.append(
        t,
        visitorSend('v1', 'c', 'rolled back', event.conversationId),
      )
      throw new Error('no')
    }).catch(() => undefined)
    integrityCheck(db)
    // A message and the erasure of its conversation in one batch: the erasure changes an event
    // the index does not hold yet, which the end of the batch then indexes as erased.
    await Promise.all([
      tx((t) =>
        stores.conversations.append(
          t,
          visitorSend('v1', 'd', 'same batch words', event.conversationId),
        ),
      ),
      tx((t) => stores.privacy.eraseConversations(t, [event.conversationId], 5000, '[erased]')),
    ])
    integrityCheck(db)
    db.raw.exec("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, events_fts, 'row')")
    const words = db.raw.prepare('SELECT term FROM temp.words').all() as { term: string }[]
    expect(words.map((w) => w.term)).toEqual(['erased'])
    // A corrupted index is caught: the check above is not one that always passes.
    db.raw.exec("INSERT INTO events_fts (rowid, text) VALUES (999, 'stray words')")
    expect(() => integrityCheck(db)).toThrow()
    await stores.db.close()
  })

  it('indexes the messages a database held before the index existed', async () => {
    const old = join(dir, 'migrations-014')
    mkdirSync(old)
    const all = join(RELAY_PACKAGE_DIR, 'migrations')
    for (const file of readdirSync(all).filter((f) => f < '015'))
      copyFileSync(join(all, file), join(old, file))
    // Written by a relay without 015: plain rows.
    const legacy = new SqliteDatabase(join(dir, 'legacy.db'), old)
    legacy.raw.exec(`
      INSERT INTO sites (id, name, settings, config_version, updated_at) VALUES ('shop', 'Shop', '{}', 'v1', 1);
      INSERT INTO conversations (id, site_id, visitor_id, created_at, updated_at) VALUES ('c1', 'shop', 'v1', 1, 1);
      INSERT INTO events (id, conversation_id, seq, author_kind, author_key, kind, text, at)
        VALUES ('e1', 'c1', 1, 'visitor', 'visitor:shop:v1', 'message', 'Старое сообщение про самовар', 1);
    `)
    await legacy.close()
    const stores = createSqliteStores(join(dir, 'legacy.db'))
    const hits = await stores.search.search({
      words: searchWords('самовар'),
      scope: { all: true },
      order: 'rank',
      limit: 10,
    })
    expect(hits.map((h) => h.event.id)).toEqual(['e1'])
    integrityCheck(stores.db as SqliteDatabase)
    await stores.db.close()
  })
})
