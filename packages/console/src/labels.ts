import type { ConnectionStatus } from '@parley/client'
import type {
  Author,
  ChannelDelivery,
  ChannelKind,
  ConversationKind,
  ConversationSummary,
} from '@parley/protocol'

/**
 * How a conversation is named: the visitor's name, or "Visitor" and the first six
 * characters of the visitor id after any type prefix (`v_3kq9x2…` → `Visitor 3kq9x2`).
 */
export function conversationTitle(
  summary: Pick<ConversationSummary, 'visitorName' | 'visitorId'>,
): string {
  const name = summary.visitorName?.trim()
  if (name) return name
  const id = summary.visitorId.replace(/^[a-z]{1,4}_/i, '')
  return `Visitor ${(id || summary.visitorId).slice(0, 6)}`
}

/** Who wrote a message, as shown above it. */
export function authorLabel(author: Author, visitorTitle: string): string {
  if (author.kind === 'system') return 'System'
  if (author.kind === 'visitor') return author.name?.trim() || visitorTitle
  return author.name?.trim() || 'Operator'
}

const STATUS_LABELS: Record<ConnectionStatus, string> = {
  idle: 'Offline',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
}

/** The connection state in words. */
export function statusLabel(status: ConnectionStatus): string {
  return STATUS_LABELS[status]
}

/**
 * The two formats of `formatTime`, made once: creating an `Intl.DateTimeFormat` costs far
 * more than formatting, and lists format a time per row on every render.
 */
let timeOnly: Intl.DateTimeFormat | undefined
let dayAndTime: Intl.DateTimeFormat | undefined

/** `14:05` for today, `12 Mar, 14:05` for other days, in the browser's locale. */
export function formatTime(at: number, now: number = Date.now()): string {
  const date = new Date(at)
  const today = new Date(now)
  if (date.toDateString() === today.toDateString()) {
    timeOnly ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
    return timeOnly.format(date)
  }
  dayAndTime ??= new Intl.DateTimeFormat(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    day: 'numeric',
    month: 'short',
  })
  return dayAndTime.format(date)
}

const KIND_LABELS: Record<ConversationKind, string | undefined> = {
  chat: undefined,
  callback: 'Callback',
  offline: 'Offline message',
}

/** The badge of a conversation that is not a chat: "Callback" or "Offline message". */
export function kindLabel(kind: ConversationKind | undefined): string | undefined {
  return KIND_LABELS[kind ?? 'chat']
}

const CHANNEL_LABELS: Record<ChannelKind, string> = {
  telegram: 'Telegram',
  vk: 'VK',
  viber: 'Viber',
}

/** The messenger a conversation's visitor writes from; undefined for the site's widget. */
export function channelLabel(channel: ChannelKind | undefined): string | undefined {
  return channel && CHANNEL_LABELS[channel]
}

/** Where an operator's message to a messenger (or by e-mail) stands, in words. */
export function deliveryLabel(delivery: ChannelDelivery): string {
  if (delivery.channel === 'email') return emailLabel(delivery)
  switch (delivery.state) {
    case 'pending':
      return delivery.attempts > 0
        ? `Retrying${delivery.error ? `: ${delivery.error}` : ''}`
        : 'Sending…'
    case 'sent':
      return 'Sent'
    case 'delivered':
      return 'Delivered'
    case 'read':
      return 'Read'
    case 'failed':
      return `Not delivered${delivery.error ? `: ${delivery.error}` : ''}`
  }
}

/**
 * An e-mailed reply: one to a site chat waits until its visitor is away and has not read it
 * (then "Read", nothing is sent); a lead's goes at once.
 */
function emailLabel(delivery: ChannelDelivery): string {
  switch (delivery.state) {
    case 'pending':
      return delivery.attempts > 0
        ? `Retrying the e-mail${delivery.error ? `: ${delivery.error}` : ''}`
        : 'E-mailed if not read on the site'
    case 'sent':
    case 'delivered':
      return 'Sent by e-mail'
    case 'read':
      return 'Read'
    case 'failed':
      return `E-mail not delivered${delivery.error ? `: ${delivery.error}` : ''}`
  }
}

/** The visitor's phone and e-mail, those that are known, trimmed. */
export function contactDetails(
  summary: Pick<ConversationSummary, 'visitorPhone' | 'visitorEmail'>,
): { phone?: string; email?: string } {
  const phone = summary.visitorPhone?.trim()
  const email = summary.visitorEmail?.trim()
  return { ...(phone ? { phone } : {}), ...(email ? { email } : {}) }
}

/** "Olga" or "Olga, Senior support". */
export function operatorLabel(operator: { name: string; position?: string }): string {
  const position = operator.position?.trim()
  return position ? `${operator.name}, ${position}` : operator.name
}

/** `512 B`, `12 KB`, `1.4 MB`: a file's size as a person reads it. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
}
