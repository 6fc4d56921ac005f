import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { freshStores, SITE, type StoresFactory } from '../../testing/store-fixtures.ts'

/** The contract every `SiteStore` adapter must pass. */
export function describeSiteStore(name: string, factory: StoresFactory): void {
  describe(`SiteStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    afterEach(() => stores.db.close())

    it('stores and replaces sites', async () => {
      expect(await stores.sites.get('shop')).toEqual(SITE)
      const changed = { ...SITE, config: { ...SITE.config, name: 'Shop 2', configVersion: 'v2' } }
      await tx((t) => stores.sites.put(t, changed, 2))
      expect(await stores.sites.get('shop')).toEqual(changed)
      expect(await stores.sites.get('missing')).toBeUndefined()
    })

    it('lists every site by id', async () => {
      const other = { ...SITE, config: { ...SITE.config, siteId: 'atelier', name: 'Atelier' } }
      await tx((t) => stores.sites.put(t, other, 3))
      expect(await stores.sites.list()).toEqual([
        { id: 'atelier', name: 'Atelier' },
        { id: SITE.config.siteId, name: SITE.config.name },
      ])
    })
  })
}
