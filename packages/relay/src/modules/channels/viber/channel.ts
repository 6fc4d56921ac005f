import { createHmac } from 'node:crypto'
import { type Channel, header, type InboundEvent, type SendResult } from '../channel.ts'
import { sameSecret } from '../telegram/channel.ts'

export interface ViberOptions {
  /** The REST bot API's root. @default 'https://chatapi.viber.com/pa' */
  apiRoot?: string
  /** @default the global fetch */
  fetch?: typeof fetch
}

/**
 * JSON text with every `message_token` (a 64-bit integer, past what a JSON number keeps)
 * turned into a string first, so `5741311803571721087` stays exactly that.
 */
export function parseViberJson(text: string): unknown {
  return JSON.parse(text.replace(/("message_token"\s*:\s*)(-?\d+)/g, '$1"$2"'))
}

/** Viber statuses that end a message for good: the user is not there or left the bot. */
const GONE = new Set([5, 6])
/** "Too many requests": backed off and tried again. */
const RATE_LIMITED = 12

interface ViberUser {
  id: string
  name?: string
}

interface ViberCallback {
  event: string
  timestamp?: number
  message_token?: string
  user?: ViberUser
  user_id?: string
  sender?: ViberUser
  context?: string
  desc?: string
  message?: {
    type: string
    text?: string
    media?: string
    file_name?: string
    size?: number
    contact?: { phone_number?: string }
  }
}

function e164(phone: string): string | undefined {
  const digits = phone.replace(/[^\d]/g, '')
  return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined
}

/** The events of one Viber callback. */
export function eventsOfCallback(callback: ViberCallback): InboundEvent[] {
  const key = `${callback.event}:${callback.message_token ?? callback.timestamp ?? ''}`
  switch (callback.event) {
    case 'conversation_started':
      return [
        {
          type: 'subscription',
          key,
          chatId: callback.user?.id ?? '',
          blocked: false,
          ...(callback.context && { start: callback.context }),
        },
      ]
    case 'subscribed':
      return [{ type: 'subscription', key, chatId: callback.user?.id ?? '', blocked: false }]
    case 'unsubscribed':
      return [{ type: 'subscription', key, chatId: callback.user_id ?? '', blocked: true }]
    case 'delivered':
    case 'seen':
    case 'failed':
      if (!callback.message_token) return [{ type: 'ignored', key }]
      return [
        {
          type: 'receipt',
          key,
          externalId: callback.message_token,
          state: callback.event === 'seen' ? 'read' : callback.event,
          ...(callback.desc && { error: callback.desc }),
        },
      ]
    case 'message': {
      const sender = callback.sender
      const message = callback.message
      if (!sender?.id || !message) return [{ type: 'ignored', key }]
      const base = {
        type: 'message' as const,
        key,
        chatId: sender.id,
        text: message.text ?? '',
        ...(sender.name && { name: sender.name }),
      }
      if (message.type === 'contact' && message.contact?.phone_number) {
        const phone = e164(message.contact.phone_number)
        return [{ ...base, text: message.contact.phone_number, ...(phone && { phone }) }]
      }
      if (message.type === 'picture') {
        return [
          {
            ...base,
            attachment: {
              kind: 'photo',
              mimeType: 'image/jpeg',
              ...(message.size !== undefined && { size: message.size }),
            },
          },
        ]
      }
      if (message.type === 'file') {
        return [
          {
            ...base,
            attachment: {
              kind: 'document',
              ...(message.file_name && { name: message.file_name }),
              ...(message.size !== undefined && { size: message.size }),
            },
          },
        ]
      }
      if (message.type !== 'text') return [{ type: 'ignored', key }]
      return [base]
    }
    default:
      // `webhook` (Viber checking the URL) and anything new: answered, nothing to do.
      return [{ type: 'ignored' }]
  }
}

/** Viber bots over the REST bot API with `fetch` (the `viber-bot` package is unmaintained). */
export function viberChannel(options: ViberOptions = {}): Channel {
  const root = options.apiRoot ?? 'https://chatapi.viber.com/pa'
  const doFetch = options.fetch ?? fetch
  async function call(
    token: string,
    method: string,
    body: unknown,
    signal: AbortSignal,
  ): Promise<{ status: number; status_message?: string; message_token?: string }> {
    const response = await doFetch(`${root}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-viber-auth-token': token },
      body: JSON.stringify(body),
      signal,
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`Viber ${method}: HTTP ${response.status}`)
    return parseViberJson(text) as { status: number; status_message?: string }
  }
  return {
    kind: 'viber',
    polling: false,

    verify(context, request) {
      const expected = createHmac('sha256', context.credentials.token ?? '')
        .update(request.raw)
        .digest('hex')
      return sameSecret(header(request, 'x-viber-content-signature')?.toLowerCase(), expected)
    },

    parse(_context, body, raw) {
      const callback = (raw ? parseViberJson(raw.toString('utf8')) : body) as ViberCallback
      if (typeof callback?.event !== 'string') return { events: [{ type: 'ignored' }] }
      return { events: eventsOfCallback(callback) }
    },

    async send(context, message, signal): Promise<SendResult> {
      let answer: Awaited<ReturnType<typeof call>>
      try {
        answer = await call(
          context.credentials.token ?? '',
          'send_message',
          {
            receiver: message.chatId,
            min_api_version: 1,
            sender: { name: context.name.slice(0, 28) },
            type: 'text',
            text: message.text,
          },
          signal,
        )
      } catch (err) {
        return { ok: false, retryable: true, error: (err as Error).message }
      }
      if (answer.status === 0 && answer.message_token) {
        return { ok: true, externalId: String(answer.message_token) }
      }
      const error = `${answer.status_message ?? 'failed'} (status ${answer.status})`
      if (answer.status === RATE_LIMITED) return { ok: false, retryable: true, error }
      return {
        ok: false,
        retryable: false,
        error,
        ...(GONE.has(answer.status) && { blocked: true }),
      }
    },

    async register(context, url, signal) {
      const answer = await call(
        context.credentials.token ?? '',
        'set_webhook',
        {
          url,
          event_types: [
            'delivered',
            'seen',
            'failed',
            'subscribed',
            'unsubscribed',
            'conversation_started',
          ],
          send_name: true,
          send_photo: false,
        },
        signal,
      )
      if (answer.status !== 0) {
        throw new Error(
          `Viber set_webhook: ${answer.status_message ?? 'failed'} (status ${answer.status})`,
        )
      }
    },

    async unregister(context, signal) {
      await call(context.credentials.token ?? '', 'set_webhook', { url: '' }, signal)
    },
  }
}
