import type { ConversationEvent } from '@parley/protocol'
import { LeadCreatedData } from '@parley/protocol'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { leadCreatedData } from './lead-data.ts'

const at = Date.UTC(2026, 11, 2, 14, 5)
const event = (seq: number, part: Partial<ConversationEvent>): ConversationEvent => ({
  conversationId: 'c1',
  seq,
  id: `e${seq}`,
  kind: 'message',
  author: { kind: 'visitor', id: 'v1' },
  text: '',
  at: at + seq * 60_000,
  ...part,
})

describe('lead.created data', () => {
  it('carries the contact, a console link and the transcript without system events', () => {
    const data = leadCreatedData(
      {
        id: 'c1',
        kind: 'offline',
        siteId: 'shop',
        visitorId: 'v1',
        status: 'open',
        name: 'Boris',
        email: 'boris@example.com',
        message: 'Price of the red one?',
        createdAt: at,
        updatedAt: at,
      },
      [
        event(1, { kind: 'form', text: 'Offline message from Boris' }),
        event(2, { author: { kind: 'operator', id: 'u1', name: 'Olga' }, text: 'It is 1200 ₽' }),
        event(3, { kind: 'system', author: { kind: 'system' }, data: { type: 'closed' } }),
        event(4, { text: 'Thanks!' }),
      ],
      { publicUrl: 'https://chat.shop.example' },
    )
    expect(data).toEqual({
      kind: 'offline',
      conversationId: 'c1',
      siteId: 'shop',
      visitorId: 'v1',
      name: 'Boris',
      email: 'boris@example.com',
      message: 'Price of the red one?',
      consoleUrl: 'https://chat.shop.example/console/#conversation=c1',
      transcript: [
        '[2026-12-02 14:06 UTC] Boris: (form) Offline message from Boris',
        '[2026-12-02 14:07 UTC] Olga: It is 1200 ₽',
        '[2026-12-02 14:09 UTC] Boris: Thanks!',
      ].join('\n'),
    })
    expect(Value.Check(LeadCreatedData, data)).toBe(true)
  })
})
