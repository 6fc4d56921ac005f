import type { ConversationEvent } from '@parley/protocol'
import type { ChatMessage, ConversationLog } from './conversation-log.ts'

/**
 * Merges a page of history (REST) with what arrived live: events already seen
 * are skipped. A page that starts after `lastSeq + 1` starts the log there.
 * Returns what became visible. Only the operator client loads history, so this
 * is not a method of the log: the visitor's bundle leaves it out.
 */
export function mergeHistory(
  log: ConversationLog,
  conversationId: string,
  events: ConversationEvent[],
): ChatMessage[] {
  const sorted = [...events].sort((a, b) => a.seq - b.seq)
  const first = sorted[0]
  if (first) log.skipTo(conversationId, first.seq - 1)
  return sorted.flatMap((event) => log.apply(event).added)
}
