import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { employee, freshStores, type StoresFactory } from '../../testing/store-fixtures.ts'

/** The contract every `AuthStore` adapter must pass. */
export function describeAuthStore(name: string, factory: StoresFactory): void {
  describe(`AuthStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
      await tx((t) => stores.employees.create(t, employee('u1')))
    })
    afterEach(() => stores.db.close())

    it('finds a session by hash until it is deleted', async () => {
      const { auth } = stores
      await tx((t) =>
        auth.createSession(t, 'hash', { employeeId: 'u1', createdAt: 1, expiresAt: 99 }),
      )
      expect(await auth.getSession('hash')).toEqual({ employeeId: 'u1', expiresAt: 99 })
      await tx((t) => auth.deleteSession(t, 'hash'))
      expect(await auth.getSession('hash')).toBeUndefined()
    })

    it('ends every session of an employee and purges expired ones only', async () => {
      const { auth } = stores
      await tx(async (t) => {
        await stores.employees.create(t, employee('u2'))
        await auth.createSession(t, 'a', { employeeId: 'u1', createdAt: 1, expiresAt: 10 })
        await auth.createSession(t, 'b', { employeeId: 'u1', createdAt: 1, expiresAt: 99 })
        await auth.createSession(t, 'c', { employeeId: 'u2', createdAt: 1, expiresAt: 99 })
      })
      expect(await tx((t) => auth.purgeExpiredSessions(t, 10))).toBe(1)
      expect(await auth.getSession('a')).toBeUndefined()
      expect(await auth.getSession('b')).toEqual({ employeeId: 'u1', expiresAt: 99 })
      await tx((t) => auth.deleteEmployeeSessions(t, 'u1'))
      expect(await auth.getSession('b')).toBeUndefined()
      expect(await auth.getSession('c')).toEqual({ employeeId: 'u2', expiresAt: 99 })
    })

    it('finds API tokens by hash only, lists them without hashes, and revokes them', async () => {
      const { auth } = stores
      const token = {
        id: 't1',
        name: 'bot',
        employeeId: 'u1',
        scopes: ['conversations:read' as const],
        createdAt: 1,
      }
      const legacy = { id: 't2', name: 'old', employeeId: 'u1', scopes: null, createdAt: 2 }
      await tx(async (t) => {
        await auth.createApiToken(t, { ...token, tokenHash: 'th' })
        await auth.createApiToken(t, { ...legacy, tokenHash: 'th2' })
      })
      expect(await auth.getApiToken('th')).toEqual({
        id: 't1',
        employeeId: 'u1',
        scopes: ['conversations:read'],
      })
      expect(await auth.getApiToken('th2')).toEqual({ id: 't2', employeeId: 'u1', scopes: null })
      expect(await auth.getApiToken('other')).toBeUndefined()
      expect(await auth.listApiTokens()).toEqual([
        { ...token, lastUsedAt: null },
        { ...legacy, lastUsedAt: null },
      ])
      await tx((t) => auth.markApiTokenUsed(t, 't1', 50))
      expect((await auth.listApiTokens()).map((t) => t.lastUsedAt)).toEqual([50, null])
      await tx((t) => auth.revokeApiToken(t, 't2'))
      expect(await tx((t) => auth.revokeApiToken(t, 't1'))).toBe(true)
      expect(await tx((t) => auth.revokeApiToken(t, 't1'))).toBe(false)
      expect(await auth.getApiToken('th')).toBeUndefined()
      expect(await auth.listApiTokens()).toEqual([])
    })

    it('keeps one password link per employee, used once and only before it expires', async () => {
      const { auth } = stores
      const link = (tokenHash: string, expiresAt: number) => ({
        tokenHash,
        employeeId: 'u1',
        createdAt: 1,
        expiresAt,
      })
      await tx((t) => auth.createPasswordLink(t, link('first', 100)))
      // A new link replaces the earlier one.
      await tx((t) => auth.createPasswordLink(t, link('second', 100)))
      expect(await tx((t) => auth.takePasswordLink(t, 'first', 50))).toBeUndefined()
      expect(await tx((t) => auth.takePasswordLink(t, 'second', 50))).toBe('u1')
      expect(await tx((t) => auth.takePasswordLink(t, 'second', 50))).toBeUndefined()
      await tx((t) => auth.createPasswordLink(t, link('late', 100)))
      expect(await tx((t) => auth.takePasswordLink(t, 'late', 100))).toBeUndefined()
    })
  })
}
