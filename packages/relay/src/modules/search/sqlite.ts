import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type Statements, statements } from '../../infra/db/statements.ts'
import { type ConversationRow, type EventRow, toEvent, toSummary } from '../conversations/rows.ts'
import type {
  MessageSearchHit,
  MessageSearchQuery,
  SearchKey,
  SearchRank,
  SearchStore,
} from './store.ts'

/**
 * One rank's matches below a rowid, newest first. Every filter is one parameter (NULL: not
 * filtered) and the rank is only the MATCH expression, so this is one statement. The scope
 * is routing's visibility rule (`SearchScope`).
 *
 * Newest first is rowid order, the order the log stored the events (their `at` order, as
 * the relay's clock gave it): FTS5 hands matches over in rowid order itself, so a page
 * reads as many matches as it needs and stops, instead of sorting every match of a common
 * word. The cursor's event id gives the rowid to go on below.
 */
const MATCHES = `SELECT events.* FROM events_fts
    JOIN events ON events.rowid = events_fts.rowid
    JOIN conversations c ON c.id = events.conversation_id
  WHERE events_fts MATCH @match
    AND c.erased_at IS NULL
    AND (@siteId IS NULL OR c.site_id = @siteId)
    AND (@kind IS NULL OR c.kind = @kind)
    AND (@operatorId IS NULL OR c.operator_id = @operatorId)
    AND (@groupId IS NULL OR c.routing_group = @groupId)
    AND (@status IS NULL OR c.status = @status)
    AND (@tag IS NULL OR EXISTS (SELECT 1 FROM conversation_tags t
      WHERE t.conversation_id = c.id AND t.tag = @tag))
    AND (@from IS NULL OR events.at >= @from)
    AND (@to IS NULL OR events.at < @to)
    AND (@all = 1 OR c.operator_id = @viewer
      OR ((c.routing_group IS NULL OR c.routing_group IN (SELECT value FROM json_each(@groups)))
        AND (@wholeGroups = 1 OR c.operator_id IS NULL)))
    AND events_fts.rowid < @before
  ORDER BY events_fts.rowid DESC LIMIT @limit`

const ROWID_OF = 'SELECT rowid FROM events WHERE id = ?'

/**
 * Indexes every event past the highest rowid the index holds (`015_search.sql`): run at the
 * end of each group-commit batch, so a batch of messages costs FTS5 one write of its words.
 */
const CATCH_UP = `INSERT INTO events_fts (rowid, text)
  SELECT rowid, replace(replace(text, 'ё', 'е'), 'Ё', 'Е') FROM events
  WHERE rowid > (SELECT COALESCE(max(id), 0) FROM events_fts_docsize)
    AND kind IN ('message', 'form')`

const CONVERSATIONS = 'SELECT * FROM conversations WHERE id IN (SELECT value FROM json_each(?))'

/** An FTS5 string: the word in double quotes (any quote in it doubled), so no syntax gets in. */
const quoted = (word: string) => `"${word.replaceAll('"', '""')}"`
/** A word as the query matches it: a prefix, except one-character words (whole words). */
const prefix = (word: string) => (word.length === 1 ? quoted(word) : `${quoted(word)}*`)

/**
 * The MATCH expression of each rank (`SearchRank`), each leaving out the ranks before it so
 * a message is found once; `undefined` for a rank that cannot hold anything the ones before
 * it did not (one word: rank 1 is rank 0; only one-character words: rank 2 is rank 1).
 */
function rankExpressions(words: readonly string[], order: 'rank' | 'newest') {
  const all = words.map(prefix).join(' ')
  if (order === 'newest') return [all]
  const phrase = quoted(words.join(' '))
  const whole = words.map(quoted).join(' ')
  return [
    phrase,
    words.length > 1 ? `(${whole}) NOT (${phrase})` : undefined,
    all !== whole ? `(${all}) NOT (${whole})` : undefined,
  ]
}

/**
 * Search over `events_fts` (`015_search.sql`), an FTS5 index kept in step with `events`: new
 * events at the end of each group-commit batch (`onBatchEnd`), changes by triggers. It reads the conversation tables, as the index is a projection of
 * them: the one adapter outside the conversations module that does (with privacy's).
 */
export class SqliteSearchStore implements SearchStore {
  private readonly sql: Statements

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
    const catchUp = db.raw.prepare(CATCH_UP)
    // Events written outside a batch (a migration, a database from an older relay) now.
    catchUp.run()
    db.onBatchEnd(() => catchUp.run())
  }

  search(query: MessageSearchQuery): Promise<MessageSearchHit[]> {
    return this.db.read(() => {
      const { scope, after } = query
      const params = {
        siteId: query.siteId ?? null,
        kind: query.kind ?? null,
        operatorId: query.operatorId ?? null,
        groupId: query.groupId ?? null,
        status: query.status ?? null,
        tag: query.tag ?? null,
        from: query.from ?? null,
        to: query.to ?? null,
        all: scope.all ? 1 : 0,
        viewer: scope.all ? null : scope.operatorId,
        groups: JSON.stringify(scope.all ? [] : scope.groups),
        wholeGroups: !scope.all && scope.wholeGroups ? 1 : 0,
      }
      const events: { rank: SearchRank; row: EventRow }[] = []
      const expressions = rankExpressions(query.words, query.order)
      for (let rank = after?.rank ?? 0; rank < expressions.length; rank++) {
        const match = expressions[rank]
        const left = query.limit - events.length
        if (left <= 0) break
        if (match === undefined) continue
        const rows = this.sql(MATCHES).all({
          ...params,
          match,
          before: after && after.rank === rank ? this.rowidOf(after) : Number.MAX_SAFE_INTEGER,
          limit: left,
        }) as EventRow[]
        for (const row of rows) events.push({ rank: rank as SearchRank, row })
      }
      if (events.length === 0) return []
      const ids = [...new Set(events.map(({ row }) => row.conversation_id))]
      const conversations = new Map(
        (this.sql(CONVERSATIONS).all(JSON.stringify(ids)) as ConversationRow[]).map((row) => [
          row.id,
          toSummary(row),
        ]),
      )
      return events.map(({ rank, row }) => ({
        rank,
        event: toEvent(row),
        conversation: conversations.get(row.conversation_id)!,
      }))
    })
  }

  /** Where a cursor's event is in the log; an event no longer there ends the walk. */
  private rowidOf(key: SearchKey): number {
    const row = this.sql(ROWID_OF).get(key.id) as { rowid: number } | undefined
    return row?.rowid ?? 0
  }
}
