import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { freshStores, type StoresFactory, visitorSend } from '../../testing/store-fixtures.ts'
import type { AttachmentRecord } from './store.ts'

/** Every byte value, NUL and high bytes included, then a megabyte and a half of a pattern. */
function bytes(): Buffer {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
  const big = Buffer.alloc(1_500_000)
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) % 251
  return Buffer.concat([all, big])
}

export function describeAttachmentStore(name: string, factory: StoresFactory): void {
  describe(`AttachmentStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    let record: AttachmentRecord
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
      const { event, conversation } = await tx((t) =>
        stores.conversations.append(t, visitorSend('v1', 'm1', '[Photo]')),
      )
      const data = bytes()
      record = {
        id: 'a1',
        siteId: 'shop',
        conversationId: conversation.id,
        eventId: event.id,
        name: 'Счёт №5.pdf',
        contentType: 'application/pdf',
        size: data.length,
        data,
        createdAt: 1_700_000_000_123,
      }
    })
    afterEach(() => stores.db.close())

    it('gives back a stored file byte for byte, with what it is and where it belongs', async () => {
      await tx((t) => stores.attachments.put(t, record))
      const got = await stores.attachments.get('a1')
      expect(got).toEqual({ ...record, data: expect.any(Buffer) })
      expect(got!.data.equals(record.data)).toBe(true)
      expect(got!.data.length).toBe(1_500_256)
      expect(await stores.attachments.get('a2')).toBeUndefined()
    })

    it('stores nothing of a transaction that rolls back', async () => {
      const failing = tx(async (t) => {
        await stores.attachments.put(t, record)
        throw new Error('the message failed')
      })
      await expect(failing).rejects.toThrow('the message failed')
      expect(await stores.attachments.get('a1')).toBeUndefined()
    })

    it("ties a waiting upload to its message once, and only in the upload's conversation", async () => {
      const waiting = { ...record, id: 'up1', eventId: null }
      await tx((t) => stores.attachments.put(t, waiting))
      expect(await stores.attachments.byEvent('e-reply')).toBeUndefined()
      // Another conversation's message cannot take it.
      expect(await tx((t) => stores.attachments.claim(t, 'up1', 'c-other', 'e-x'))).toBeUndefined()
      const claimed = await tx((t) =>
        stores.attachments.claim(t, 'up1', record.conversationId, 'e-reply'),
      )
      expect(claimed).toMatchObject({ id: 'up1', eventId: 'e-reply', name: 'Счёт №5.pdf' })
      expect(claimed!.data.equals(record.data)).toBe(true)
      // Once sent, it stays with that message.
      expect(
        await tx((t) => stores.attachments.claim(t, 'up1', record.conversationId, 'e-again')),
      ).toBeUndefined()
      expect(await tx((t) => stores.attachments.claim(t, 'none', record.conversationId, 'e'))).toBe(
        undefined,
      )
      expect((await stores.attachments.byEvent('e-reply'))?.id).toBe('up1')
      expect((await stores.attachments.get('up1'))?.eventId).toBe('e-reply')
    })

    it('forgets a claim whose transaction rolls back', async () => {
      await tx((t) => stores.attachments.put(t, { ...record, id: 'up2', eventId: null }))
      const failing = tx(async (t) => {
        await stores.attachments.claim(t, 'up2', record.conversationId, 'e-lost')
        throw new Error('the message failed')
      })
      await expect(failing).rejects.toThrow('the message failed')
      expect((await stores.attachments.get('up2'))?.eventId).toBeNull()
      expect(await stores.attachments.byEvent('e-lost')).toBeUndefined()
    })

    it('refuses a second file with the same id and keeps the first', async () => {
      await tx((t) => stores.attachments.put(t, record))
      const again = tx((t) =>
        stores.attachments.put(t, { ...record, name: 'other.pdf', data: Buffer.from('%PDF-') }),
      )
      await expect(again).rejects.toThrow()
      expect((await stores.attachments.get('a1'))?.name).toBe('Счёт №5.pdf')
    })
  })
}
