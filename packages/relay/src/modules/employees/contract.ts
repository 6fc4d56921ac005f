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
      expect(await employees.get('u1')).toEqual(ann)
      expect(await employees.getByEmail('ann@example.com')).toEqual(ann)
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
  })
}
