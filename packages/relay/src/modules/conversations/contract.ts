import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import {
  employee,
  freshStores,
  type StoresFactory,
  visitorSend,
} from '../../testing/store-fixtures.ts'
import type { AppendInput, ConversationOpening } from './store.ts'

const OPENING: ConversationOpening = {
  group: 'sales',
  preface: [
    {
      id: 'inv',
      author: { kind: 'system' },
      kind: 'system',
      text: 'Invitation (Catalog helper): Need help?',
      data: { invitation: 'sc1' },
    },
  ],
}

/** The contract every `ConversationStore` adapter must pass. */
export function describeConversationStore(name: string, factory: StoresFactory): void {
  describe(`ConversationStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    const append = (input: AppendInput) => tx((t) => stores.conversations.append(t, input))
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    afterEach(() => stores.db.close())

    it('opens a conversation on the first send and numbers events from 1', async () => {
      const first = await append(visitorSend('v1', 'a', 'hello'))
      expect(first).toMatchObject({ duplicate: false, created: true, summaryChanged: true })
      expect(first.event).toMatchObject({
        seq: 1,
        text: 'hello',
        conversationId: first.conversation.id,
      })
      expect(first.conversation).toMatchObject({
        siteId: 'shop',
        visitorId: 'v1',
        kind: 'chat',
        status: 'open',
        lastSeq: 1,
        lastText: 'hello',
        page: 'https://shop.example/',
      })
      const second = await append(visitorSend('v1', 'b', 'again'))
      expect(second.conversation.id).toBe(first.conversation.id)
      expect(second).toMatchObject({
        duplicate: false,
        created: false,
        summaryChanged: false,
        event: { seq: 2 },
      })
    })

    it('returns the stored event for a repeated cid and stores nothing', async () => {
      const first = await append(visitorSend('v1', 'same', 'hello'))
      const again = await append(visitorSend('v1', 'same', 'hello (retry)'))
      expect(again).toMatchObject({ duplicate: true, event: first.event })
      expect(await stores.conversations.eventsAfter(first.conversation.id, 0, 10)).toEqual([
        first.event,
      ])
      expect(await stores.conversations.findEventByCid('visitor:shop:v1', 'same')).toEqual(
        first.event,
      )
    })

    it('scopes cids per author', async () => {
      const a = await append(visitorSend('v1', 'same', 'from v1'))
      const b = await append(visitorSend('v2', 'same', 'from v2'))
      expect(b.duplicate).toBe(false)
      expect(b.conversation.id).not.toBe(a.conversation.id)
    })

    it('assigns the first operator only and closes with an event', async () => {
      await tx(async (t) => {
        for (const id of ['ann', 'bob']) await stores.employees.create(t, employee(id))
      })
      const { conversation } = await append(visitorSend('v1', 'a', 'hi'))
      const reply = (cid: string, id: string) =>
        append({
          id: `${cid}-event`,
          cid,
          authorKey: `operator:${id}`,
          author: { kind: 'operator', id, name: id },
          kind: 'message',
          text: 'hello',
          at: 5000,
          target: { conversationId: conversation.id },
          newConversationId: 'unused',
          assign: { id, name: id.toUpperCase() },
        })
      const first = await reply('r1', 'ann')
      expect(first.summaryChanged).toBe(true)
      expect(first.conversation.operator).toEqual({ id: 'ann', name: 'ANN' })
      const second = await reply('r2', 'bob')
      expect(second.summaryChanged).toBe(false)
      expect(second.conversation.operator).toEqual({ id: 'ann', name: 'ANN' })

      const closed = await append({
        id: 'close-event',
        cid: 'close',
        authorKey: 'operator:ann',
        author: { kind: 'system' },
        kind: 'system',
        text: 'closed',
        at: 6000,
        target: { conversationId: conversation.id },
        newConversationId: 'unused',
        close: true,
      })
      expect(closed).toMatchObject({ summaryChanged: true, event: { seq: 4, kind: 'system' } })
      expect(closed.conversation).toMatchObject({
        status: 'closed',
        lastText: 'hello',
        updatedAt: 6000,
      })
      const next = await append(visitorSend('v1', 'b', 'new question'))
      expect(next.conversation.id).not.toBe(conversation.id)
    })

    it('refuses to append to a missing conversation', async () => {
      await expect(append(visitorSend('v1', 'a', 'hi', 'nope'))).rejects.toMatchObject({
        code: 'conversation_not_found',
      })
    })

    it('lists events after a seq with a limit, in order', async () => {
      const { conversation } = await append(visitorSend('v1', 'a', '1'))
      for (const text of ['2', '3', '4']) await append(visitorSend('v1', text, text))
      const after = await stores.conversations.eventsAfter(conversation.id, 1, 2)
      expect(after.map((e) => [e.seq, e.text])).toEqual([
        [2, '2'],
        [3, '3'],
      ])
    })

    it('lists the latest events with a limit, in order', async () => {
      const { conversation } = await append(visitorSend('v1', 'a', '1'))
      for (const text of ['2', '3', '4']) await append(visitorSend('v1', text, text))
      const latest = await stores.conversations.latestEvents(conversation.id, 2)
      expect(latest.map((e) => [e.seq, e.text])).toEqual([
        [3, '3'],
        [4, '4'],
      ])
      expect(
        (await stores.conversations.latestEvents(conversation.id, 10)).map((e) => e.seq),
      ).toEqual([1, 2, 3, 4])
      expect(await stores.conversations.latestEvents('nope', 10)).toEqual([])
    })

    it('lists conversations most recently updated first, per visitor and overall', async () => {
      const a = await append(visitorSend('v1', 'a', 'a'))
      const b = await append(visitorSend('v2', 'b', 'b'))
      const { conversations } = stores
      expect((await conversations.list(10)).map((c) => c.id)).toEqual([
        b.conversation.id,
        a.conversation.id,
      ])
      expect((await conversations.listForVisitor('shop', 'v1', 10)).map((c) => c.id)).toEqual([
        a.conversation.id,
      ])
      expect(await conversations.listForVisitor('other', 'v1', 10)).toEqual([])
      expect(await conversations.get(a.conversation.id)).toEqual(a.conversation)
    })

    it('never moves a read marker backwards', async () => {
      const { conversation } = await append(visitorSend('v1', 'a', 'a'))
      const mark = (seq: number, at: number) =>
        tx((t) => stores.conversations.markRead(t, conversation.id, 'operator:u1', seq, at))
      expect(await mark(3, 1)).toBe(3)
      expect(await mark(2, 2)).toBe(3)
    })

    it('tells whether a reader has read an event: once their mark reaches its seq', async () => {
      const first = await append(visitorSend('v1', 'a', 'a'))
      const second = await append(visitorSend('v1', 'b', 'b', first.conversation.id))
      const read = (eventId: string) => stores.conversations.hasRead('visitor:shop:v1', eventId)
      expect([await read(first.event.id), await read(second.event.id)]).toEqual([false, false])
      await tx((t) =>
        stores.conversations.markRead(t, first.conversation.id, 'visitor:shop:v1', 1, 5),
      )
      expect([await read(first.event.id), await read(second.event.id)]).toEqual([true, false])
      // Another reader's mark is not theirs; an unknown event is unread.
      await tx((t) => stores.conversations.markRead(t, first.conversation.id, 'operator:u1', 2, 6))
      expect(await read(second.event.id)).toBe(false)
      expect(await read('no-such-event')).toBe(false)
    })

    const callback = (cid: string): AppendInput => ({
      id: `form-${cid}`,
      cid,
      authorKey: 'visitor:shop:v1',
      author: { kind: 'visitor', id: 'v1' },
      kind: 'form',
      text: 'Callback request: Anna',
      data: { name: 'Anna', phone: '+79161234567' },
      at: 7,
      target: {
        create: {
          siteId: 'shop',
          visitorId: 'v1',
          kind: 'callback',
          contact: { name: 'Anna', phone: '+79161234567' },
        },
      },
      newConversationId: `conv-${cid}`,
    })

    it('opens a form conversation of its kind with the form contact on it', async () => {
      const chat = await append(visitorSend('v1', 'm', 'hello'))
      const result = await append(callback('cb'))
      expect(result.conversation.id).not.toBe(chat.conversation.id)
      expect(result.conversation).toMatchObject({
        kind: 'callback',
        visitorName: 'Anna',
        visitorPhone: '+79161234567',
        lastText: 'Callback request: Anna',
      })
      expect(await stores.conversations.eventsAfter(result.conversation.id, 0, 10)).toEqual([
        result.event,
      ])
      expect(result.event.data).toEqual({ name: 'Anna', phone: '+79161234567' })
      expect((await stores.conversations.get(chat.conversation.id))?.kind).toBe('chat')
    })

    it("puts a visitor's message into their open chat, never into an open callback", async () => {
      const form = await append(callback('cb'))
      const chat = await append(visitorSend('v1', 'm', 'hello'))
      expect(chat.created).toBe(true)
      expect(chat.conversation).toMatchObject({ kind: 'chat', lastSeq: 1 })
      expect(chat.conversation.id).not.toBe(form.conversation.id)
      expect(await stores.conversations.countOpen('shop', 'v1')).toEqual({ total: 2, chat: 1 })
    })

    it('sets a rating with its event', async () => {
      const { conversation } = await append(visitorSend('v1', 'a', 'hi'))
      const rated = await append({
        ...visitorSend('v1', 'r', 'Rated 5/5', conversation.id),
        kind: 'system',
        rating: { rating: 5, comment: 'great' },
      })
      expect(rated.summaryChanged).toBe(true)
      expect(rated.conversation).toMatchObject({ rating: 5, ratingComment: 'great' })
    })

    it('gives a conversation it creates its group and preface events before the message', async () => {
      const result = await append({ ...visitorSend('v1', 'm1', 'text m1'), opening: OPENING })
      expect(result.preface).toEqual([
        {
          conversationId: result.conversation.id,
          seq: 1,
          id: 'inv',
          kind: 'system',
          author: { kind: 'system' },
          text: 'Invitation (Catalog helper): Need help?',
          at: result.event.at,
          data: { invitation: 'sc1' },
        },
      ])
      expect(result.event.seq).toBe(2)
      expect(result.conversation).toMatchObject({ group: 'sales', lastSeq: 2 })
      expect(
        (await stores.conversations.eventsAfter(result.conversation.id, 0, 10)).map((e) => e.id),
      ).toEqual(['inv', result.event.id])
    })

    it('ignores the opening when the message lands in an open conversation', async () => {
      const first = await append(visitorSend('v1', 'm1', 'first'))
      const second = await append({ ...visitorSend('v1', 'm2', 'second'), opening: OPENING })
      expect(second.conversation.id).toBe(first.conversation.id)
      expect(second.preface).toBeUndefined()
      expect(second.conversation.group).toBeUndefined()
      expect(second.event.seq).toBe(2)
    })

    it('pages conversations by (updatedAt, id) with filters, a moved row coming again at the end', async () => {
      const at = (input: AppendInput, time: number) => append({ ...input, at: time })
      const a = await at(visitorSend('va', 'a1', 'a'), 10)
      const b = await at(visitorSend('vb', 'b1', 'b'), 10)
      const c = await at(
        {
          ...visitorSend('vc', 'c1', 'call me'),
          kind: 'form',
          target: { create: { siteId: 'shop', visitorId: 'vc', kind: 'callback' } },
        },
        20,
      )
      const ids = [a, b].map((r) => r.conversation.id).sort()
      const all = await stores.conversations.page({ limit: 10 })
      expect(all.map((x) => x.id)).toEqual([...ids, c.conversation.id])
      const first = await stores.conversations.page({ limit: 1 })
      expect(first.map((x) => x.id)).toEqual([ids[0]])
      // The first row is written while a reader walks: it moves behind the others.
      await at(visitorSend(ids[0] === a.conversation.id ? 'va' : 'vb', 'x1', 'again'), 30)
      const rest = await stores.conversations.page({
        after: { at: first[0]!.updatedAt, id: first[0]!.id },
        limit: 10,
      })
      expect(rest.map((x) => x.id)).toEqual([ids[1], c.conversation.id, ids[0]])
      expect(
        (await stores.conversations.page({ kinds: ['callback', 'offline'], limit: 10 })).map(
          (x) => x.id,
        ),
      ).toEqual([c.conversation.id])
      expect((await stores.conversations.page({ updatedSince: 20, limit: 10 })).length).toBe(2)
      expect((await stores.conversations.page({ status: 'closed', limit: 10 })).length).toBe(0)
      expect((await stores.conversations.page({ siteId: 'elsewhere', limit: 10 })).length).toBe(0)
      expect(await stores.conversations.firstForm(c.conversation.id)).toMatchObject({
        kind: 'form',
        text: 'call me',
      })
      expect(await stores.conversations.firstForm(a.conversation.id)).toBeUndefined()
    })

    it('pages messages across conversations by (at, id), by conversation and since', async () => {
      const one = await append({ ...visitorSend('v1', 'm1', 'one'), at: 5 })
      await append({ ...visitorSend('v2', 'm2', 'two'), at: 6 })
      await append({ ...visitorSend('v1', 'm3', 'three'), at: 7 })
      const texts = (events: { text: string }[]) => events.map((e) => e.text)
      const first = await stores.conversations.messagePage({ limit: 2 })
      expect(texts(first)).toEqual(['one', 'two'])
      const last = first[1]!
      expect(
        texts(
          await stores.conversations.messagePage({ after: { at: last.at, id: last.id }, limit: 2 }),
        ),
      ).toEqual(['three'])
      expect(
        texts(
          await stores.conversations.messagePage({
            conversationId: one.conversation.id,
            limit: 10,
          }),
        ),
      ).toEqual(['one', 'three'])
      expect(texts(await stores.conversations.messagePage({ since: 6, limit: 10 }))).toEqual([
        'two',
        'three',
      ])
      expect(await stores.conversations.messagePage({ siteId: 'elsewhere', limit: 10 })).toEqual([])
    })

    it("keeps a lead's status and assignee; a chat has none and is left unchanged", async () => {
      await tx((t) => stores.employees.create(t, employee('ann')))
      const lead = await append({
        ...visitorSend('vl', 'l1', 'call me'),
        kind: 'form',
        target: { create: { siteId: 'shop', visitorId: 'vl', kind: 'callback' } },
      })
      const chat = await append(visitorSend('vm', 'm1', 'hello'))
      expect(lead.conversation.lead).toEqual({ status: 'new' })
      expect(chat.conversation.lead).toBeUndefined()
      const id = lead.conversation.id
      const taken = await tx((t) =>
        stores.conversations.setLead(t, id, { status: 'in_progress', assigneeId: 'ann' }, 5000),
      )
      expect(taken).toMatchObject({
        updatedAt: 5000,
        lead: { status: 'in_progress', assignee: { id: 'ann' } },
      })
      await tx((t) => stores.conversations.setLead(t, id, { status: 'done' }, 6000))
      expect((await stores.conversations.get(id))?.lead).toEqual({
        status: 'done',
        assignee: { id: 'ann', name: '' },
      })
      await tx((t) => stores.conversations.setLead(t, id, { assigneeId: null }, 7000))
      expect((await stores.conversations.get(id))?.lead).toEqual({ status: 'done' })
      const chatId = chat.conversation.id
      expect(
        await tx((t) => stores.conversations.setLead(t, chatId, { status: 'done' }, 8000)),
      ).toBeUndefined()
      expect((await stores.conversations.get(chatId))?.updatedAt).toBe(chat.conversation.updatedAt)
    })

    it('replaces the tags of a conversation and reads them in batches', async () => {
      const a = (await append(visitorSend('va', 'a1', 'a'))).conversation.id
      const b = (await append(visitorSend('vb', 'b1', 'b'))).conversation.id
      await tx((t) => stores.conversations.setTags(t, a, ['refund', 'delivery'], 10))
      await tx((t) => stores.conversations.setTags(t, b, ['refund'], 10))
      await tx((t) => stores.conversations.setTags(t, b, ['vip'], 11))
      expect(await stores.conversations.tagsOf([a, b, 'c-none'])).toEqual(
        new Map([
          [a, ['delivery', 'refund']],
          [b, ['vip']],
        ]),
      )
      expect(await stores.conversations.tagsOf([])).toEqual(new Map())
    })
  })
}
