import type {
  ChannelDeliveryState,
  ChannelKind,
  ContactPointMode,
  ContactPointStatus,
} from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'

/** A contact point as stored: its credentials sealed (`credentials.ts`), never in clear. */
export interface ContactPointRecord {
  id: string
  kind: ChannelKind
  siteId: string
  name: string
  group: string | null
  mode: ContactPointMode
  /** AES-256-GCM sealed JSON of the credentials. */
  sealed: string
  /** The credential names stored: what the API shows as "set". */
  credentialNames: string[]
  status: ContactPointStatus
  statusError: string | null
  /** Telegram `getUpdates`: the next update_id to ask for. */
  pollOffset: number
  createdAt: number
  updatedAt: number
}

export type ContactPointPatch = Partial<
  Pick<
    ContactPointRecord,
    | 'name'
    | 'group'
    | 'mode'
    | 'sealed'
    | 'credentialNames'
    | 'status'
    | 'statusError'
    | 'pollOffset'
  >
> & { updatedAt: number }

/** A messenger chat of a contact point, tied to a site visitor. */
export interface ChannelChat {
  contactPointId: string
  chatId: string
  siteId: string
  visitorId: string
  /** The conversation its messages go to while it is open. */
  conversationId: string | null
  /** The visitor unsubscribed or blocked the bot: nothing is sent. */
  blocked: boolean
  createdAt: number
}

/** Where an outbox row goes: a messenger, or e-mail through the relay's SMTP. */
export type OutboxChannel = ChannelKind | 'email'

/** One operator message to send to a chat (or an e-mail address). */
export interface ChannelOutboxRow {
  seq: number
  eventId: string
  channel: OutboxChannel
  /** Null for e-mail. */
  contactPointId: string | null
  /** The messenger chat, or the e-mail address. */
  chatId: string
  conversationId: string
  text: string
  state: ChannelDeliveryState
  attempts: number
  nextAt: number
  error: string | null
  externalId: string | null
  createdAt: number
  updatedAt: number
}

export type NewChannelOutboxRow = Pick<
  ChannelOutboxRow,
  | 'eventId'
  | 'channel'
  | 'contactPointId'
  | 'chatId'
  | 'conversationId'
  | 'text'
  | 'nextAt'
  | 'createdAt'
>

/** What one send attempt changes of its row. */
export interface SendOutcome {
  state: ChannelDeliveryState
  attempts: number
  nextAt: number
  error: string | null
  externalId: string | null
  updatedAt: number
}

/**
 * Contact points, their chats, the updates seen and the outbox of messages to send.
 * `describeChannelStore` in `contract.ts` is the suite every adapter passes.
 */
export interface ChannelStore {
  createContactPoint(tx: Tx, record: ContactPointRecord): Promise<void>
  getContactPoint(id: string, tx?: Tx): Promise<ContactPointRecord | undefined>
  /** Oldest first. */
  listContactPoints(tx?: Tx): Promise<ContactPointRecord[]>
  updateContactPoint(
    tx: Tx,
    id: string,
    patch: ContactPointPatch,
  ): Promise<ContactPointRecord | undefined>
  /** Removes it with its chats, seen updates and outbox; false when there was none. */
  deleteContactPoint(tx: Tx, id: string): Promise<boolean>
  /** Notes an update as handled: true the first time, false when it was seen before. */
  markUpdate(tx: Tx, contactPointId: string, key: string, at: number): Promise<boolean>
  getChat(contactPointId: string, chatId: string, tx?: Tx): Promise<ChannelChat | undefined>
  /** Inserts or replaces the chat (by contact point and chat id). */
  putChat(tx: Tx, chat: ChannelChat): Promise<void>
  /** The chat whose messages go to the conversation, if any. */
  chatOfConversation(conversationId: string, tx?: Tx): Promise<ChannelChat | undefined>
  /** Queues a message; a second row for the same event is ignored. Returns its seq, or null. */
  enqueue(tx: Tx, row: NewChannelOutboxRow): Promise<number | null>
  /**
   * Pending rows due by `now`, oldest first, at most `limit`. A chat's rows go in order: none
   * is due while an older pending row of its chat is not (it waits for a retry).
   */
  due(now: number, limit: number, tx?: Tx): Promise<ChannelOutboxRow[]>
  /**
   * The soonest time after `after` at which a pending row that can go next (the oldest
   * pending row of its chat) is due; null when none.
   */
  nextDue(after: number, tx?: Tx): Promise<number | null>
  recordOutcome(tx: Tx, seq: number, outcome: SendOutcome): Promise<void>
  /**
   * A messenger's receipt for a sent message: moves it to `state` unless it is already past
   * it (`read` is never turned back into `delivered`). Returns the row as it now stands;
   * undefined when no row has that id.
   */
  receipt(
    tx: Tx,
    contactPointId: string,
    externalId: string,
    state: 'delivered' | 'read' | 'failed',
    error: string | null,
    at: number,
  ): Promise<ChannelOutboxRow | undefined>
  /**
   * The visitor read the chat up to the messenger's message `upTo` (numeric ids that grow, as
   * VK's do): every sent or delivered row of the chat whose id is at most that becomes read.
   * Returns those rows as they now stand, oldest first.
   */
  readUpTo(
    tx: Tx,
    contactPointId: string,
    chatId: string,
    upTo: number,
    at: number,
  ): Promise<ChannelOutboxRow[]>
  /** A conversation's rows, oldest first. */
  listOutbox(conversationId: string): Promise<ChannelOutboxRow[]>
}
