import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { createSqliteStores, type Stores } from '../../stores.ts'
import { type ChatSpec, type Step, writeChats } from '../../testing/analytics-log.ts'
import { postgresStores } from '../../testing/postgres.ts'
import { freshStores, SITE, type StoresFactory } from '../../testing/store-fixtures.ts'
import { localDayOf, periodOf } from './period.ts'
import type { ChannelKey, MetricsFilter, MetricsKey } from './store.ts'

// Friday 6 March 2026, UTC: New York moves its clocks on Sunday the 8th.
const T = Date.UTC(2026, 2, 6)
const HOUR = 3_600_000
const ZONES = new Map([
  ['shop', 'Europe/Moscow'],
  ['other', 'America/New_York'],
])
const BOTS = ['bot']
const PAGES = [
  'https://shop.example/sale?utm_source=newsletter',
  'https://shop.example/sale#top',
  'https://shop.example/contacts',
  'https://shop.example/?utm_source=ads',
  undefined,
]
const METRIC_KEYS: MetricsKey[] = [
  'operator',
  'group',
  'site',
  'channel',
  'scenario',
  'page',
  'source',
  'day',
]
const CHANNEL_KEYS: ChannelKey[] = ['channel', 'site', 'scenario', 'page', 'source']

const stepArb = fc.record({
  gap: fc.integer({ min: 0, max: 2 * HOUR }),
  what: fc.oneof(
    fc.constant({ t: 'visitor' as const }),
    fc
      .constantFrom('anna', 'boris', 'bot')
      .map((operatorId) => ({ t: 'operator' as const, operatorId })),
    fc.constant({ t: 'queued' as const }),
    fc.constantFrom('anna', 'boris').map((operatorId) => ({ t: 'assigned' as const, operatorId })),
    fc.constant({ t: 'transferred' as const }),
  ),
})

const chatArb = fc.record({
  start: fc.integer({ min: 0, max: 4 * 24 * HOUR }),
  siteId: fc.constantFrom('shop', 'other'),
  kind: fc.constantFrom('chat', 'chat', 'chat', 'callback', 'offline'),
  group: fc.constantFrom('support', 'sales', null),
  page: fc.constantFrom(...PAGES),
  lead: fc.boolean(),
  scenario: fc.constantFrom('sc1', 'sc2', undefined),
  messenger: fc.constantFrom(undefined, undefined, 'telegram' as const, 'vk' as const),
  steps: fc.array(stepArb, { maxLength: 5 }),
  close: fc.option(fc.constantFrom('anna', 'boris')),
  rating: fc.option(fc.integer({ min: 1, max: 5 })),
})

const logArb = fc.array(chatArb, { minLength: 1, maxLength: 12 }).map((chats) =>
  chats.map((c, i): ChatSpec => {
    let at = T + c.start
    const steps: Step[] = [{ t: 'visitor', at }]
    if (c.kind === 'chat') {
      for (const s of c.steps) {
        at += s.gap
        steps.push({ ...s.what, at } as Step)
      }
      if (c.close) steps.push({ t: 'close', at: at + 1_000, operatorId: c.close })
    }
    return {
      id: `c${i}`,
      visitorId: `v${i}`,
      siteId: c.siteId,
      kind: c.kind,
      group: c.group,
      steps,
      ...(c.page !== undefined && { page: c.page }),
      ...(c.lead && { contact: { phone: '+79161234567' } }),
      ...(c.scenario !== undefined && { scenarioId: c.scenario }),
      ...(c.kind === 'chat' && c.messenger !== undefined && { channel: c.messenger }),
      ...(c.kind === 'chat' && c.close && c.rating !== null && { rating: c.rating }),
    }
  }),
)

/** A report's filters: a period with edges anywhere, a site or all, a group, an operator. */
const queryArb = fc.record({
  from: fc.integer({ min: -12 * HOUR, max: 3 * 24 * HOUR }),
  length: fc.integer({ min: HOUR, max: 5 * 24 * HOUR }),
  siteId: fc.constantFrom(null, 'shop', 'other'),
  groupIds: fc.constantFrom(null, ['support'], ['support', 'sales']),
  operatorId: fc.constantFrom(null, 'anna'),
  channel: fc.constantFrom(null, null, 'chat', 'telegram'),
  /** A period of whole local days of the site (the console's own), not an instant range. */
  wholeDays: fc.boolean(),
})

async function withStores(factory: StoresFactory, run: (stores: Stores) => Promise<void>) {
  const { stores } = await freshStores(factory)
  try {
    await stores.db.transaction((tx) =>
      stores.sites.put(tx, { ...SITE, config: { ...SITE.config, siteId: 'other' } }, 1),
    )
    await run(stores)
  } finally {
    await stores.db.close()
  }
}

const refresh = (stores: Stores, now: number) =>
  stores.db.transaction((tx) => stores.analytics.refresh(tx, now, BOTS, ZONES))

/** The keys of every rollup row, read from the table itself. */
async function rollupKeys(stores: Stores): Promise<(string | null)[]> {
  const sql = 'SELECT key FROM analytics_days'
  const rows =
    'raw' in stores.db
      ? ((stores.db as SqliteDatabase).raw.prepare(sql).all() as { key: string | null }[])
      : await (stores.db as PostgresDatabase).rows<{ key: string | null }>(sql)
  return rows.map((r) => r.key)
}

