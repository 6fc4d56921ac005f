import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { type ChatSpec, writeChats } from '../../testing/analytics-log.ts'
import { freshStores, type StoresFactory } from '../../testing/store-fixtures.ts'
import type { MetricsFilter } from './store.ts'

const T = 1_000_000
const filter = (patch: Partial<MetricsFilter> = {}): MetricsFilter => ({
  fromAt: 0,
  toAt: 10 * T,
  siteId: null,
  groupIds: null,
  operatorId: null,
  botIds: ['bot'],
  now: 10 * T,
  ...patch,
})

/**
 * Three chats written out by hand. `c1`: a bot talks first (until T+30 s), Anna is assigned
 * at T+40 s and answers at T+50 s, closes at T+100 s, rated 4. `c2`: assigned to Boris,
 * transferred, closed unanswered. `c3`: waits in `sales`, nobody assigned.
 */
const CHATS: ChatSpec[] = [
  {
    id: 'c1',
    visitorId: 'v1',
    group: 'support',
    rating: 4,
    steps: [
      { t: 'visitor', at: T },
      { t: 'queued', at: T },
      { t: 'operator', at: T + 10_000, operatorId: 'bot' },
      { t: 'visitor', at: T + 20_000 },
      { t: 'operator', at: T + 30_000, operatorId: 'bot' },
      { t: 'assigned', at: T + 40_000, operatorId: 'anna' },
      { t: 'operator', at: T + 50_000, operatorId: 'anna' },
      { t: 'visitor', at: T + 60_000 },
      { t: 'operator', at: T + 64_000, operatorId: 'anna' },
      { t: 'close', at: T + 100_000, operatorId: 'anna' },
    ],
  },
  {
    id: 'c2',
    visitorId: 'v2',
    group: 'support',
    steps: [
      { t: 'visitor', at: T + 1_000 },
      { t: 'assigned', at: T + 1_000, operatorId: 'boris' },
      { t: 'transferred', at: T + 5_000 },
      { t: 'assigned', at: T + 5_000, operatorId: 'boris' },
      { t: 'close', at: T + 9_000, operatorId: 'boris' },
    ],
  },
  {
    id: 'c3',
    visitorId: 'v3',
    group: 'sales',
    steps: [
      { t: 'visitor', at: 3 * T },
      { t: 'queued', at: 3 * T },
    ],
  },
]

