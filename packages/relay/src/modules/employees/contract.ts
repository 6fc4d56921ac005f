import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { freshStores, type StoresFactory } from '../../testing/store-fixtures.ts'

/** The contract every `EmployeeStore` adapter must pass. */
export function describeEmployeeStore(name: string, factory: StoresFactory): void {
  describe(`EmployeeStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    afterEach(() => stores.db.close())

    it('creates employees and refuses a taken email in any case', async () => {
      const { employees } = stores
      const ann = {
        id: 'u1',
        email: 'Ann@example.com',
        name: 'Ann',
        role: 'operator' as const,
        passwordHash: 'h',
        createdAt: 1,
      }
      await tx((t) => employees.create(t, ann))
      // A new employee is a person, active, with the groups' default capacity.
      const stored = { ...ann, kind: 'human', active: true, capacity: null }
      expect(await employees.get('u1')).toEqual(stored)
      expect(await employees.getByEmail('ann@example.com')).toEqual(stored)
      await expect(
        tx((t) => employees.create(t, { ...ann, id: 'u2', email: 'ANN@example.com' })),
      ).rejects.toMatchObject({ code: 'email_taken' })
      expect((await employees.list()).map((e) => e.id)).toEqual(['u1'])
      expect((await employees.getMany(['u1', 'nobody'])).map((e) => e.id)).toEqual(['u1'])
      expect(await employees.getMany([])).toEqual([])
    })

    it('changes the password hash and what visitors see; null clears a field', async () => {
      const { employees } = stores
      await tx((t) =>
        employees.create(t, {
          id: 'u1',
          email: 'olga@x',
          name: 'Olga',
          role: 'operator',
          passwordHash: 'h',
          createdAt: 1,
        }),
      )
      await tx((t) => employees.setPasswordHash(t, 'u1', 'h2'))
      expect((await employees.get('u1'))?.passwordHash).toBe('h2')
      const updated = await tx((t) =>
        employees.update(t, 'u1', { position: 'Support', photoUrl: 'https://x.example/o.png' }),
      )
      expect(updated).toMatchObject({ position: 'Support', photoUrl: 'https://x.example/o.png' })
      await tx((t) => employees.update(t, 'u1', { position: null }))
      expect((await employees.get('u1'))?.position).toBeUndefined()
      expect(await tx((t) => employees.update(t, 'nobody', { name: 'x' }))).toBeUndefined()
    })

    it('keeps bots, roles, capacity and deactivation, and counts seats and admins', async () => {
      const { employees } = stores
      const base = { passwordHash: 'h', createdAt: 1 }
      await tx(async (t) => {
        await employees.create(t, { ...base, id: 'a1', email: 'a1@x', name: 'A', role: 'admin' })
        await employees.create(t, { ...base, id: 'o1', email: 'o1@x', name: 'O', role: 'operator' })
        await employees.create(t, {
          ...base,
          id: 'b1',
          email: 'b1@x',
          name: 'Bot',
          role: 'admin',
          kind: 'bot',
          position: 'Assistant',
          capacity: 50,
        })
      })
      expect(await employees.get('b1')).toMatchObject({
        kind: 'bot',
        position: 'Assistant',
        capacity: 50,
        active: true,
      })
      // Bots take no seat and are not the admin who must remain.
      expect(await tx((t) => employees.countSeats(t))).toBe(2)
      expect(await tx((t) => employees.countOtherAdmins(t, 'a1'))).toBe(0)
      expect(await tx((t) => employees.countOtherAdmins(t, 'o1'))).toBe(1)

      const promoted = await tx((t) => employees.update(t, 'o1', { role: 'admin', capacity: 3 }))
      expect(promoted).toMatchObject({ role: 'admin', capacity: 3, name: 'O' })
      expect(await tx((t) => employees.countOtherAdmins(t, 'a1'))).toBe(1)
      await tx((t) => employees.update(t, 'o1', { capacity: null }))
      expect((await employees.get('o1'))?.capacity).toBeNull()

      expect(await tx((t) => employees.setActive(t, 'o1', false))).toBe(true)
      expect((await employees.get('o1'))?.active).toBe(false)
      expect(await employees.countSeats()).toBe(1)
      expect(await tx((t) => employees.countOtherAdmins(t, 'a1'))).toBe(0)
      expect(await tx((t) => employees.setActive(t, 'nobody', false))).toBe(false)
      await tx((t) => employees.setActive(t, 'o1', true))
      expect(await employees.countSeats()).toBe(2)
    })
  })
}
