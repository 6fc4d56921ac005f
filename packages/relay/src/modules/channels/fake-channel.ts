import { createHmac, timingSafeEqual } from 'node:crypto'
import { type Channel, header, type SendResult } from './channel.ts'

/**
 * A messenger that lives in memory: updates are `{ id, chat, text }` signed with a hex
 * HMAC-SHA256 of the body under the token in `x-fake-signature`. What it "sent" and the
 * failures queued for it are on the returned object. For the channel contract and tests of
 * the outbox that need no HTTP.
 */
export function fakeChannel() {
  const sent: { chatId: string; text: string }[] = []
  const failures: SendResult[] = []
  let registered: string | undefined
  let nextId = 1
  const channel: Channel = {
    kind: 'telegram',
    polling: false,
    verify(context, request) {
      const given = header(request, 'x-fake-signature')
      const expected = createHmac('sha256', context.credentials.token ?? '')
        .update(request.raw)
        .digest('hex')
      return (
        given !== undefined &&
        given.length === expected.length &&
        timingSafeEqual(Buffer.from(given), Buffer.from(expected))
      )
    },
    parse(_context, body) {
      const update = body as { id: number; chat: string; text: string }
      return {
        events: [
          { type: 'message', key: String(update.id), chatId: update.chat, text: update.text },
        ],
      }
    },
    async send(_context, message) {
      const failure = failures.shift()
      if (failure) return failure
      sent.push({ chatId: message.chatId, text: message.text })
      return { ok: true, externalId: String(nextId++) }
    },
    async register(_context, url) {
      registered = url
    },
  }
  return {
    channel,
    sent,
    failures,
    registered: () => registered,
  }
}
