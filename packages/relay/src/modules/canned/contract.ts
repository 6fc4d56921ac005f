import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { employee, freshStores, type StoresFactory } from '../../testing/store-fixtures.ts'
import type { CannedRecord } from './store.ts'

const group = (id: string) => ({
  id,
  siteId: 'shop',
  name: id,
  strategy: 'round_robin' as const,
  capacity: 3,
  noAnswerSeconds: 0,
  fallbackGroupId: null,
  whenNobodyOnline: 'queue' as const,
  isDefault: false,
  createdAt: 1,
})

const canned = (id: string, patch: Partial<CannedRecord>): CannedRecord => ({
  id,
  ownerId: null,
  groupId: null,
  shortcut: id,
  text: `text of ${id}`,
  createdAt: 1,
  updatedAt: 1,
  ...patch,
})

export function describeCannedStore(name: string, factory: StoresFactory): void {
  describe(`CannedStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
      await tx(async (t) => {
        await stores.employees.create(t, employee('u1'))
        await stores.employees.create(t, employee('u2'))
        await stores.groups.create(t, group('sales'))
        await stores.groups.create(t, group('support'))
      })
    })
    afterEach(() => stores.db.close())

    it("lists an operator's own and their groups' responses, own first, by shortcut", async () => {
      const { canned: store } = stores
      await tx(async (t) => {
        expect(await store.create(t, canned('r1', { ownerId: 'u1', shortcut: 'thanks' }))).toBe(
          true,
        )
        expect(await store.create(t, canned('r2', { ownerId: 'u2', shortcut: 'bye' }))).toBe(true)
        expect(await store.create(t, canned('r3', { groupId: 'sales', shortcut: 'price' }))).toBe(
          true,
        )
        expect(await store.create(t, canned('r4', { groupId: 'support', shortcut: 'hours' }))).toBe(
          true,
        )
        expect(await store.create(t, canned('r5', { ownerId: 'u1', shortcut: 'delivery' }))).toBe(
          true,
        )
      })
      expect((await store.listFor('u1', ['sales'])).map((r) => r.id)).toEqual(['r5', 'r1', 'r3'])
      expect((await store.listFor('u2', [])).map((r) => r.id)).toEqual(['r2'])
      expect((await store.listShared()).map((r) => r.id)).toEqual(['r4', 'r3'])
      expect(await store.get('r3')).toEqual(canned('r3', { groupId: 'sales', shortcut: 'price' }))
      expect(await store.get('nope')).toBeUndefined()
    })

    it('refuses a shortcut its owner or group already has, and changes nothing', async () => {
      const { canned: store } = stores
      await tx(async (t) => {
        await store.create(t, canned('r1', { ownerId: 'u1', shortcut: 'thanks' }))
        await store.create(t, canned('r2', { ownerId: 'u1', shortcut: 'bye' }))
        await store.create(t, canned('r3', { groupId: 'sales', shortcut: 'thanks' }))
      })
      // Another owner, or a group, may use the same shortcut.
      expect(
        await tx((t) => store.create(t, canned('r4', { ownerId: 'u2', shortcut: 'thanks' }))),
      ).toBe(true)
      expect(
        await tx((t) => store.create(t, canned('r5', { ownerId: 'u1', shortcut: 'thanks' }))),
      ).toBe(false)
      expect(
        await tx((t) => store.create(t, canned('r6', { groupId: 'sales', shortcut: 'thanks' }))),
      ).toBe(false)
      expect(
        await tx((t) => store.update(t, 'r2', { shortcut: 'thanks', text: 'changed', at: 5 })),
      ).toBe(false)
      expect(await store.get('r2')).toMatchObject({
        shortcut: 'bye',
        text: 'text of r2',
        updatedAt: 1,
      })
      expect(
        await tx((t) => store.update(t, 'r2', { shortcut: 'ciao', text: 'Ciao!', at: 5 })),
      ).toBe(true)
      expect(await store.get('r2')).toMatchObject({ shortcut: 'ciao', text: 'Ciao!', updatedAt: 5 })
      await tx((t) => store.delete(t, 'r2'))
      expect(await store.get('r2')).toBeUndefined()
      expect((await store.listFor('u1', [])).map((r) => r.id)).toEqual(['r1'])
    })
  })
}
