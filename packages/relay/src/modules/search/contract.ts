import type { ConversationKind } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { Stores } from '../../stores.ts'
import { employee, freshStores, SITE, type StoresFactory } from '../../testing/store-fixtures.ts'
import type { AppendInput } from '../conversations/store.ts'
import type { MessageSearchHit, MessageSearchQuery, SearchScope } from './store.ts'
import { searchWords } from './words.ts'

const EVERYONE: SearchScope = { all: true }

interface Chat {
  id: string
  kind?: ConversationKind
  group?: string
  operator?: string
  site?: string
}

/**
 * The search semantics of `MessageSearchQuery` (words, prefixes, ranks, filters, scope,
 * paging, erasure) over a store set's own writes: the conversation store appends, the
 * privacy store erases, the search store finds.
 */
export function describeSearchStore(name: string, factory: StoresFactory): void {
  describe(`SearchStore contract: ${name}`, () => {
    let stores: Stores
    let tx: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>
    let n = 0
    let clock = 10_000

    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
      await tx(async (t) => {
        await stores.employees.create(t, employee('olga', { name: 'Olga' }))
        await stores.employees.create(t, employee('ivan', { name: 'Ivan' }))
        await stores.sites.put(t, { ...SITE, config: { ...SITE.config, siteId: 'other' } }, 1)
      })
    })
    afterEach(() => stores.db.close())

    /** Appends `text` to the chat (created on first use); returns the event id. */
    function say(chat: Chat, text: string, extra: Partial<AppendInput> = {}) {
      n++
      clock += 10
      const site = chat.site ?? 'shop'
      return tx(async (t) => {
        const { event } = await stores.conversations.append(t, {
          id: `ev${n}`,
          authorKey: `visitor:${site}:v_${chat.id}`,
          author: { kind: 'visitor', id: `v_${chat.id}` },
          kind: 'message',
          text,
          at: clock,
          target: (await stores.conversations.get(chat.id, t))
            ? { conversationId: chat.id }
            : {
                create: {
                  siteId: site,
                  visitorId: `v_${chat.id}`,
                  kind: chat.kind ?? 'chat',
                },
              },
          newConversationId: chat.id,
          ...(chat.group && { opening: { group: chat.group } }),
          ...(chat.operator && { assign: { id: chat.operator, name: chat.operator } }),
          ...extra,
        })
        return event.id
      })
    }

    const search = (q: string, query: Partial<MessageSearchQuery> = {}) =>
      stores.search.search({
        words: searchWords(q),
        scope: EVERYONE,
        order: 'rank',
        limit: 100,
        ...query,
      })
    const texts = (hits: MessageSearchHit[]) => hits.map((h) => h.event.text)
    const found = async (q: string, query: Partial<MessageSearchQuery> = {}) =>
      texts(await search(q, query))

    it('finds a message by any of its words, in any case, Russian and English alike', async () => {
      await say({ id: 'a' }, 'Где мой ЗАКАЗ? Order number 5512')
      await say({ id: 'b' }, 'Спасибо, всё пришло')
      expect(await found('заказ')).toEqual(['Где мой ЗАКАЗ? Order number 5512'])
      expect(await found('ЗаКаЗ')).toEqual(['Где мой ЗАКАЗ? Order number 5512'])
      expect(await found('ORDER')).toEqual(['Где мой ЗАКАЗ? Order number 5512'])
      expect(await found('5512')).toEqual(['Где мой ЗАКАЗ? Order number 5512'])
      expect(await found('спасибо')).toEqual(['Спасибо, всё пришло'])
      expect(await found('доставка')).toEqual([])
    })

    it('matches each word as the beginning of a word, one-character words whole', async () => {
      await say({ id: 'a' }, 'Статус заказа изменён')
      await say({ id: 'b' }, 'Приказ директора')
      await say({ id: 'c' }, 'Shipping tomorrow, I promise')
      await say({ id: 'd' }, 'Item 5 of 50')
      expect(await found('заказ')).toEqual(['Статус заказа изменён'])
      // Inside a word is no match: `приказ` does not hold the word `заказ`, nor `каз`.
      expect(await found('каз')).toEqual([])
      expect(await found('ship')).toEqual(['Shipping tomorrow, I promise'])
      expect(await found('5')).toEqual(['Item 5 of 50'])
      expect(await found('i')).toEqual(['Shipping tomorrow, I promise'])
    })

    it('needs every word of the query', async () => {
      await say({ id: 'a' }, 'red shoes')
      await say({ id: 'b' }, 'blue shoes')
      await say({ id: 'c' }, 'red hat')
      expect(await found('shoes red')).toEqual(['red shoes'])
      expect(await found('shoes')).toEqual(['blue shoes', 'red shoes'])
    })

    it('reads ё as е and Latin letters without their accents; punctuation separates words', async () => {
      await say({ id: 'a' }, 'Ёлка в подарок')
      await say({ id: 'b' }, 'Новая елка')
      await say({ id: 'c' }, 'Café crème brûlée')
      await say({ id: 'd' }, 'Write to anna.k@example.com or +7 (916) 123-45-67')
      expect(await found('ёлка')).toEqual(['Новая елка', 'Ёлка в подарок'])
      expect(await found('елк')).toEqual(['Новая елка', 'Ёлка в подарок'])
      expect(await found('cafe creme')).toEqual(['Café crème brûlée'])
      expect(await found('brûlée')).toEqual(['Café crème brûlée'])
      expect(await found('example')).toEqual(['Write to anna.k@example.com or +7 (916) 123-45-67'])
      expect(await found('123-45')).toEqual(['Write to anna.k@example.com or +7 (916) 123-45-67'])
    })

    it('searches messages and form texts, never system events', async () => {
      await say({ id: 'a' }, 'Offline message from Anna: parcel lost', { kind: 'form' })
      await say({ id: 'a' }, 'parcel found', {
        kind: 'system',
        author: { kind: 'system' },
        data: { type: 'closed' },
      })
      await say({ id: 'b' }, 'where is my parcel')
      expect(await found('parcel')).toEqual([
        'where is my parcel',
        'Offline message from Anna: parcel lost',
      ])
    })

    it('ranks the words together first, then every word whole, then beginnings; newest first in each', async () => {
      await say({ id: 'a' }, 'gift card please') // phrase
      await say({ id: 'b' }, 'a card for a gift') // whole words
      await say({ id: 'c' }, 'gifts and cards') // beginnings only
      await say({ id: 'd' }, 'my gift card is lost') // phrase, newer
      const hits = await search('gift card')
      expect(hits.map((h) => [h.rank, h.event.text])).toEqual([
        [0, 'my gift card is lost'],
        [0, 'gift card please'],
        [1, 'a card for a gift'],
        [2, 'gifts and cards'],
      ])
      expect(await found('gift card', { order: 'newest' })).toEqual([
        'my gift card is lost',
        'gifts and cards',
        'a card for a gift',
        'gift card please',
      ])
      expect((await search('gift card', { order: 'newest' })).map((h) => h.rank)).toEqual([
        0, 0, 0, 0,
      ])
    })

    it('pages to the end of the history across ranks, each message once', async () => {
      for (let i = 0; i < 7; i++) await say({ id: `p${i}` }, `refund number ${i}`)
      for (let i = 0; i < 6; i++) await say({ id: `q${i}` }, `refunds ${i}`)
      const all = await search('refund')
      expect(all).toHaveLength(13)
      const walked: MessageSearchHit[] = []
      let after: MessageSearchQuery['after']
      for (let page = 0; page < 20; page++) {
        const hits = await search('refund', { limit: 3, ...(after && { after }) })
        walked.push(...hits)
        if (hits.length < 3) break
        const last = hits.at(-1)!
        after = { rank: last.rank, at: last.event.at, id: last.event.id }
        // A message written during the walk lands before the cursor: it shifts nothing.
        if (page === 1) await say({ id: 'late' }, 'refund arrived late')
      }
      expect(walked.map((h) => h.event.id)).toEqual(all.map((h) => h.event.id))
      expect(new Set(walked.map((h) => h.event.id)).size).toBe(13)
    })

    it('filters by site, channel, operator, group, status and a [from, to) range', async () => {
      const a = await say({ id: 'a', kind: 'chat', group: 'sales', operator: 'olga' }, 'invoice a')
      await say({ id: 'b', kind: 'offline', group: 'support' }, 'invoice b')
      await say({ id: 'c', site: 'other', operator: 'ivan' }, 'invoice c')
      await say({ id: 'd' }, 'invoice d', { close: true })
      const ats = new Map((await search('invoice')).map((h) => [h.event.id, h.event.at]))
      expect(await found('invoice', { siteId: 'other' })).toEqual(['invoice c'])
      expect(await found('invoice', { kind: 'offline' })).toEqual(['invoice b'])
      expect(await found('invoice', { operatorId: 'olga' })).toEqual(['invoice a'])
      expect(await found('invoice', { groupId: 'support' })).toEqual(['invoice b'])
      expect(await found('invoice', { status: 'closed' })).toEqual(['invoice d'])
      expect(await found('invoice', { status: 'open', siteId: 'shop' })).toEqual([
        'invoice b',
        'invoice a',
      ])
      const atA = ats.get(a)!
      expect(await found('invoice', { from: atA, to: atA + 1 })).toEqual(['invoice a'])
      expect(await found('invoice', { from: atA + 1 })).toEqual([
        'invoice d',
        'invoice c',
        'invoice b',
      ])
      expect(await found('invoice', { to: atA })).toEqual([])
    })

    it('filters by a tag the conversation was closed with', async () => {
      await say({ id: 'a' }, 'refund asked')
      await say({ id: 'b' }, 'refund given')
      await say({ id: 'c' }, 'refund refused')
      await tx((t) => stores.conversations.setTags(t, 'a', ['refund', 'vip'], clock))
      await tx((t) => stores.conversations.setTags(t, 'b', ['refund'], clock))
      expect(await found('refund', { tag: 'vip' })).toEqual(['refund asked'])
      expect(await found('refund', { tag: 'refund' })).toEqual(['refund given', 'refund asked'])
      expect(await found('refund', { tag: 'missing' })).toEqual([])
    })

    it('finds for a viewer only what their scope shows', async () => {
      await say({ id: 'mine', group: 'sales', operator: 'olga' }, 'scope mine')
      await say({ id: 'waiting', group: 'sales' }, 'scope waiting in sales')
      await say({ id: 'taken', group: 'sales', operator: 'ivan' }, 'scope taken in sales')
      await say({ id: 'elsewhere', group: 'support' }, 'scope waiting in support')
      await say({ id: 'nogroup' }, 'scope of the whole team')
      const operator: SearchScope = { operatorId: 'olga', groups: ['sales'], wholeGroups: false }
      expect((await found('scope', { scope: operator })).sort()).toEqual([
        'scope mine',
        'scope of the whole team',
        'scope waiting in sales',
      ])
      expect((await found('scope', { scope: { ...operator, wholeGroups: true } })).sort()).toEqual([
        'scope mine',
        'scope of the whole team',
        'scope taken in sales',
        'scope waiting in sales',
      ])
      expect(
        (
          await found('scope', { scope: { operatorId: 'olga', groups: [], wholeGroups: true } })
        ).sort(),
      ).toEqual(['scope mine', 'scope of the whole team'])
      expect(await found('scope')).toHaveLength(5)
    })

    it('gives each hit its conversation as stored', async () => {
      await say({ id: 'a', kind: 'callback', group: 'sales', operator: 'olga' }, 'call me back')
      const [hit] = await search('call')
      expect(hit!.conversation).toMatchObject({
        id: 'a',
        kind: 'callback',
        group: 'sales',
        operator: { id: 'olga' },
      })
      expect(hit!.event).toMatchObject({ conversationId: 'a', seq: 1, kind: 'message' })
    })

    it('no longer finds an erased conversation, nor the words of its erased texts', async () => {
      await say({ id: 'a' }, 'my secret passphrase is swordfish')
      await say({ id: 'b' }, 'swordfish for dinner')
      await tx((t) => stores.privacy.eraseConversations(t, ['a'], clock + 1, '[erased]'))
      expect(await found('swordfish')).toEqual(['swordfish for dinner'])
      expect(await found('passphrase')).toEqual([])
      // Not even its marker text is found: the conversation is gone from search.
      expect(await found('erased')).toEqual([])
    })

    it('finds nothing of a transaction that rolled back', async () => {
      await say({ id: 'a' }, 'kept message')
      const failed = tx(async (t) => {
        await stores.conversations.append(t, {
          id: 'gone',
          authorKey: 'visitor:shop:v_a',
          author: { kind: 'visitor', id: 'v_a' },
          kind: 'message',
          text: 'vanished message',
          at: clock + 1,
          target: { conversationId: 'a' },
          newConversationId: 'unused',
        })
        throw new Error('rolled back')
      })
      // Another transaction of the same batch commits.
      const kept = say({ id: 'b' }, 'another kept message')
      await expect(failed).rejects.toThrow('rolled back')
      await kept
      expect(await found('message')).toEqual(['another kept message', 'kept message'])
      expect(await found('vanished')).toEqual([])
    })
  })
}
