import type { PostgresDatabase, SqlValue } from '../../infra/db/postgres.ts'
import { type ConversationRow, type EventRow, toEvent, toSummary } from '../conversations/rows.ts'
import type {
  MessageSearchHit,
  MessageSearchQuery,
  SearchKey,
  SearchRank,
  SearchStore,
} from './store.ts'

/**
 * One rank's matches below a position, newest first: `$1` the rank's tsquery, `$2` a
 * tsquery the match must NOT satisfy (the ranks before it; NULL for none). Every filter is
 * one parameter (NULL: not filtered); the scope is routing's visibility rule.
 */
const MATCHES = `SELECT events.* FROM events
    JOIN conversations c ON c.id = events.conversation_id
  WHERE events.search_words @@ to_tsquery('simple', $1)
    AND ($2::text IS NULL OR NOT events.search_words @@ to_tsquery('simple', $2))
    AND c.erased_at IS NULL
    AND ($3::text IS NULL OR c.site_id = $3)
    AND ($4::text IS NULL OR c.kind = $4)
    AND ($5::text IS NULL OR c.operator_id = $5)
    AND ($6::text IS NULL OR c.routing_group = $6)
    AND ($7::text IS NULL OR c.status = $7)
    AND ($8::bigint IS NULL OR events.at >= $8)
    AND ($9::bigint IS NULL OR events.at < $9)
    AND ($10::boolean OR c.operator_id = $11
      OR ((c.routing_group IS NULL OR c.routing_group = ANY($12::text[]))
        AND ($13::boolean OR c.operator_id IS NULL)))
    AND ($14::text IS NULL OR EXISTS (SELECT 1 FROM conversation_tags t
      WHERE t.conversation_id = c.id AND t.tag = $14))
    AND events.position < $15
  ORDER BY events.position DESC LIMIT $16`

const POSITION_OF = 'SELECT position FROM events WHERE id = $1'
const CONVERSATIONS = 'SELECT * FROM conversations WHERE id = ANY($1::text[])'

/** A tsquery operand: the word quoted (any quote doubled), so no tsquery syntax gets in. */
const quoted = (word: string) => `'${word.replaceAll("'", "''")}'`
/** A word as the query matches it: a prefix, except one-character words (whole words). */
const prefix = (word: string) => (word.length === 1 ? quoted(word) : `${quoted(word)}:*`)

/**
 * Each rank's tsquery (`SearchRank`) and what it leaves out (the rank before it, which
 * holds every rank before that), or `undefined` where a rank cannot add anything: the same
 * ranks as the SQLite adapter's MATCH expressions.
 */
function rankQueries(words: readonly string[], order: 'rank' | 'newest') {
  const all = words.map(prefix).join(' & ')
  if (order === 'newest') return [{ match: all, not: null }]
  const phrase = words.map(quoted).join(' <-> ')
  const whole = words.map(quoted).join(' & ')
  return [
    { match: phrase, not: null },
    words.length > 1 ? { match: whole, not: phrase } : undefined,
    all !== whole ? { match: all, not: whole } : undefined,
  ]
}

/**
 * Search over the `search_words` column of `events` (`migrations/postgres/015_search.sql`),
 * a tsvector the database keeps from each message's text: an erasure rewrites the text and
 * with it the words. Reads the conversation tables, as the SQLite adapter does.
 */
export class PostgresSearchStore implements SearchStore {
  constructor(private readonly db: PostgresDatabase) {}

  async search(query: MessageSearchQuery): Promise<MessageSearchHit[]> {
    const { scope, after } = query
    const filters: SqlValue[] = [
      query.siteId ?? null,
      query.kind ?? null,
      query.operatorId ?? null,
      query.groupId ?? null,
      query.status ?? null,
      query.from ?? null,
      query.to ?? null,
      scope.all === true,
      scope.all ? null : scope.operatorId,
      scope.all ? [] : [...scope.groups],
      !scope.all && scope.wholeGroups === true,
      query.tag ?? null,
    ]
    const events: { rank: SearchRank; row: EventRow }[] = []
    const ranks = rankQueries(query.words, query.order)
    for (let rank = after?.rank ?? 0; rank < ranks.length; rank++) {
      const left = query.limit - events.length
      if (left <= 0) break
      const sql = ranks[rank]
      if (sql === undefined) continue
      const before =
        after && after.rank === rank ? await this.positionOf(after) : Number.MAX_SAFE_INTEGER
      const rows = await this.db.rows<EventRow>(MATCHES, [
        sql.match,
        sql.not,
        ...filters,
        before,
        left,
      ])
      for (const row of rows) events.push({ rank: rank as SearchRank, row })
    }
    if (events.length === 0) return []
    const ids = [...new Set(events.map(({ row }) => row.conversation_id))]
    const conversations = new Map(
      (await this.db.rows<ConversationRow>(CONVERSATIONS, [ids])).map((row) => [
        row.id,
        toSummary(row),
      ]),
    )
    return events.map(({ rank, row }) => ({
      rank,
      event: toEvent(row),
      conversation: conversations.get(row.conversation_id)!,
    }))
  }

  /** Where a cursor's event is in the log; an event no longer there ends the walk. */
  private async positionOf(key: SearchKey): Promise<number> {
    const row = await this.db.row<{ position: number }>(POSITION_OF, [key.id])
    return row?.position ?? 0
  }
}
