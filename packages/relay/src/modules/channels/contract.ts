import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { freshStores, type StoresFactory } from '../../testing/store-fixtures.ts'
import type { ChannelChat, ContactPointRecord, NewChannelOutboxRow } from './store.ts'

const point = (id: string, extra: Partial<ContactPointRecord> = {}): ContactPointRecord => ({
  id,
  kind: 'telegram',
  siteId: 'shop',
  name: `Bot ${id}`,
  group: null,
  mode: 'webhook',
  sealed: `sealed-${id}`,
  credentialNames: ['token'],
  status: 'pending',
  statusError: null,
  pollOffset: 0,
  createdAt: 1,
  updatedAt: 1,
  ...extra,
})

const chat = (pointId: string, chatId: string, extra: Partial<ChannelChat> = {}): ChannelChat => ({
  contactPointId: pointId,
  chatId,
  siteId: 'shop',
  visitorId: `v_${chatId}`,
  conversationId: null,
  blocked: false,
  createdAt: 5,
  ...extra,
})

const message = (
  eventId: string,
  extra: Partial<NewChannelOutboxRow> = {},
): NewChannelOutboxRow => ({
  eventId,
  channel: 'telegram',
  contactPointId: 'a',
  chatId: '42',
  conversationId: 'c1',
  text: `text ${eventId}`,
  nextAt: 10,
  createdAt: 10,
  ...extra,
})

