import type { ChannelKind } from '@parley/protocol'
import type { Download } from '../attachments/download.ts'
import type { ChannelCredentials } from './credentials.ts'

/** A contact point as a channel sees it: its credentials, and the secret of its webhook. */
export interface ChannelContext {
  contactPointId: string
  /** The contact point's name (Viber sends it as the sender). */
  name: string
  credentials: ChannelCredentials
  /**
   * A secret the relay derives for this contact point's webhook (Telegram's `secret_token`):
   * `[A-Za-z0-9_-]{1,256}`.
   */
  webhookSecret: string
}

/** An inbound webhook request as received: the raw body (signatures are over its bytes). */
export interface InboundRequest {
  headers: Record<string, string | string[] | undefined>
  raw: Buffer
}

/** A file the visitor sent, as the messenger describes it (not downloaded yet). */
export interface InboundAttachment {
  kind: 'photo' | 'document'
  name?: string
  mimeType?: string
  size?: number
  /** The messenger's id to fetch it by (`download`); none: the relay cannot fetch it. */
  fileId?: string
}

/** What an update means for the relay. `key`: the update's id, to ignore a repeated one. */
export type InboundEvent =
  | {
      type: 'message'
      key: string
      chatId: string
      text: string
      /** The sender's display name. */
      name?: string
      /** A start parameter (`/start <p>`, Viber `context`, VK `ref`). */
      start?: string
      /** A phone number the visitor shared (E.164). */
      phone?: string
      attachment?: InboundAttachment
      /** When the messenger says it was sent (epoch ms): how long a download is retried. */
      sentAt?: number
    }
  /** A receipt for a message the relay sent (its `externalId`). */
  | {
      type: 'receipt'
      key: string
      externalId: string
      state: 'delivered' | 'read' | 'failed'
      error?: string
    }
  /** The visitor subscribed to or left the bot: `blocked` stops sending. */
  | { type: 'subscription'; key: string; chatId: string; blocked: boolean; start?: string }
  /** Nothing for the relay (a service message, an edit…). */
  /**
   * The visitor read the chat up to the messenger's message `upTo` (VK `message_read`, whose
   * ids grow): every message the relay sent there up to that one is read.
   */
  | { type: 'read'; key: string; chatId: string; upTo: number }
  | { type: 'ignored'; key?: string }

/** What the webhook answers the messenger (VK wants `ok`, or its confirmation string). */
export interface InboundReply {
  status: number
  contentType: string
  body: string
}

export interface InboundResult {
  events: InboundEvent[]
  /** @default 200 with an empty JSON object */
  reply?: InboundReply
}

/** A message to send: `id` is the relay's outbound id (VK's `random_id` is derived from it). */
export interface OutboundMessage {
  id: string
  chatId: string
  text: string
  /** The photo it carries (an operator's upload); `text` is then its caption, maybe empty. */
  file?: OutboundFile
}

/** A file an outbound message carries, as stored with it. */
export interface OutboundFile {
  name: string
  contentType: string
  data: Buffer
}

/**
 * How a send went. `retryable` failures are tried again after `retryAfterMs` when the
 * messenger says so (Telegram 429 `retry_after`) or after the outbox's backoff; the others are
 * marked failed with `error`.
 */
export type SendResult =
  | { ok: true; externalId: string }
  | { ok: false; retryable: boolean; retryAfterMs?: number; error: string; blocked?: boolean }

/** What sends outbound messages: every channel, and e-mail. */
export interface Sender {
  /** Sends one message. Never throws for a messenger's refusal: it is a `SendResult`. */
  send(context: ChannelContext, message: OutboundMessage, signal: AbortSignal): Promise<SendResult>
}

/**
 * One messenger: verifies and maps its inbound updates, sends outbound messages and reports
 * delivery. `describeChannel` in `channel-contract.ts` is the suite every channel passes.
 */
export interface Channel extends Sender {
  readonly kind: ChannelKind
  /** Whether polling (`poll`) is possible for this messenger. */
  readonly polling: boolean
  /** Whether the request is genuine (secret token, signature, VK secret); checked first. */
  verify(context: ChannelContext, request: InboundRequest): boolean
  /**
   * The events of a verified update, and what to answer. `raw` is the body as received when
   * there is one (Viber reads its 64-bit `message_token`s from it, which JSON numbers lose).
   */
  parse(context: ChannelContext, body: unknown, raw?: Buffer): InboundResult
  /**
   * Fetches a file the visitor sent (one with a `fileId`), reading at most `maxBytes`. Never
   * throws for the messenger's refusal or the network: it is a `Download`.
   */
  download?(
    context: ChannelContext,
    file: InboundAttachment,
    maxBytes: number,
    signal: AbortSignal,
  ): Promise<Download>
  /** Points the messenger at the relay's webhook URL (`setWebhook`, `set_webhook`). */
  register(context: ChannelContext, url: string, signal: AbortSignal): Promise<void>
  /** Stops webhook delivery (before polling). */
  unregister?(context: ChannelContext, signal: AbortSignal): Promise<void>
  /**
   * Long polling: the updates after `offset` (waiting up to `timeoutSeconds` for one), and the
   * offset to ask for next.
   */
  poll?(
    context: ChannelContext,
    offset: number,
    timeoutSeconds: number,
    signal: AbortSignal,
  ): Promise<{ updates: unknown[]; next: number }>
}

/** Header value as one string (the first of a repeated header). */
export function header(request: InboundRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
