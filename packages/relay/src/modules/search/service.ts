import type { SearchBody, SearchHit, SearchReply } from '@parley/protocol'
import { relayError } from '../../infra/errors.ts'
import type { OperatorActor } from '../conversations/actor.ts'
import type { ConversationService } from '../conversations/service.ts'
import { decodeCursor, encodeCursor } from '../integrations/page.ts'
import type { VisibilityScope } from '../routing/service.ts'
import type { SearchKey, SearchRank, SearchStore } from './store.ts'
import { MAX_SEARCH_WORDS, searchWords, snippetOf } from './words.ts'

const DEFAULT_LIMIT = 20

export interface SearchServiceOptions {
  store: SearchStore
  conversations: ConversationService
  /** Which conversations the viewer may see, as a scope (routing's `scopeOf`). */
  scopeOf: (viewer: OperatorActor) => VisibilityScope
}

/**
 * History search: the words of `q` (`words.ts`), the caller's visibility scope and the
 * filters go to the store; each hit gets its conversation described and a snippet with
 * highlight ranges. The cursor is the (rank, time, event id) of the last hit, opaque.
 */
export class SearchService {
  constructor(private readonly options: SearchServiceOptions) {}

  async search(viewer: OperatorActor, body: SearchBody): Promise<SearchReply> {
    const words = searchWords(body.q)
    if (words.length === 0 || words.length > MAX_SEARCH_WORDS) {
      throw relayError('search_query_invalid')
    }
    const after = decodeKey(body.cursor)
    const limit = body.limit ?? DEFAULT_LIMIT
    const { store, conversations, scopeOf } = this.options
    // One more than a page: a full page learns whether it was the last one.
    const hits = await store.search({
      words,
      scope: scopeOf(viewer),
      ...(body.siteId !== undefined && { siteId: body.siteId }),
      ...(body.channel !== undefined && { kind: body.channel }),
      ...(body.operatorId !== undefined && { operatorId: body.operatorId }),
      ...(body.groupId !== undefined && { groupId: body.groupId }),
      ...(body.status !== undefined && { status: body.status }),
      ...(body.tag !== undefined && { tag: body.tag.trim().toLowerCase() }),
      ...(body.from !== undefined && { from: body.from }),
      ...(body.to !== undefined && { to: body.to }),
      order: body.order ?? 'rank',
      ...(after && { after }),
      limit: limit + 1,
    })
    const page = hits.slice(0, limit)
    const described = new Map(
      (
        await conversations.describe([
          ...new Map(page.map((h) => [h.conversation.id, h.conversation])).values(),
        ])
      ).map((c) => [c.id, c]),
    )
    const items: SearchHit[] = []
    for (const { rank, event, conversation } of page) {
      const summary = described.get(conversation.id)!
      // The store applied the scope; the conversation list's own check confirms each hit.
      if (!conversations.visibleTo(viewer, summary)) continue
      items.push({
        rank,
        conversation: summary,
        message: {
          id: event.id,
          seq: event.seq,
          kind: event.kind,
          author: event.author,
          at: event.at,
        },
        snippet: snippetOf(event.text, words),
      })
    }
    const last = page.at(-1)
    return {
      items,
      nextCursor:
        hits.length > limit && last
          ? encodeCursor([last.event.at, String(last.rank), last.event.id])
          : null,
    }
  }
}

/** The key of a cursor this service gave; `cursor_invalid` for anything else. */
function decodeKey(cursor: string | undefined): SearchKey | undefined {
  const key = decodeCursor(cursor, 2)
  if (!key) return undefined
  const rank = Number(key[1])
  if (!(rank === 0 || rank === 1 || rank === 2) || key[1] !== String(rank)) {
    throw relayError('cursor_invalid')
  }
  return { at: key[0], rank: rank as SearchRank, id: key[2]! }
}