/** The contract every `ChannelStore` adapter must pass. */
export function describeChannelStore(name: string, factory: StoresFactory): void {
  describe(`ChannelStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    afterEach(() => stores.db.close())

    it('creates, lists, changes and deletes contact points', async () => {
      const { channels } = stores
      await tx((t) => channels.createContactPoint(t, point('a', { createdAt: 1 })))
      await tx((t) => channels.createContactPoint(t, point('b', { createdAt: 2, kind: 'vk' })))
      expect(await channels.getContactPoint('b')).toEqual(point('b', { createdAt: 2, kind: 'vk' }))
      expect((await channels.listContactPoints()).map((p) => p.id)).toEqual(['a', 'b'])
      const changed = await tx((t) =>
        channels.updateContactPoint(t, 'a', {
          name: 'Renamed',
          group: 'g1',
          status: 'failed',
          statusError: 'Unauthorized',
          credentialNames: ['token', 'secret'],
          pollOffset: 77,
          updatedAt: 9,
        }),
      )
      const expected = point('a', {
        name: 'Renamed',
        group: 'g1',
        status: 'failed',
        statusError: 'Unauthorized',
        credentialNames: ['token', 'secret'],
        pollOffset: 77,
        updatedAt: 9,
      })
      expect(changed).toEqual(expected)
      expect(await channels.getContactPoint('a')).toEqual(expected)
      expect(
        await tx((t) => channels.updateContactPoint(t, 'none', { updatedAt: 1 })),
      ).toBeUndefined()
      expect(await tx((t) => channels.deleteContactPoint(t, 'b'))).toBe(true)
      expect(await tx((t) => channels.deleteContactPoint(t, 'b'))).toBe(false)
      expect(await channels.getContactPoint('b')).toBeUndefined()
    })

    it('notes each update once per contact point', async () => {
      const { channels } = stores
      await tx((t) => channels.createContactPoint(t, point('a')))
      await tx((t) => channels.createContactPoint(t, point('b')))
      expect(await tx((t) => channels.markUpdate(t, 'a', 'u1', 1))).toBe(true)
      expect(await tx((t) => channels.markUpdate(t, 'a', 'u1', 2))).toBe(false)
      expect(await tx((t) => channels.markUpdate(t, 'b', 'u1', 2))).toBe(true)
    })

    it('keeps chats by contact point and chat id, and finds one by its conversation', async () => {
      const { channels } = stores
      await tx((t) => channels.createContactPoint(t, point('a')))
      await tx((t) => channels.putChat(t, chat('a', '42')))
      expect(await channels.getChat('a', '42')).toEqual(chat('a', '42'))
      expect(await channels.getChat('a', '43')).toBeUndefined()
      await tx((t) =>
        channels.putChat(
          t,
          chat('a', '42', { visitorId: 'v_site', conversationId: 'c1', blocked: true }),
        ),
      )
      expect(await channels.getChat('a', '42')).toEqual(
        chat('a', '42', { visitorId: 'v_site', conversationId: 'c1', blocked: true }),
      )
      expect(await channels.chatOfConversation('c1')).toEqual(
        chat('a', '42', { visitorId: 'v_site', conversationId: 'c1', blocked: true }),
      )
      expect(await channels.chatOfConversation('c2')).toBeUndefined()
    })

    it('queues one row per event and hands out what is due, oldest first', async () => {
      const { channels } = stores
      await tx((t) => channels.createContactPoint(t, point('a')))
      const first = await tx((t) => channels.enqueue(t, message('e1', { nextAt: 20 })))
      const second = await tx((t) =>
        channels.enqueue(t, message('e2', { nextAt: 10, chatId: '43', conversationId: 'c2' })),
      )
      expect(first).toEqual(expect.any(Number))
      expect(await tx((t) => channels.enqueue(t, message('e1')))).toBeNull()
      expect((await channels.due(15, 10)).map((r) => r.eventId)).toEqual(['e2'])
      expect((await channels.due(25, 10)).map((r) => r.eventId)).toEqual(['e1', 'e2'])
      expect((await channels.due(25, 1)).map((r) => r.eventId)).toEqual(['e1'])
      expect(await channels.nextDue(0)).toBe(10)
      expect(await channels.nextDue(10)).toBe(20)
      expect(await channels.nextDue(20)).toBeNull()
      await tx((t) =>
        channels.recordOutcome(t, second!, {
          state: 'sent',
          attempts: 1,
          nextAt: 11,
          error: null,
          externalId: '5854468452145349120',
          updatedAt: 11,
        }),
      )
      expect(await channels.nextDue(0)).toBe(20)
      expect(await channels.listOutbox('c1')).toEqual([
        {
          seq: first,
          eventId: 'e1',
          channel: 'telegram',
          contactPointId: 'a',
          chatId: '42',
          conversationId: 'c1',
          text: 'text e1',
          state: 'pending',
          attempts: 0,
          nextAt: 20,
          error: null,
          externalId: null,
          createdAt: 10,
          updatedAt: 10,
        },
      ])
      expect(await channels.listOutbox('c2')).toEqual([
        expect.objectContaining({
          eventId: 'e2',
          state: 'sent',
          attempts: 1,
          externalId: '5854468452145349120',
          updatedAt: 11,
        }),
      ])
    })

    it("keeps a chat's rows in order: none is due while an older one waits for a retry", async () => {
      const { channels } = stores
      await tx((t) => channels.createContactPoint(t, point('a')))
      await tx((t) => channels.createContactPoint(t, point('b')))
      const head = (await tx((t) => channels.enqueue(t, message('e1', { nextAt: 10 }))))!
      await tx((t) => channels.enqueue(t, message('e2', { nextAt: 11 })))
      // The same chat id at another bot, and an e-mail, are other lines.
      await tx((t) => channels.enqueue(t, message('e3', { contactPointId: 'b', nextAt: 12 })))
      await tx((t) =>
        channels.enqueue(
          t,
          message('e4', { channel: 'email', contactPointId: null, chatId: 'a@b.c', nextAt: 12 }),
        ),
      )
      await tx((t) =>
        channels.recordOutcome(t, head, {
          state: 'pending',
          attempts: 1,
          nextAt: 40,
          error: 'Bad Gateway',
          externalId: null,
          updatedAt: 20,
        }),
      )
      expect((await channels.due(30, 10)).map((r) => r.eventId)).toEqual(['e3', 'e4'])
      // e2 is due but waits behind e1: the next time something can go is e1's retry.
      expect(await channels.nextDue(30)).toBe(40)
      expect((await channels.due(40, 10)).map((r) => r.eventId)).toEqual(['e1', 'e2', 'e3', 'e4'])
      await tx((t) =>
        channels.recordOutcome(t, head, {
          state: 'failed',
          attempts: 2,
          nextAt: 41,
          error: 'Forbidden',
          externalId: null,
          updatedAt: 41,
        }),
      )
      // A message failed for good holds nothing up.
      expect((await channels.due(41, 10)).map((r) => r.eventId)).toEqual(['e2', 'e3', 'e4'])
    })

    it("reads a chat up to a messenger's id: its sent and delivered rows up to it, nobody else's", async () => {
      const { channels } = stores
      await tx((t) => channels.createContactPoint(t, point('a', { kind: 'vk' })))
      await tx((t) => channels.createContactPoint(t, point('b', { kind: 'vk' })))
      const sent = async (eventId: string, externalId: string, extra = {}) => {
        const seq = (await tx((t) => channels.enqueue(t, message(eventId, extra))))!
        await tx((t) =>
          channels.recordOutcome(t, seq, {
            state: 'sent',
            attempts: 1,
            nextAt: 10,
            error: null,
            externalId,
            updatedAt: 10,
          }),
        )
        return seq
      }
      await sent('e1', '998')
      const delivered = await sent('e2', '1000')
      await tx((t) => channels.receipt(t, 'a', '1000', 'delivered', null, 11))
      await sent('e3', '1002')
      await sent('e4', '999', { chatId: '43', conversationId: 'c2' })
      await sent('e5', '997', { contactPointId: 'b', conversationId: 'c3' })
      await tx((t) => channels.enqueue(t, message('e6')))
      const read = await tx((t) => channels.readUpTo(t, 'a', '42', 1001, 20))
      expect(read.map((r) => [r.eventId, r.state, r.updatedAt])).toEqual([
        ['e1', 'read', 20],
        ['e2', 'read', 20],
      ])
      expect(read[1]!.seq).toBe(delivered)
      const states = async (conversationId: string) =>
        (await channels.listOutbox(conversationId)).map((r) => `${r.eventId}:${r.state}`)
      expect(await states('c1')).toEqual(['e1:read', 'e2:read', 'e3:sent', 'e6:pending'])
      expect(await states('c2')).toEqual(['e4:sent'])
      expect(await states('c3')).toEqual(['e5:sent'])
      // Again: nothing more to change.
      expect(await tx((t) => channels.readUpTo(t, 'a', '42', 1001, 21))).toEqual([])
    })

    it('moves a sent message forward on receipts, never back', async () => {
      const { channels } = stores
      await tx((t) => channels.createContactPoint(t, point('a')))
      const seq = (await tx((t) => channels.enqueue(t, message('e1'))))!
      await tx((t) =>
        channels.recordOutcome(t, seq, {
          state: 'sent',
          attempts: 1,
          nextAt: 10,
          error: null,
          externalId: 'm1',
          updatedAt: 10,
        }),
      )
      const stateOf = async () => (await channels.listOutbox('c1'))[0]!.state
      expect(await tx((t) => channels.receipt(t, 'a', 'm1', 'read', null, 12))).toMatchObject({
        eventId: 'e1',
        state: 'read',
        updatedAt: 12,
      })
      expect(await stateOf()).toBe('read')
      expect(await tx((t) => channels.receipt(t, 'a', 'm1', 'delivered', null, 13))).toMatchObject({
        state: 'read',
        updatedAt: 12,
      })
      expect(await stateOf()).toBe('read')
      expect(await tx((t) => channels.receipt(t, 'a', 'm2', 'delivered', null, 13))).toBeUndefined()
      expect(await tx((t) => channels.receipt(t, 'b', 'm1', 'delivered', null, 13))).toBeUndefined()
    })

    it('queues e-mail without a contact point', async () => {
      const { channels } = stores
      await tx((t) =>
        channels.enqueue(
          t,
          message('e1', { channel: 'email', contactPointId: null, chatId: 'anna@example.com' }),
        ),
      )
      expect(await channels.due(10, 10)).toEqual([
        expect.objectContaining({
          channel: 'email',
          contactPointId: null,
          chatId: 'anna@example.com',
        }),
      ])
    })

    it('deletes a contact point with its chats and outbox', async () => {
      const { channels } = stores
      await tx((t) => channels.createContactPoint(t, point('a')))
      await tx((t) => channels.putChat(t, chat('a', '42', { conversationId: 'c1' })))
      await tx((t) => channels.enqueue(t, message('e1')))
      await tx((t) => channels.deleteContactPoint(t, 'a'))
      expect(await channels.chatOfConversation('c1')).toBeUndefined()
      expect(await channels.listOutbox('c1')).toEqual([])
    })
  })
}
