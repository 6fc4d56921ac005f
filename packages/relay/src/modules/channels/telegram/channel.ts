import { timingSafeEqual } from 'node:crypto'
import { Api, GrammyError, HttpError, InputFile } from 'grammy'
import type { Update } from 'grammy/types'
import { type Download, readCapped } from '../../attachments/download.ts'
import {
  type Channel,
  type ChannelContext,
  header,
  type InboundEvent,
  type InboundRequest,
  type InboundResult,
  type OutboundMessage,
  type SendResult,
} from '../channel.ts'

export interface TelegramOptions {
  /** The Bot API's root. @default 'https://api.telegram.org' */
  apiRoot?: string
}

/** grammy types its signals with the `abort-controller` shim's type; the platform's is the same thing. */
type GrammySignal = Parameters<Api['getMe']>[0]
const asGrammy = (signal: AbortSignal) => signal as unknown as GrammySignal

/** Whether two strings are equal, in time that does not depend on where they differ. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A phone as Telegram shares it (`79161234567` or `+79161234567`), in E.164. */
function e164(phone: string): string | undefined {
  const digits = phone.replace(/[^\d]/g, '')
  return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined
}

/** The events of one Bot API `Update`. */
export function eventsOfUpdate(update: Update): InboundEvent[] {
  const key = String(update.update_id)
  const member = update.my_chat_member
  if (member) {
    const status = member.new_chat_member.status
    return [
      {
        type: 'subscription',
        key,
        chatId: String(member.chat.id),
        blocked: status === 'kicked' || status === 'left',
      },
    ]
  }
  const message = update.message
  // Only private chats with a person: groups and channels are not visitors.
  if (message?.chat.type !== 'private' || !message.from || message.from.is_bot) {
    return [{ type: 'ignored', key }]
  }
  const chatId = String(message.chat.id)
  const name = [message.from.first_name, message.from.last_name].filter(Boolean).join(' ')
  const text = message.text ?? message.caption ?? ''
  const start = /^\/start(?:@\w+)?(?:\s+(\S+))?\s*$/.exec(message.text ?? '')
  if (start) return [{ type: 'subscription', key, chatId, blocked: false, start: start[1] }]
  const base = { type: 'message' as const, key, chatId, name, text, sentAt: message.date * 1000 }
  if (message.contact) {
    // Only the sender's own number fills their phone (anyone's card can be forwarded).
    const own = message.contact.user_id === message.from.id
    const phone = own ? e164(message.contact.phone_number) : undefined
    return [{ ...base, text: text || message.contact.phone_number, ...(phone && { phone }) }]
  }
  if (message.photo?.length) {
    const largest = message.photo[message.photo.length - 1]!
    return [
      {
        ...base,
        attachment: {
          kind: 'photo',
          mimeType: 'image/jpeg',
          fileId: largest.file_id,
          ...(largest.file_size !== undefined && { size: largest.file_size }),
        },
      },
    ]
  }
  if (message.document) {
    const { file_id, file_name, mime_type, file_size } = message.document
    return [
      {
        ...base,
        attachment: {
          kind: 'document',
          fileId: file_id,
          ...(file_name !== undefined && { name: file_name }),
          ...(mime_type !== undefined && { mimeType: mime_type }),
          ...(file_size !== undefined && { size: file_size }),
        },
      },
    ]
  }
  if (message.text === undefined) return [{ type: 'ignored', key }]
  return [base]
}

/** A Bot API failure as a `SendResult`: 429 and 5xx are retried, 403 means blocked. */
export function sendFailure(error: unknown): SendResult {
  if (error instanceof GrammyError) {
    const retryAfter = error.parameters.retry_after
    if (error.error_code === 429) {
      return {
        ok: false,
        retryable: true,
        error: error.description,
        ...(retryAfter !== undefined && { retryAfterMs: retryAfter * 1000 }),
      }
    }
    if (error.error_code >= 500) return { ok: false, retryable: true, error: error.description }
    return {
      ok: false,
      retryable: false,
      error: error.description,
      ...(error.error_code === 403 && { blocked: true }),
    }
  }
  if (error instanceof HttpError) return { ok: false, retryable: true, error: error.message }
  return { ok: false, retryable: true, error: (error as Error)?.message ?? String(error) }
}

const describe = (result: SendResult) => (result.ok ? '' : result.error)

/** Telegram bots through grammy's `Api` (webhook or long polling). */
export function telegramChannel(options: TelegramOptions = {}): Channel {
  const root = options.apiRoot ?? 'https://api.telegram.org'
  const apis = new Map<string, Api>()
  const api = (context: ChannelContext) => {
    const token = context.credentials.token ?? ''
    let client = apis.get(token)
    if (!client) {
      client = new Api(token, options.apiRoot ? { apiRoot: options.apiRoot } : undefined)
      apis.set(token, client)
    }
    return client
  }
  return {
    kind: 'telegram',
    polling: true,

    verify(context, request: InboundRequest) {
      return sameSecret(header(request, 'x-telegram-bot-api-secret-token'), context.webhookSecret)
    },

    parse(_context, body): InboundResult {
      const update = body as Update
      if (typeof update?.update_id !== 'number') return { events: [{ type: 'ignored' }] }
      return { events: eventsOfUpdate(update) }
    },

    async send(context, message: OutboundMessage, signal) {
      try {
        // A photo goes with sendPhoto, the text as its caption.
        const file = message.file
        const sent = file
          ? await api(context).sendPhoto(
              message.chatId,
              new InputFile(file.data, file.name),
              message.text.trim() ? { caption: message.text } : {},
              asGrammy(signal),
            )
          : await api(context).sendMessage(message.chatId, message.text, {}, asGrammy(signal))
        return { ok: true, externalId: String(sent.message_id) }
      } catch (error) {
        return sendFailure(error)
      }
    },

    // getFile gives a path valid for an hour; the bytes are at <root>/file/bot<token>/<path>.
    async download(context, file, maxBytes, signal): Promise<Download> {
      if (!file.fileId) return { ok: false, retryable: false, error: 'no file id' }
      let path: string | undefined
      try {
        const found = await api(context).getFile(file.fileId, asGrammy(signal))
        if ((found.file_size ?? 0) > maxBytes) {
          return { ok: false, retryable: false, tooLarge: true, error: 'larger than the limit' }
        }
        path = found.file_path
      } catch (error) {
        // Telegram refuses files over 20 MB to bots ("file is too big"): a 400, final.
        const failure = sendFailure(error)
        return { ok: false, retryable: !failure.ok && failure.retryable, error: describe(failure) }
      }
      if (!path) return { ok: false, retryable: false, error: 'Telegram gave no file path' }
      const token = context.credentials.token ?? ''
      let response: Response
      try {
        response = await fetch(`${root}/file/bot${token}/${path}`, { signal })
      } catch (error) {
        return { ok: false, retryable: true, error: (error as Error)?.message ?? String(error) }
      }
      return readCapped(response, maxBytes)
    },

    async register(context, url, signal) {
      await api(context).setWebhook(
        url,
        {
          secret_token: context.webhookSecret,
          allowed_updates: ['message', 'my_chat_member'],
        },
        asGrammy(signal),
      )
    },

    async unregister(context, signal) {
      await api(context).deleteWebhook({}, asGrammy(signal))
    },

    async poll(context, offset, timeoutSeconds, signal) {
      const updates = await api(context).getUpdates(
        { offset, timeout: timeoutSeconds, allowed_updates: ['message', 'my_chat_member'] },
        asGrammy(signal),
      )
      const last = updates.at(-1)
      return { updates, next: last ? last.update_id + 1 : offset }
    },
  }
}
