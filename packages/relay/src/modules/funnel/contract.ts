import { beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { freshStores, type StoresFactory } from '../../testing/store-fixtures.ts'
import type { FunnelKey } from './store.ts'

const DAY = 86_400_000
const D1 = 20 * DAY
const D2 = 21 * DAY

const key = (patch: Partial<FunnelKey>): FunnelKey => ({
  siteId: 'shop',
  day: D1,
  step: 'visit',
  channel: '',
  page: '/',
  source: '',
  ...patch,
})

export function describeFunnelStore(name: string, factory: StoresFactory): void {
  describe(`FunnelStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    const count = (k: FunnelKey, cap = 100) => tx((t) => stores.funnel.count(t, k, cap))

    it('adds up each step per key over the days of a period', async () => {
      await count(key({}))
      await count(key({}))
      await count(key({ page: '/sale', source: 'ads' }))
      await count(key({ step: 'open' }))
      await count(key({ step: 'pick', channel: 'chat' }))
      await count(key({ step: 'pick', channel: 'telegram', day: D2 }))
      await count(key({ siteId: 'blog' }))

      expect(await stores.funnel.sums({ fromAt: D1, toAt: D2, siteId: 'shop' }, 'page')).toEqual([
        { key: '/', visits: 2, opens: 1, picks: 1 },
        { key: '/sale', visits: 1, opens: 0, picks: 0 },
      ])
      expect(
        await stores.funnel.sums({ fromAt: D1, toAt: D2 + DAY, siteId: 'shop' }, 'channel'),
      ).toEqual([
        { key: '', visits: 3, opens: 1, picks: 0 },
        { key: 'chat', visits: 0, opens: 0, picks: 1 },
        { key: 'telegram', visits: 0, opens: 0, picks: 1 },
      ])
      expect(await stores.funnel.sums({ fromAt: D1, toAt: D2, siteId: null }, 'site')).toEqual([
        { key: 'blog', visits: 1, opens: 0, picks: 0 },
        { key: 'shop', visits: 3, opens: 1, picks: 1 },
      ])
      expect(await stores.funnel.sums({ fromAt: D1, toAt: D2, siteId: 'shop' }, 'source')).toEqual([
        { key: '', visits: 2, opens: 1, picks: 1 },
        { key: 'ads', visits: 1, opens: 0, picks: 0 },
      ])
    })

    it('counts new keys past the daily cap under (other), and known keys as they are', async () => {
      expect(await count(key({ page: '/a' }), 2)).toBe('counted')
      expect(await count(key({ page: '/b', source: 'x' }), 2)).toBe('counted')
      expect(await count(key({ page: '/c' }), 2)).toBe('other')
      expect(await count(key({ page: '/d', source: 'y' }), 2)).toBe('other')
      expect(await count(key({ page: '/a' }), 2)).toBe('counted')
      // The cap is per day: the next day starts afresh.
      expect(await count(key({ page: '/c', day: D2 }), 2)).toBe('counted')

      expect(await stores.funnel.sums({ fromAt: D1, toAt: D2, siteId: 'shop' }, 'page')).toEqual([
        { key: '(other)', visits: 2, opens: 0, picks: 0 },
        { key: '/a', visits: 2, opens: 0, picks: 0 },
        { key: '/b', visits: 1, opens: 0, picks: 0 },
      ])
    })

    it('finds nothing outside the period', async () => {
      await count(key({ day: D2 }))
      expect(await stores.funnel.sums({ fromAt: D1, toAt: D2, siteId: null }, 'site')).toEqual([])
    })
  })
}
