import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RELAY_PACKAGE_DIR } from './config/paths.ts'
import { describeUnitOfWork } from './infra/db/contract.ts'
import { SqliteDatabase } from './infra/db/sqlite.ts'
import { describeAnalyticsStore } from './modules/analytics/contract.ts'
import { describeAttachmentStore } from './modules/attachments/contract.ts'
import { describeAuthStore } from './modules/auth/contract.ts'
import { describeCannedStore } from './modules/canned/contract.ts'
import { describeChannelStore } from './modules/channels/contract.ts'
import { describeConversationStore } from './modules/conversations/contract.ts'
import { describeEmployeeStore } from './modules/employees/contract.ts'
import { describeFunnelStore } from './modules/funnel/contract.ts'
import { describePrivacyStore } from './modules/privacy/contract.ts'
import { describeGroupStore } from './modules/routing/contract.ts'
import { describeScenarioStore } from './modules/scenarios/contract.ts'
import { describeSearchStore } from './modules/search/contract.ts'
import { describeSiteStore } from './modules/sites/contract.ts'
import { toSiteRecord } from './modules/sites/sites.ts'
import { describeVisitorStore } from './modules/visitors/contract.ts'
import { describeWebhookStore } from './modules/webhooks/contract.ts'
import { createSqliteStores } from './stores.ts'
import { postgresStores } from './testing/postgres.ts'
import { freshStores, type StoresFactory, visitorSend } from './testing/store-fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

const engines: [string, StoresFactory][] = [
  ['sqlite (memory)', () => createSqliteStores(':memory:')],
  ['sqlite (file)', () => createSqliteStores(join(dir, `store-${files++}.db`))],
  // A database of its own per test, cloned from the migrated template of the run's server.
  ['postgres', postgresStores],
]

for (const [name, factory] of engines) {
  describeUnitOfWork(name, factory)
  describeAuthStore(name, factory)
  describeEmployeeStore(name, factory)
  describeSiteStore(name, factory)
  describeConversationStore(name, factory)
  describeVisitorStore(name, factory)
  describeScenarioStore(name, factory)
  describeCannedStore(name, factory)
  describeGroupStore(name, factory)
  describePrivacyStore(name, factory)
  describeWebhookStore(name, factory)
  describeSearchStore(name, factory)
  describeAnalyticsStore(name, factory)
  describeChannelStore(name, factory)
  describeAttachmentStore(name, factory)
  describeFunnelStore(name, factory)

  describe(`one unit of work across modules: ${name}`, () => {
    it('stores nothing of a form whose profile change fails', async () => {
      const { stores, tx } = await freshStores(factory)
      await tx((t) =>
        stores.visitors.applyPatch(
          t,
          { siteId: 'shop', visitorId: 'v1', attributes: { a: 1, b: 2 }, maxAttributes: 2 },
          1,
        ),
      )
      const failing = tx(async (t) => {
        const { event } = await stores.conversations.append(t, visitorSend('v1', 'cb', 'form'))
        await stores.visitors.addConsent(t, {
          id: 'k1',
          siteId: 'shop',
          visitorId: 'v1',
          agreementVersion: 'ver',
          form: 'callback',
          at: 1,
          eventId: event.id,
        })
        await stores.visitors.applyPatch(
          t,
          { siteId: 'shop', visitorId: 'v1', attributes: { c: 3 }, maxAttributes: 2 },
          1,
        )
      })
      await expect(failing).rejects.toMatchObject({ code: 'field_invalid' })
      expect(await stores.conversations.listForVisitor('shop', 'v1', 10)).toEqual([])
      expect(await stores.visitors.listConsents('shop', 'v1')).toEqual([])
      expect(await stores.conversations.findEventByCid('visitor:shop:v1', 'cb')).toBeUndefined()
      await stores.db.close()
    })
  })
}

describe('the SQLite engine', () => {
  it('runs in WAL mode (the relay fsyncs the log itself) and records applied migrations once', async () => {
    const path = join(dir, 'wal.db')
    const stores = createSqliteStores(path)
    const raw = (stores.db as SqliteDatabase).raw
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    // NORMAL: COMMIT does not fsync; SqliteDatabase fsyncs the log before it acknowledges
    // (infra/db/sqlite.test.ts holds that fsync and sees callers wait for it).
    expect(raw.pragma('synchronous', { simple: true })).toBe(1)
    await stores.db.close()
    const reopened = createSqliteStores(path)
    const versions = (reopened.db as SqliteDatabase).raw
      .prepare('SELECT version FROM schema_migrations')
      .all()
    expect(versions).toContainEqual({ version: '001_init' })
    expect(versions).toContainEqual({ version: '002_forms' })
    await reopened.db.close()
  })

  it('rewrites invitation events stored before facts, so no visitor reads the scenario name', async () => {
    // A database as the relay left it before 007: migrated up to 006, one old invitation.
    const old = join(dir, 'migrations-006')
    mkdirSync(old)
    const all = join(RELAY_PACKAGE_DIR, 'migrations')
    for (const file of readdirSync(all).filter((f) => f < '007'))
      copyFileSync(join(all, file), join(old, file))
    const path = join(dir, 'invitation.db')
    const before = new SqliteDatabase(path, old)
    before.raw.exec(`
      INSERT INTO sites (id, name, settings, config_version, updated_at)
        VALUES ('shop', 'Shop', '{}', 'v1', 1);
      INSERT INTO conversations (id, site_id, visitor_id, created_at, updated_at)
        VALUES ('c1', 'shop', 'v1', 1, 1);
      INSERT INTO events (id, conversation_id, seq, author_kind, author_key, kind, text, data, at)
        VALUES ('e1', 'c1', 1, 'system', 'system', 'system', 'Invitation (Gift help, internal): Need a gift?',
          '{"invitation":"sc_1","scenario":"Gift help, internal","message":"Need a gift?","operator":"Olga"}', 1);
    `)
    await before.close()
    const stores = createSqliteStores(path)
    const [event] = await stores.conversations.eventsAfter('c1', 0, 10)
    expect(event).toMatchObject({
      kind: 'system',
      text: '',
      data: { type: 'invitation', scenarioId: 'sc_1', message: 'Need a gift?', operator: 'Olga' },
    })
    expect(JSON.stringify(event)).not.toContain('internal')
    await stores.db.close()
  })

  it('keeps committed events across reopening the file', async () => {
    const path = join(dir, 'durable.db')
    const stores = createSqliteStores(path)
    await stores.db.transaction((t) => stores.sites.put(t, toSiteRecord({ id: 'shop' }), 1))
    const { event } = await stores.db.transaction((t) =>
      stores.conversations.append(t, {
        id: 'e1',
        cid: 'c1',
        authorKey: 'visitor:shop:v1',
        author: { kind: 'visitor', id: 'v1' },
        kind: 'message',
        text: 'kept',
        at: 1,
        target: { open: { siteId: 'shop', visitorId: 'v1' } },
        newConversationId: 'conv',
      }),
    )
    await stores.db.close()
    const reopened = createSqliteStores(path)
    expect(await reopened.conversations.eventsAfter('conv', 0, 10)).toEqual([event])
    await reopened.db.close()
  })
})
