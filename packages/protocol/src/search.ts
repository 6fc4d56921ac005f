import { type Static, Type } from '@sinclair/typebox'
import {
  Author,
  ConversationKind,
  ConversationStatus,
  ConversationSummary,
  EventKind,
  Id,
  Seq,
  Timestamp,
} from './common.ts'

/*
 * History search (`POST /v1/messages/search`): full-text search over every message the
 * caller may see, ranked, keyset-paged to the end of the history. A POST so the words
 * searched for (often a name or a phone number) stay out of URLs and access logs.
 */

/** Most hits one page holds. */
export const MAX_SEARCH_LIMIT = 100

/** The search and its filters; every filter is optional and they are ANDed. */
export const SearchBody = Type.Object({
  q: Type.String({
    minLength: 1,
    maxLength: 200,
    description:
      'Words to find (letters and digits; anything else separates them). Every word must occur, as the beginning of a word of the message (a one-character word as a whole word), in any case; Latin accents and ё/е are not told apart. No stemming.',
  }),
  siteId: Type.Optional(Id),
  channel: Type.Optional(ConversationKind),
  operatorId: Type.Optional(
    Type.String({ maxLength: 64, description: 'Conversations assigned to this employee' }),
  ),
  groupId: Type.Optional(
    Type.String({ maxLength: 64, description: 'Conversations routed to this group' }),
  ),
  status: Type.Optional(ConversationStatus),
  tag: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'Conversations closed with this tag (any case; compared trimmed, lower case)',
    }),
  ),
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'Messages at or after (epoch ms)' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'Messages before (epoch ms)' })),
  order: Type.Optional(
    Type.Union([Type.Literal('rank'), Type.Literal('newest')], {
      default: 'rank',
      description:
        '`rank`: the words together in order first, then every word whole, then beginnings of words; newest first within each. `newest`: by time alone.',
    }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'The `nextCursor` of the previous page' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_LIMIT, default: 20 })),
})
export type SearchBody = Static<typeof SearchBody>

/** A stretch of `snippet.text` that matched: `text.slice(start, end)` (UTF-16 offsets). */
export const SearchHighlight = Type.Object({
  start: Type.Integer({ minimum: 0 }),
  end: Type.Integer({ minimum: 0 }),
})
export type SearchHighlight = Static<typeof SearchHighlight>

/** One message found. */
export const SearchHit = Type.Object({
  /** 0: the words together; 1: every word whole; 2: some as beginnings of words. */
  rank: Type.Integer({ minimum: 0, maximum: 2 }),
  conversation: ConversationSummary,
  message: Type.Object({
    id: Id,
    seq: Seq,
    kind: EventKind,
    author: Author,
    at: Timestamp,
  }),
  snippet: Type.Object(
    {
      text: Type.String(),
      highlights: Type.Array(SearchHighlight),
      cutStart: Type.Boolean(),
      cutEnd: Type.Boolean(),
    },
    {
      description:
        'Plain text around the first match (about 160 characters) and the matched words as ranges: no markup, so showing it needs no trust in the text.',
    },
  ),
})
export type SearchHit = Static<typeof SearchHit>

export const SearchReply = Type.Object({
  items: Type.Array(SearchHit),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor` for the next page; null at the end of the history.',
  }),
})
export type SearchReply = Static<typeof SearchReply>