const ENGINES: [string, StoresFactory][] = [
  ['sqlite', () => createSqliteStores(':memory:')],
  ['postgres', postgresStores],
]

for (const [engine, factory] of ENGINES) {
  describe(`daily rollups (${engine})`, () => {
    it('give every report the numbers the facts give, for random logs, periods and filters', async () => {
      let rolled = 0
      let runs = 0
      await fc.assert(
        fc.asyncProperty(logArb, queryArb, async (chats, q) => {
          await withStores(factory, async (stores) => {
            await writeChats(stores, chats)
            await refresh(stores, T + 10 * 24 * HOUR)
            let fromAt = T + q.from
            let toAt = fromAt + q.length
            let dayStarts: number[] = []
            const zone = q.siteId === null ? 'UTC' : ZONES.get(q.siteId)!
            if (q.wholeDays) {
              const period = periodOf('2026-03-05', '2026-03-11', zone)
              ;({ fromAt, toAt, dayStarts } = period)
            } else {
              for (let at = localDayOf(fromAt, 'UTC').start; at < toAt; at += 24 * HOUR) {
                dayStarts.push(Math.max(at, fromAt))
              }
            }
            const filter: MetricsFilter = {
              fromAt,
              toAt,
              siteId: q.siteId,
              groupIds: q.groupIds,
              operatorId: q.operatorId,
              channel: q.channel,
              botIds: BOTS,
              now: T + 10 * 24 * HOUR,
            }
            for (const by of METRIC_KEYS) {
              const days = by === 'day' ? dayStarts : []
              expect(await stores.analytics.metrics(filter, by, days, 'rollups'), by).toEqual(
                await stores.analytics.metrics(filter, by, days, 'facts'),
              )
            }
            for (const by of CHANNEL_KEYS) {
              expect(await stores.analytics.channels(filter, by, 'rollups'), by).toEqual(
                await stores.analytics.channels(filter, by, 'facts'),
              )
            }
            // Whether some conversation's whole local day is inside the period: read from the rollups.
            runs++
            const inWholeDay = chats.some((c) => {
              if (q.siteId !== null && c.siteId !== q.siteId) return false
              const day = localDayOf(c.steps[0]!.at, ZONES.get(c.siteId!)!)
              return day.start >= fromAt && day.end <= toAt
            })
            if (inWholeDay) rolled++
          })
        }),
        { numRuns: engine === 'sqlite' ? 60 : 25 },
      )
      // Not passing vacuously: most runs read some of their numbers from the rollups.
      expect(rolled / runs).toBeGreaterThan(0.4)
    }, 240_000)

    it('keep the numbers true as chats change, and hold no page of an erased visitor', async () => {
      await withStores(factory, async (stores) => {
        const page = 'https://shop.example/orders/anna-ivanova?utm_source=mail'
        const day = Date.UTC(2026, 2, 9, 9)
        await writeChats(stores, [
          {
            id: 'c1',
            visitorId: 'anna',
            group: 'support',
            page,
            steps: [{ t: 'visitor', at: day }],
          },
          {
            id: 'c2',
            visitorId: 'boris',
            group: 'support',
            page: 'https://shop.example/sale',
            steps: [{ t: 'visitor', at: day + HOUR }],
          },
        ])
        await refresh(stores, day + 2 * HOUR)
        const filter: MetricsFilter = {
          ...periodOf('2026-03-09', '2026-03-10', 'Europe/Moscow'),
          siteId: 'shop',
          groupIds: null,
          operatorId: null,
          botIds: BOTS,
          now: day + 2 * HOUR,
        }
        expect((await stores.analytics.metrics(filter, 'operator')).map((r) => r.waiting)).toEqual([
          2,
        ])
        expect(await rollupKeys(stores)).toContain('https://shop.example/orders/anna-ivanova')

        // Boris answers Anna's chat later the same day: the day's rollups follow.
        await stores.db.transaction(async (tx) => {
          await stores.conversations.append(tx, {
            id: 'c1-answer',
            authorKey: 'operator:boris',
            author: { kind: 'operator', id: 'boris', name: 'Boris' },
            kind: 'message',
            text: 'answer',
            at: day + 3 * HOUR,
            target: { conversationId: 'c1' },
            newConversationId: 'c1',
          })
        })
        await refresh(stores, day + 4 * HOUR)
        const rows = await stores.analytics.metrics(filter, 'operator')
        expect(rows.map((r) => [r.key, r.accepted, r.waiting])).toEqual([
          [null, 0, 1],
          ['boris', 1, 0],
        ])
        expect(rows).toEqual(await stores.analytics.metrics(filter, 'operator', [], 'facts'))

        // Erased: the rows keyed by her page go at once, and come back without it.
        await stores.db.transaction((tx) =>
          stores.privacy.eraseSubject(tx, 'shop', 'anna', day + 5 * HOUR, '[erased]'),
        )
        const keys = await rollupKeys(stores)
        expect(keys.filter((k) => k?.includes('anna'))).toEqual([])
        await refresh(stores, day + 6 * HOUR)
        expect((await rollupKeys(stores)).filter((k) => k?.includes('anna'))).toEqual([])
        const pages = await stores.analytics.channels(filter, 'page')
        expect(pages.map((r) => [r.key, r.conversations])).toEqual([
          [null, 1],
          ['https://shop.example/sale', 1],
        ])
        expect(pages).toEqual(await stores.analytics.channels(filter, 'page', 'facts'))
      })
    }, 60_000)
  })
}
