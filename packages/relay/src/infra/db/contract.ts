import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { freshStores, type StoresFactory } from '../../testing/store-fixtures.ts'

/** The unit of work and settings: what every engine's `Stores.db` must do. */
export function describeUnitOfWork(name: string, factory: StoresFactory): void {
  describe(`unit of work contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    afterEach(() => stores.db.close())

    it('keeps settings', async () => {
      expect(await stores.settings.get('secret')).toBeUndefined()
      await tx((t) => stores.settings.set(t, 'secret', 'a'))
      await tx((t) => stores.settings.set(t, 'secret', 'b'))
      expect(await stores.settings.get('secret')).toBe('b')
    })

    it('commits all of a transaction or nothing of it', async () => {
      const failed = tx(async (t) => {
        await stores.settings.set(t, 'a', '1')
        await stores.settings.set(t, 'b', '2')
        throw new Error('boom')
      })
      await expect(failed).rejects.toThrow('boom')
      expect(await stores.settings.get('a')).toBeUndefined()
      expect(await stores.settings.get('b')).toBeUndefined()
    })

    it('runs concurrent transactions one after another, each seeing the last one', async () => {
      const order: string[] = []
      await tx((t) => stores.settings.set(t, 'n', '0'))
      const bump = (label: string) =>
        tx(async (t) => {
          const n = Number(await stores.settings.get('n', t))
          order.push(`${label}:${n}`)
          await Promise.resolve()
          await stores.settings.set(t, 'n', String(n + 1))
        })
      await Promise.all([bump('a'), bump('b'), bump('c')])
      expect(order).toEqual(['a:0', 'b:1', 'c:2'])
      expect(await stores.settings.get('n')).toBe('3')
    })

    it('never shows a read what a transaction still under way has written', async () => {
      let release!: () => void
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      const writing = tx(async (t) => {
        await stores.settings.set(t, 'draft', 'x')
        await gate
        throw new Error('rolled back')
      })
      await Promise.resolve()
      const read = stores.settings.get('draft')
      release()
      await expect(writing).rejects.toThrow('rolled back')
      expect(await read).toBeUndefined()
    })
  })
}