export function describeAnalyticsStore(name: string, factory: StoresFactory): void {
  describe(`AnalyticsStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    afterEach(async () => {
      await stores.db.close()
    })

    it('sums each owner’s chats by the definitions; a bot neither answers nor starts the wait', async () => {
      await writeChats(stores, CHATS)
      await tx((t) => stores.analytics.refresh(t, 10 * T, ['bot']))
      const rows = await stores.analytics.metrics(filter(), 'operator')
      expect(rows).toEqual([
        {
          key: null,
          received: 1,
          accepted: 0,
          missed: 0,
          waiting: 1,
          transferred: 0,
          firstFromAssignmentSum: 0,
          firstFromQueueSum: 0,
          responseSum: 0,
          responseCount: 0,
          closedAccepted: 0,
          handleSum: 0,
          resolutionSum: 0,
          rated: 0,
          satisfied: 0,
        },
        {
          key: 'anna',
          received: 1,
          accepted: 1,
          missed: 0,
          waiting: 0,
          transferred: 0,
          // Assigned at +40 s, answered at +50 s; the wait began at the bot's last word (+30 s).
          firstFromAssignmentSum: 10_000,
          firstFromQueueSum: 20_000,
          // +50 − +30 (the wait, not the visitor's +20 s), then +64 − +60.
          responseSum: 24_000,
          responseCount: 2,
          closedAccepted: 1,
          handleSum: 60_000,
          resolutionSum: 70_000,
          rated: 1,
          satisfied: 1,
        },
        {
          key: 'boris',
          received: 1,
          accepted: 0,
          missed: 1,
          waiting: 0,
          transferred: 1,
          firstFromAssignmentSum: 0,
          firstFromQueueSum: 0,
          responseSum: 0,
          responseCount: 0,
          closedAccepted: 0,
          handleSum: 0,
          resolutionSum: 0,
          rated: 0,
          satisfied: 0,
        },
      ])
    })

    it('splits by group and by day, and filters by site, group and operator', async () => {
      await writeChats(stores, CHATS)
      await tx((t) => stores.analytics.refresh(t, 10 * T, ['bot']))
      const byGroup = await stores.analytics.metrics(filter(), 'group')
      expect(byGroup.map((r) => [r.key, r.received])).toEqual([
        ['sales', 1],
        ['support', 2],
      ])
      const byDay = await stores.analytics.metrics(filter(), 'day', [0, 1_800_000, 3_600_000])
      expect(byDay.map((r) => [r.key, r.received])).toEqual([
        ['0', 2],
        ['1', 1],
      ])
      const sales = await stores.analytics.metrics(filter({ groupIds: ['sales'] }), 'site')
      expect(sales.map((r) => [r.key, r.received, r.waiting])).toEqual([['shop', 1, 1]])
      const anna = await stores.analytics.metrics(filter({ operatorId: 'anna' }), 'site')
      expect(anna.map((r) => [r.key, r.received, r.accepted])).toEqual([['shop', 1, 1]])
      expect(await stores.analytics.metrics(filter({ siteId: 'other' }), 'site')).toEqual([])
      // [from, to): a chat created at `toAt` is not in the period.
      const before = await stores.analytics.metrics(filter({ toAt: 3 * T }), 'site')
      expect(before.map((r) => r.received)).toEqual([2])
    })

    it('reads each change of a chat once the facts are refreshed again', async () => {
      await writeChats(stores, CHATS.slice(2))
      expect(await tx((t) => stores.analytics.refresh(t, 3 * T, ['bot']))).toBe(1)
      const waiting = await stores.analytics.metrics(filter(), 'site')
      expect(waiting.map((r) => [r.waiting, r.accepted])).toEqual([[1, 0]])
      await tx(async (t) => {
        await stores.conversations.append(t, {
          id: 'late',
          authorKey: 'operator:anna',
          author: { kind: 'operator', id: 'anna', name: 'Anna' },
          kind: 'message',
          text: 'Sorry for the wait',
          at: 3 * T + 5_000,
          target: { conversationId: 'c3' },
          newConversationId: 'c3',
        })
      })
      // Not yet refreshed: the report still says what the facts said.
      expect((await stores.analytics.metrics(filter(), 'site'))[0]!.accepted).toBe(0)
      await tx((t) => stores.analytics.refresh(t, 3 * T + 10_000, ['bot']))
      const answered = await stores.analytics.metrics(filter(), 'operator')
      expect(answered.map((r) => [r.key, r.accepted, r.firstFromQueueSum])).toEqual([
        ['anna', 1, 5_000],
      ])
    })

    it('counts time online and on pause within the period, up to now', async () => {
      await tx(async (t) => {
        await stores.analytics.logStatus(t, 'anna', 'online', 100)
        await stores.analytics.logStatus(t, 'anna', 'pause', 300)
        await stores.analytics.logStatus(t, 'anna', 'away', 350)
        await stores.analytics.logStatus(t, 'anna', 'online', 400)
        await stores.analytics.logStatus(t, 'boris', 'online', 500)
      })
      const range = { fromAt: 200, toAt: 1_000, now: 600 }
      expect(await stores.analytics.statusTime(range, null)).toEqual([
        // 200..300 online, 300..350 pause, (away), 400..600 online: now ends it.
        { operatorId: 'anna', onlineMs: 300, pauseMs: 50 },
        { operatorId: 'boris', onlineMs: 100, pauseMs: 0 },
      ])
      expect(await stores.analytics.statusTime(range, ['boris'])).toEqual([
        { operatorId: 'boris', onlineMs: 100, pauseMs: 0 },
      ])
      // A stop leaves intervals open: the next start ends each one, once.
      expect(await tx((t) => stores.analytics.closeOpenStatuses(t, 700))).toBe(2)
      expect(await tx((t) => stores.analytics.closeOpenStatuses(t, 800))).toBe(0)
      expect(await stores.analytics.statusTime({ fromAt: 0, toAt: 1_000, now: 900 }, null)).toEqual(
        [
          { operatorId: 'anna', onlineMs: 500, pauseMs: 50 },
          { operatorId: 'boris', onlineMs: 200, pauseMs: 0 },
        ],
      )
    })

    it('counts conversations of every kind and leads per channel; engagements per scenario', async () => {
      await writeChats(stores, CHATS)
      await tx((t) => stores.analytics.refresh(t, 10 * T, ['bot']))
      await tx(async (t) => {
        await stores.conversations.append(t, {
          id: 'cb1',
          authorKey: 'visitor:shop:v9',
          author: { kind: 'visitor', id: 'v9' },
          kind: 'form',
          text: 'Call me',
          data: { phone: '+79990000000' },
          at: T + 2_000,
          target: {
            create: {
              siteId: 'shop',
              visitorId: 'v9',
              kind: 'callback',
              contact: { phone: '+79990000000' },
            },
          },
          newConversationId: 'cb',
        })
        await stores.scenarios.recordEngagement(t, {
          id: 'g1',
          siteId: 'shop',
          visitorId: 'v9',
          scenarioId: 'sc',
          event: 'impression',
          at: T,
        })
      })
      const rows = await stores.analytics.channels(filter(), 'channel')
      expect(rows).toEqual([
        { key: 'callback', conversations: 1, chats: 0, callbacks: 1, offline: 0, leads: 1 },
        { key: 'chat', conversations: 3, chats: 3, callbacks: 0, offline: 0, leads: 0 },
      ])
      expect(
        await stores.analytics.engagements({ fromAt: 0, toAt: 10 * T, siteId: 'shop' }),
      ).toEqual([{ scenarioId: 'sc', impressions: 1, clicks: 0 }])
      const engaged = await stores.analytics.engagedVisitors('shop', T)
      expect([...engaged]).toEqual([['shop\nv9', T]])
      expect((await stores.analytics.engagedVisitors('shop', T + 1)).size).toBe(0)
    })

    it('splits chats by messenger: Telegram, VK and Viber rows, and a filter by channel', async () => {
      const chat = (id: string, at: number, channel?: 'telegram' | 'vk' | 'viber'): ChatSpec => ({
        id,
        visitorId: `v-${id}`,
        group: 'support',
        ...(channel && { channel }),
        steps: [
          { t: 'visitor', at },
          { t: 'assigned', at: at + 1_000, operatorId: 'anna' },
          { t: 'operator', at: at + 5_000, operatorId: 'anna' },
        ],
      })
      await writeChats(stores, [
        chat('w1', T),
        chat('t1', T + 10_000, 'telegram'),
        chat('t2', T + 20_000, 'telegram'),
        chat('k1', T + 30_000, 'vk'),
        chat('b1', T + 40_000, 'viber'),
      ])
      await tx((t) => stores.analytics.refresh(t, 10 * T, ['bot']))
      const counts = await stores.analytics.channels(filter(), 'channel')
      expect(counts.map((r) => [r.key, r.chats])).toEqual([
        ['chat', 1],
        ['telegram', 2],
        ['viber', 1],
        ['vk', 1],
      ])
      // The wait starts at the assignment (routing's first decision), 4 s before the answer.
      const byChannel = await stores.analytics.metrics(filter(), 'channel')
      expect(byChannel.map((r) => [r.key, r.accepted, r.firstFromQueueSum])).toEqual([
        ['chat', 1, 4_000],
        ['telegram', 2, 8_000],
        ['viber', 1, 4_000],
        ['vk', 1, 4_000],
      ])
      const telegram = await stores.analytics.metrics(filter({ channel: 'telegram' }), 'operator')
      expect(telegram.map((r) => [r.key, r.received])).toEqual([['anna', 2]])
      expect(
        await stores.analytics.metrics(filter({ channel: 'telegram' }), 'operator', [], 'facts'),
      ).toEqual(telegram)
    })
  })
}
