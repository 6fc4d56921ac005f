import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Channel, ChannelContext, InboundRequest } from './channel.ts'

/** What the contract needs of one channel: it, a context, and its messenger (a fake). */
export interface ChannelHarness {
  channel: Channel
  context: ChannelContext
  /** An update with a text message from `chatId`, as the messenger sends it. */
  textUpdate(chatId: string, text: string): unknown
  /** The request the messenger makes for `body`: genuine, or with its proof broken. */
  request(body: unknown, proof: 'genuine' | 'missing' | 'wrong'): InboundRequest
  /** Messages the messenger received, in order. */
  sent(): { chatId: string; text: string }[]
  /** Whether the messenger says how long to wait when it rate-limits (Telegram does, Viber not). */
  saysRetryAfter: boolean
  /** The next send fails: rate limited (with a wait in ms), the messenger down, or refused for good. */
  failNext(failure: { rateLimited: number } | 'down' | 'refused'): void
  /** A webhook URL the messenger accepts (Viber checks that it answers). */
  hookUrl: string
  /** The URL the messenger was last pointed at. */
  registered(): string | undefined
  close(): Promise<void>
}

/** The contract every `Channel` passes, each against its messenger's fake. */
export function describeChannel(name: string, start: () => Promise<ChannelHarness>): void {
  describe(`Channel contract: ${name}`, () => {
    let h: ChannelHarness
    beforeEach(async () => {
      h = await start()
    })
    afterEach(() => h.close())

    it('accepts a genuine update and refuses one without or with a wrong proof', () => {
      const body = h.textUpdate('42', 'Hello')
      expect(h.channel.verify(h.context, h.request(body, 'genuine'))).toBe(true)
      expect(h.channel.verify(h.context, h.request(body, 'missing'))).toBe(false)
      expect(h.channel.verify(h.context, h.request(body, 'wrong'))).toBe(false)
    })

    it('maps a text message to one message event of its chat, keyed by the update', () => {
      const { events } = h.channel.parse(h.context, h.textUpdate('42', 'Is it in stock?'))
      expect(events).toEqual([
        expect.objectContaining({
          type: 'message',
          chatId: '42',
          text: 'Is it in stock?',
          key: expect.any(String),
        }),
      ])
      const [again] = h.channel.parse(h.context, h.textUpdate('42', 'And blue?')).events
      expect((again as { key: string }).key).not.toBe((events[0] as { key: string }).key)
    })

    it('sends a text and reports the id the messenger gave it', async () => {
      const result = await h.channel.send(
        h.context,
        { id: 'e_1', chatId: '42', text: 'Yes, in stock' },
        AbortSignal.timeout(5000),
      )
      expect(result).toEqual({ ok: true, externalId: expect.any(String) })
      expect(h.sent()).toEqual([{ chatId: '42', text: 'Yes, in stock' }])
    })

    it('reports a rate limit as retryable after the wait the messenger asked for', async () => {
      h.failNext({ rateLimited: 3000 })
      const result = await h.channel.send(
        h.context,
        { id: 'e_1', chatId: '42', text: 'Hi' },
        AbortSignal.timeout(5000),
      )
      expect(result).toMatchObject({ ok: false, retryable: true })
      expect((result as { retryAfterMs?: number }).retryAfterMs).toBe(
        h.saysRetryAfter ? 3000 : undefined,
      )
    })

    it('reports a messenger that is down as retryable, and a refusal as final', async () => {
      h.failNext('down')
      const down = await h.channel.send(
        h.context,
        { id: 'e_1', chatId: '42', text: 'Hi' },
        AbortSignal.timeout(5000),
      )
      expect(down).toMatchObject({ ok: false, retryable: true, error: expect.any(String) })
      h.failNext('refused')
      const refused = await h.channel.send(
        h.context,
        { id: 'e_2', chatId: '42', text: 'Hi' },
        AbortSignal.timeout(5000),
      )
      expect(refused).toMatchObject({ ok: false, retryable: false, error: expect.any(String) })
    })

    it('points the messenger at the webhook URL', async () => {
      await h.channel.register(h.context, h.hookUrl, AbortSignal.timeout(5000))
      expect(h.registered()).toBe(h.hookUrl)
    })
  })
}
