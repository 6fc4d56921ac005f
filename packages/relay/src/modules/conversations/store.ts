import type {
  Author,
  ChannelKind,
  ConversationEvent,
  ConversationKind,
  ConversationStatus,
  ConversationSummary,
  EventKind,
  LeadStatus,
} from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { VisitorContact } from '../visitors/store.ts'

/** Where a new event goes. */
export type AppendTarget =
  | { conversationId: string }
  /** The visitor's open chat (never a callback or offline lead), created if there is none. */
  | { open: { siteId: string; visitorId: string; page?: string } }
  /** Always a new conversation (callback, offline), with the form's contact on it. */
  | {
      create: {
        siteId: string
        visitorId: string
        kind: ConversationKind
        page?: string
        contact?: VisitorContact
      }
    }

/** An event stored before the appended one in a new conversation (no cid, never deduplicated). */
export interface PrefaceEvent {
  id: string
  author: Author
  kind: EventKind
  text: string
  data?: Record<string, string>
}

/** What a new conversation starts with (from the engagement scenario that brought it). */
export interface ConversationOpening {
  /** The routing group (`ConversationSummary.group`). */
  group?: string
  /** The messenger the visitor writes from (`ConversationSummary.channel`). */
  channel?: ChannelKind
  /** Events before the appended one, in order (the invitation the visitor answers). */
  preface?: PrefaceEvent[]
}

export interface AppendInput {
  id: string
  cid?: string
  /** Who may not repeat `cid`: `'visitor:<site>:<id>'` or `'operator:<id>'`. */
  authorKey: string
  author: Author
  kind: EventKind
  text: string
  at: number
  target: AppendTarget
  /** Id for a conversation the append has to create. */
  newConversationId: string
  /** Set as the conversation's operator when it has none. */
  assign?: { id: string; name: string }
  /** Close the conversation with this event. */
  close?: boolean
  /** Normalised fields of a `form` event, or a system event's facts. */
  data?: Record<string, string>
  /** Set the conversation's rating (the visitor rated it). */
  rating?: { rating: number; comment?: string }
  /** Applied only when this append creates the conversation. */
  opening?: ConversationOpening
}

export interface AppendResult {
  event: ConversationEvent
  /** As stored: `operator.name` is the name at assignment; contact only from forms. */
  conversation: ConversationSummary
  /** The cid was seen before: `event` is the stored one and nothing changed. */
  duplicate: boolean
  /** This append created the conversation. */
  created: boolean
  /** The conversation was created, assigned, closed or rated by this append. */
  summaryChanged: boolean
  /** The `opening.preface` events stored before `event` (the conversation was created). */
  preface?: ConversationEvent[]
}

/** Where a keyset page starts: after the row with this time and id (exclusive). */
export interface PageKey {
  at: number
  id: string
}

/** A page of conversations by (updatedAt, id), oldest first. */
export interface ConversationPageQuery {
  after?: PageKey
  /** `updatedAt >= updatedSince`. */
  updatedSince?: number
  siteId?: string
  status?: ConversationStatus
  /** Any of these kinds; absent: every kind. */
  kinds?: readonly ConversationKind[]
  limit: number
}

/** A page of events of kind `message` by (at, id), oldest first. */
export interface MessagePageQuery {
  after?: PageKey
  /** `at >= since`. */
  since?: number
  siteId?: string
  conversationId?: string
  limit: number
}

/**
 * Conversations as ordered logs of events. `describeConversationStore` in `contract.ts` is
 * the suite every adapter passes.
 */
/** A change to a lead's handling: a key left out keeps its value; `assigneeId: null` clears it. */
export interface LeadPatch {
  status?: LeadStatus
  assigneeId?: string | null
}

export interface ConversationStore {
  get(id: string, tx?: Tx): Promise<ConversationSummary | undefined>
  /** The visitor's conversations, most recently updated first (erased ones left out). */
  listForVisitor(
    siteId: string,
    visitorId: string,
    limit: number,
    tx?: Tx,
  ): Promise<ConversationSummary[]>
  /** All conversations, most recently updated first; erased ones (privacy) are left out. */
  list(limit: number): Promise<ConversationSummary[]>
  /** How many of the visitor's conversations are open, in all and of kind `chat`. */
  countOpen(siteId: string, visitorId: string, tx?: Tx): Promise<{ total: number; chat: number }>
  /** The event an author stored under `cid`, if any. */
  findEventByCid(authorKey: string, cid: string, tx?: Tx): Promise<ConversationEvent | undefined>
  /**
   * Dedups by (authorKey, cid), resolves or creates the conversation, assigns the next
   * `seq`, stores the event and updates the summary. `conversation_not_found` when a
   * `conversationId` target does not exist.
   */
  append(tx: Tx, input: AppendInput): Promise<AppendResult>
  /** Events with `seq > afterSeq`, in `seq` order, at most `limit`. */
  eventsAfter(
    conversationId: string,
    afterSeq: number,
    limit: number,
    tx?: Tx,
  ): Promise<ConversationEvent[]>
  /** The last `limit` events, in `seq` order (what a client without them starts from). */
  latestEvents(conversationId: string, limit: number): Promise<ConversationEvent[]>
  /** Conversations after `query.after` by (updatedAt, id), filtered, at most `limit`. */
  page(query: ConversationPageQuery): Promise<ConversationSummary[]>
  /** Events of kind `message` after `query.after` by (at, id), filtered, at most `limit`. */
  messagePage(query: MessagePageQuery): Promise<ConversationEvent[]>
  /** The conversation's first event of kind `form` (what a callback or offline lead left). */
  firstForm(conversationId: string): Promise<ConversationEvent | undefined>
  /**
   * Sets a callback's or offline lead's status and assignee and moves its `updatedAt`; returns
   * the summary, or `undefined` for a chat or a conversation that does not exist (unchanged).
   */
  setLead(
    tx: Tx,
    conversationId: string,
    patch: LeadPatch,
    at: number,
  ): Promise<ConversationSummary | undefined>
  /** Replaces the conversation's tags (given already trimmed, lower case, distinct). */
  setTags(tx: Tx, conversationId: string, tags: readonly string[], at: number): Promise<void>
  /** The tags of those of these conversations that have any, each list sorted. */
  tagsOf(ids: readonly string[]): Promise<Map<string, string[]>>
  /** Whether `readerKey` has read the conversation's event `eventId` (their mark is at or past it). */
  hasRead(readerKey: string, eventId: string, tx?: Tx): Promise<boolean>
  /** Records that `readerKey` has read up to `seq` (never moves backwards); returns the stored seq. */
  markRead(
    tx: Tx,
    conversationId: string,
    readerKey: string,
    seq: number,
    at: number,
  ): Promise<number>
}
