import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { freshStores, type StoresFactory, visitorSend } from '../../testing/store-fixtures.ts'
import { VISITS_KEPT, type VisitorPatch } from './store.ts'

/** The contract every `VisitorStore` adapter must pass. */
export function describeVisitorStore(name: string, factory: StoresFactory): void {
  describe(`VisitorStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    afterEach(() => stores.db.close())

    const patch = (profile: Partial<VisitorPatch>, at = 4) =>
      tx((t) => stores.visitors.applyPatch(t, { siteId: 'shop', visitorId: 'v1', ...profile }, at))

    it('merges attributes and refuses a merge past the cap, changing nothing', async () => {
      await patch({ attributes: { plan: 'pro' } })
      await patch({ attributes: { seats: 2 } })
      expect((await stores.visitors.get('shop', 'v1'))?.attributes).toEqual({
        plan: 'pro',
        seats: 2,
      })
      await expect(patch({ attributes: { c: 3 }, maxAttributes: 2 })).rejects.toMatchObject({
        code: 'field_invalid',
        fields: [{ field: 'attributes', code: 'too_many' }],
      })
      expect((await stores.visitors.get('shop', 'v1'))?.attributes).toEqual({
        plan: 'pro',
        seats: 2,
      })
    })

    it('keeps the newest contact and identity on the profile', async () => {
      await patch({ contact: { name: 'Anna', email: 'a@x.example' } })
      await patch({ identity: { userId: 'u-1', verified: true }, contact: { name: 'Ann' } })
      await patch({ attributes: { x: true } })
      expect(await stores.visitors.get('shop', 'v1')).toMatchObject({
        name: 'Ann',
        email: 'a@x.example',
        userId: 'u-1',
        verified: true,
        attributes: { x: true },
      })
      expect(await stores.visitors.contacts('shop', ['v1', 'v2'])).toEqual(
        new Map([['v1', { name: 'Ann', email: 'a@x.example' }]]),
      )
      expect(await stores.visitors.contacts('other', ['v1'])).toEqual(new Map())
    })

    it('keeps frame acks per author and cid', async () => {
      const ack = { authorKey: 'visitor:shop:v1', cid: 'a', id: 'f-a', at: 3 }
      await tx((t) => stores.visitors.addFrameAck(t, ack))
      expect(await stores.visitors.findFrameAck('visitor:shop:v1', 'a')).toEqual({
        id: 'f-a',
        at: 3,
      })
      expect(await stores.visitors.findFrameAck('visitor:shop:v2', 'a')).toBeUndefined()
    })

    it('keeps consents in order, tied to their form event', async () => {
      const { event } = await tx((t) =>
        stores.conversations.append(t, visitorSend('v1', 'm', 'hello')),
      )
      const consent = {
        id: 'k1',
        siteId: 'shop',
        visitorId: 'v1',
        agreementVersion: 'ver',
        form: 'callback' as const,
        ip: '10.0.0.1',
        at: 7,
      }
      await tx((t) => stores.visitors.addConsent(t, { ...consent, eventId: event.id }))
      await tx((t) => stores.visitors.addConsent(t, { ...consent, id: 'k2', at: 8 }))
      expect(await stores.visitors.listConsents('shop', 'v1')).toEqual([
        { ...consent, eventId: event.id },
        { ...consent, id: 'k2', at: 8 },
      ])
    })

    it('pages profiles by (updatedAt, site, id), a changed profile coming again at the end', async () => {
      const write = (visitorId: string, at: number) =>
        tx((t) =>
          stores.visitors.applyPatch(
            t,
            { siteId: 'shop', visitorId, contact: { name: visitorId } },
            at,
          ),
        )
      await write('vb', 10)
      await write('va', 10)
      await write('vc', 20)
      const ids = (rows: { id: string }[]) => rows.map((r) => r.id)
      const first = await stores.visitors.page({ limit: 2 })
      expect(ids(first)).toEqual(['va', 'vb'])
      await write('va', 30)
      const last = first[1]!
      expect(
        ids(
          await stores.visitors.page({
            after: { at: last.updatedAt, siteId: last.siteId, id: last.id },
            limit: 10,
          }),
        ),
      ).toEqual(['vc', 'va'])
      expect(ids(await stores.visitors.page({ updatedSince: 20, limit: 10 }))).toEqual(['vc', 'va'])
      expect(await stores.visitors.page({ siteId: 'elsewhere', limit: 10 })).toEqual([])
    })

    it("keeps a visitor's newest pages, newest first, and only theirs", async () => {
      const visit = (url: string, at: number, visitorId = 'v1') =>
        tx((t) => stores.visitors.recordVisit(t, { siteId: 'shop', visitorId, url, at }))
      await tx((t) =>
        stores.visitors.recordVisit(t, {
          siteId: 'shop',
          visitorId: 'v1',
          url: 'https://shop.example/?utm_source=mail',
          title: 'Shop',
          referrer: 'https://mail.example/',
          utmSource: 'mail',
          country: 'RU',
          region: 'MOW',
          at: 1,
        }),
      )
      await visit('https://shop.example/cart', 2)
      await visit('https://shop.example/other', 3, 'v2')
      expect(await stores.visitors.visits('shop', 'v1', 10)).toEqual([
        { siteId: 'shop', visitorId: 'v1', url: 'https://shop.example/cart', at: 2 },
        {
          siteId: 'shop',
          visitorId: 'v1',
          url: 'https://shop.example/?utm_source=mail',
          title: 'Shop',
          referrer: 'https://mail.example/',
          utmSource: 'mail',
          country: 'RU',
          region: 'MOW',
          at: 1,
        },
      ])
      for (let i = 0; i < VISITS_KEPT; i++) await visit(`https://shop.example/p${i}`, 10 + i)
      const kept = await stores.visitors.visits('shop', 'v1', 1000)
      expect(kept).toHaveLength(VISITS_KEPT)
      expect(kept[0]?.url).toBe(`https://shop.example/p${VISITS_KEPT - 1}`)
      expect(kept.at(-1)?.url).toBe('https://shop.example/p0')
      expect(await stores.visitors.visits('shop', 'v2', 10)).toHaveLength(1)
    })
  })
}
