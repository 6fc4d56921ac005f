import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import {
  employee,
  freshStores,
  type StoresFactory,
  visitorSend,
} from '../../testing/store-fixtures.ts'
import type { GroupRecord } from './store.ts'

const group = (id: string, extra: Partial<GroupRecord> = {}): GroupRecord => ({
  id,
  siteId: 'shop',
  name: id,
  strategy: 'round_robin',
  capacity: 3,
  noAnswerSeconds: 60,
  fallbackGroupId: null,
  whenNobodyOnline: 'queue',
  isDefault: false,
  createdAt: 1,
  ...extra,
})

/** What every engine's `GroupStore` does. */
export function describeGroupStore(name: string, factory: StoresFactory): void {
  describe(`GroupStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
      await tx(async (t) => {
        for (const [id, at] of [
          ['u2', 1],
          ['u1', 2],
        ] as const) {
          await stores.employees.create(t, { ...employee(id), createdAt: at })
        }
      })
    })
    afterEach(() => stores.db.close())

    it('keeps groups oldest first, changes only the fields a patch names, and deletes', async () => {
      await tx(async (t) => {
        await stores.groups.create(t, group('sales', { createdAt: 2, isDefault: true }))
        await stores.groups.create(t, group('vip', { createdAt: 3, fallbackGroupId: 'sales' }))
      })
      expect((await stores.groups.list()).map((g) => g.id)).toEqual(['sales', 'vip'])
      expect(await stores.groups.list('other')).toEqual([])
      const changed = await tx((t) =>
        stores.groups.update(t, 'vip', { capacity: 7, fallbackGroupId: null }),
      )
      expect(changed).toEqual(group('vip', { createdAt: 3, capacity: 7 }))
      expect(await stores.groups.get('sales')).toEqual(
        group('sales', { createdAt: 2, isDefault: true }),
      )
      expect(await tx((t) => stores.groups.update(t, 'none', { name: 'x' }))).toBeUndefined()
      expect(await tx((t) => stores.groups.delete(t, 'vip'))).toBe(true)
      expect(await tx((t) => stores.groups.delete(t, 'vip'))).toBe(false)
      expect(await stores.groups.get('vip')).toBeUndefined()
    })

    it('keeps members in the order people joined the team, each once', async () => {
      await tx(async (t) => {
        await stores.groups.create(t, group('sales'))
        await stores.groups.create(t, group('vip'))
        await stores.groups.setMembers(t, 'sales', ['u1', 'u2', 'u1'])
        await stores.groups.addMember(t, 'vip', 'u1')
        await stores.groups.addMember(t, 'vip', 'u1')
      })
      expect(await stores.groups.members()).toEqual(
        new Map([
          ['sales', ['u2', 'u1']],
          ['vip', ['u1']],
        ]),
      )
      await tx((t) => stores.groups.setMembers(t, 'sales', ['u1']))
      expect((await stores.groups.members()).get('sales')).toEqual(['u1'])
    })

    it('assigns open conversations, records the first answer, logs decisions in order', async () => {
      await tx((t) => stores.groups.create(t, group('sales')))
      const first = await tx((t) => stores.conversations.append(t, visitorSend('v1', 'a', 'hi')))
      const id = first.conversation.id
      expect(await stores.groups.listOpen()).toEqual([
        {
          id,
          siteId: 'shop',
          visitorId: 'v1',
          kind: 'chat',
          groupId: null,
          operatorId: null,
          answered: false,
          createdAt: first.conversation.createdAt,
        },
      ])
      await tx(async (t) => {
        await stores.groups.assign(t, id, { groupId: 'sales', operator: { id: 'u1', name: 'U1' } })
        await stores.groups.markAnswered(t, id, 50)
        await stores.groups.markAnswered(t, id, 60)
        await stores.groups.log(t, { conversationId: id, type: 'queued', reason: 'new', at: 10 })
        await stores.groups.log(t, {
          conversationId: id,
          type: 'transferred',
          groupId: 'sales',
          operatorId: 'u1',
          byId: 'u2',
          note: 'yours',
          at: 20,
        })
      })
      const [open] = await stores.groups.listOpen()
      expect(open).toMatchObject({ groupId: 'sales', operatorId: 'u1', answered: true })
      expect((await stores.conversations.get(id))?.operator).toEqual({ id: 'u1', name: 'U1' })
      expect(await stores.groups.logOf(id)).toEqual([
        { conversationId: id, type: 'queued', reason: 'new', at: 10 },
        {
          conversationId: id,
          type: 'transferred',
          groupId: 'sales',
          operatorId: 'u1',
          byId: 'u2',
          note: 'yours',
          at: 20,
        },
      ])
      // Assigning again clears the answer; the visitor's next conversation remembers u1.
      await tx((t) => stores.groups.assign(t, id, { groupId: 'sales', operator: null }))
      expect((await stores.groups.listOpen())[0]).toMatchObject({
        operatorId: null,
        answered: false,
      })
      await tx((t) =>
        stores.groups.assign(t, id, { groupId: 'sales', operator: { id: 'u1', name: 'U1' } }),
      )
      expect(await stores.groups.lastOperatorOf('shop', 'v1', 'another')).toBe('u1')
      expect(await stores.groups.lastOperatorOf('shop', 'v1', id)).toBeNull()
    })
  })
}
