import type { Scenario } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { freshStores, type StoresFactory } from '../../testing/store-fixtures.ts'

const scenario = (id: string, name = id): Scenario => ({
  id,
  siteId: 'shop',
  name,
  enabled: true,
  priority: 0,
  where: { include: [], exclude: [] },
  conditions: { all: [] },
  action: { type: 'pulse' },
  delaySeconds: 0,
  rules: {},
  routing: { group: 'sales' },
})

/** The contract every `ScenarioStore` adapter must pass. */
export function describeScenarioStore(name: string, factory: StoresFactory): void {
  describe(`ScenarioStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    afterEach(() => stores.db.close())

    it('keeps scenarios in list order, replaced in place, until removed', async () => {
      const { scenarios } = stores
      await tx((t) => scenarios.put(t, scenario('a'), 1))
      await tx((t) => scenarios.put(t, scenario('b'), 2))
      await tx((t) => scenarios.put(t, scenario('a', 'A2'), 3))
      expect((await scenarios.list('shop')).map((s) => s.name)).toEqual(['A2', 'b'])
      expect(await tx((t) => scenarios.remove(t, 'shop', 'a'))).toBe(true)
      expect(await tx((t) => scenarios.remove(t, 'shop', 'a'))).toBe(false)
      expect(await scenarios.get('shop', 'a')).toBeUndefined()
      expect(await scenarios.settings('shop')).toEqual({ minGapSeconds: 0 })
      await tx((t) => scenarios.putSettings(t, 'shop', { minGapSeconds: 30 }))
      expect(await scenarios.settings('shop')).toEqual({ minGapSeconds: 30 })
    })

    it('deduplicates engagements by cid and counts them per scenario in a period', async () => {
      const { scenarios } = stores
      await tx((t) => scenarios.put(t, scenario('a'), 1))
      const record = (
        id: string,
        event: 'impression' | 'click' | 'conversion',
        at: number,
        cid?: string,
      ) =>
        tx((t) =>
          scenarios.recordEngagement(t, {
            id,
            siteId: 'shop',
            visitorId: 'v1',
            scenarioId: 'a',
            event,
            at,
            ...(event === 'conversion' && { kind: 'callback' as const, conversationId: 'c9' }),
            ...(cid && { authorKey: 'visitor:shop:v1', cid }),
          }),
        )
      expect((await record('g1', 'impression', 10, 'x')).duplicate).toBe(false)
      expect(await record('g2', 'impression', 11, 'x')).toMatchObject({
        duplicate: true,
        record: { id: 'g1' },
      })
      await record('g3', 'click', 12)
      await record('g4', 'conversion', 13)
      await record('g5', 'impression', 99)
      expect(await scenarios.stats('shop', 0, 50)).toEqual([
        {
          scenarioId: 'a',
          impressions: 1,
          clicks: 1,
          dismissals: 0,
          conversions: { chat: 0, callback: 1, offline: 0, total: 1 },
          conversionRate: 1,
        },
      ])
      expect((await scenarios.visitorEngagements('shop', 'v1', 12)).map((e) => e.id)).toEqual([
        'g5',
        'g4',
        'g3',
      ])
      expect(await scenarios.conversionFor('c9')).toBe('a')
      expect(await scenarios.conversionFor('c-other')).toBeUndefined()
    })
  })
}
