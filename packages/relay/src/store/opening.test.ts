import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { toSiteRecord } from '../modules/sites/sites.ts'
import { createSqliteStore, type SqliteStore } from './sqlite.ts'
import type { AppendInput, ConversationOpening } from './types.ts'

let store: SqliteStore
beforeEach(async () => {
  store = createSqliteStore(':memory:') as SqliteStore
  await store.putSite(toSiteRecord({ id: 'shop' }))
})
afterEach(() => store.close())

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
  conversion: { id: 'g1', scenarioId: 'sc1', page: '/catalog' },
}

const send = (cid: string, extra: Partial<AppendInput> = {}): AppendInput => ({
  id: `e-${cid}`,
  cid,
  authorKey: 'visitor:shop:v1',
  author: { kind: 'visitor', id: 'v1' },
  kind: 'message',
  text: `text ${cid}`,
  at: 1000,
  target: { open: { siteId: 'shop', visitorId: 'v1', page: '/catalog' } },
  newConversationId: `c-${cid}`,
  ...extra,
})

const conversions = () =>
  store.db
    .prepare(
      "SELECT scenario_id, kind, conversation_id, page FROM engagements WHERE event = 'conversion'",
    )
    .all()

describe('an opening on append', () => {
  it('gives a conversation it creates its group, preface events before the message, and a conversion', async () => {
    const result = await store.appendEvent(send('m1', { opening: OPENING }))
    expect(result.preface).toEqual([
      {
        conversationId: 'c-m1',
        seq: 1,
        id: 'inv',
        kind: 'system',
        author: { kind: 'system' },
        text: 'Invitation (Catalog helper): Need help?',
        at: 1000,
        data: { invitation: 'sc1' },
      },
    ])
    expect(result.event).toMatchObject({ seq: 2, id: 'e-m1', text: 'text m1' })
    expect(result.conversation).toMatchObject({ group: 'sales', lastSeq: 2, lastText: 'text m1' })
    expect((await store.eventsAfter('c-m1', 0, 10)).map((e) => e.id)).toEqual(['inv', 'e-m1'])
    expect(conversions()).toEqual([
      { scenario_id: 'sc1', kind: 'chat', conversation_id: 'c-m1', page: '/catalog' },
    ])
  })

  it('is ignored when the message lands in an open conversation or repeats a cid', async () => {
    await store.appendEvent(send('m1'))
    const next = await store.appendEvent(send('m2', { opening: OPENING }))
    expect(next.preface).toBeUndefined()
    expect(next.event.seq).toBe(2)
    expect(next.conversation.group).toBeUndefined()
    const again = await store.appendEvent(send('m1', { opening: OPENING }))
    expect(again.duplicate).toBe(true)
    expect(conversions()).toEqual([])
  })

  it('counts a form conversation by its kind', async () => {
    await store.appendEvent(
      send('cb', {
        kind: 'form',
        target: { create: { siteId: 'shop', visitorId: 'v1', kind: 'callback' } },
        opening: { group: 'callbacks', conversion: { id: 'g2', scenarioId: 'sc1' } },
      }),
    )
    expect((await store.getConversation('c-cb'))?.group).toBe('callbacks')
    expect(conversions()).toEqual([
      { scenario_id: 'sc1', kind: 'callback', conversation_id: 'c-cb', page: null },
    ])
  })

  it('is written in the transaction that creates the conversation: a failure leaves neither', async () => {
    await store.appendEvent(send('m1', { opening: OPENING }))
    // The same preface and conversion ids again: inserts that fail after the conversation was created.
    await expect(
      store.appendEvent(
        send('m2', {
          target: { create: { siteId: 'shop', visitorId: 'v1', kind: 'callback' } },
          opening: OPENING,
        }),
      ),
    ).rejects.toThrow()
    expect(await store.getConversation('c-m2')).toBeUndefined()
    expect(await store.eventsAfter('c-m2', 0, 10)).toEqual([])
    expect(await store.findEventByCid('visitor:shop:v1', 'm2')).toBeUndefined()
    expect(conversions()).toHaveLength(1)
  })
})
