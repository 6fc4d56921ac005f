import type {
  ConversationEvent,
  ConversationKind,
  ConversationStatus,
  ConversationSummary,
} from '@parley/protocol'
import type { VisibilityScope } from '../routing/service.ts'

/**
 * Which conversations a viewer may find: routing's visibility rule (`RoutingService.scopeOf`,
 * the rule of the conversation list) as data, so the store applies it in its query instead
 * of reading rows the viewer may not see.
 */
export type SearchScope = VisibilityScope

/**
 * How closely a message matches, best first: `0` the words together in the query's order
 * (a phrase, each a whole word); `1` every word whole, anywhere; `2` some only as the
 * beginning of a word. With `order: 'newest'` every hit is rank 0.
 */
export type SearchRank = 0 | 1 | 2

/** Where a page starts: after the hit with this rank, time and event id (exclusive). */
export interface SearchKey {
  rank: SearchRank
  at: number
  id: string
}

/**
 * A search of the conversation log.
 *
 * Semantics every adapter implements (the contract suite checks them):
 * - `words` are folded as `words.ts` folds them (lower case, Latin diacritics removed,
 *   `ё` → `е`) and each is one word (letters and digits). A message matches when EVERY word
 *   matches a word of its text: a word of two or more characters as its beginning (prefix),
 *   a one-character word as the whole word. No stemming and no stop words, on any engine:
 *   prefixes give Russian and English inflections a reach (`заказ` finds `заказа`), the
 *   same on SQLite and Postgres.
 * - Events of kind `message` and `form` are searched (system events hold facts, not text).
 *   Conversations erased by the privacy tools are never found, and an erased text's words
 *   are gone from the index.
 * - Filters are ANDed; an absent one does not filter. `from`/`to`: the event's `at` in
 *   `[from, to)`.
 * - Order: `rank`, then newest first — the order the log stored the events in, which is
 *   their `at` order as the relay's clock gave it (SQLite: rowid; Postgres: an identity
 *   column, or `(at, id)`); with `order: 'newest'` by time alone. Results start after the
 *   hit `after` names (its event id: the adapter finds its place) and are at most `limit`:
 *   a walk goes on to the end of the history, with no cap.
 *
 * A Postgres adapter: a `tsvector` of `to_tsvector('simple', <folded text>)` over the same
 * words (split on anything not a letter or digit), matched with `to_tsquery('simple',
 * 'w1:* & w2:*')` (`w` without `:*` for one-character words); rank 0 is `w1 <-> w2`, rank 1
 * `w1 & w2` (whole words).
 */
export interface MessageSearchQuery {
  words: readonly string[]
  scope: SearchScope
  siteId?: string
  /** The conversation's kind (`chat`, `callback`, `offline`): the API's `channel`. */
  kind?: ConversationKind
  /** Conversations assigned to this employee. */
  operatorId?: string
  /** Conversations routed to this group. */
  groupId?: string
  status?: ConversationStatus
  /** Conversations with this tag (`conversation_tags`; trimmed, lower case, as stored). */
  tag?: string
  from?: number
  to?: number
  order: 'rank' | 'newest'
  after?: SearchKey
  limit: number
}

/** One message found, with its conversation as stored (not yet described). */
export interface MessageSearchHit {
  rank: SearchRank
  event: ConversationEvent
  conversation: ConversationSummary
}

/**
 * Full-text search over the conversation log: the index is a projection of the
 * conversations module's `events`, kept in step with its writes by the engine (SQLite:
 * triggers in `015_search.sql`). `describeSearchStore` in `contract.ts` is the suite every
 * adapter passes.
 */
export interface SearchStore {
  search(query: MessageSearchQuery): Promise<MessageSearchHit[]>
}
