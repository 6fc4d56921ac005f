import type { ConversationSummary } from '@parley/protocol'

/** Which conversations the list shows. */
export type ConversationFilter = 'all' | 'waiting' | 'chat' | 'callback' | 'offline'

/** The filter tabs, in order, with their names. */
export const CONVERSATION_FILTERS: readonly { filter: ConversationFilter; label: string }[] = [
  { filter: 'all', label: 'All' },
  { filter: 'waiting', label: 'Waiting' },
  { filter: 'chat', label: 'Chats' },
  { filter: 'callback', label: 'Callbacks' },
  { filter: 'offline', label: 'Offline' },
]

const EMPTY: Record<ConversationFilter, string> = {
  all: 'No conversations yet. New chats appear here as visitors write.',
  waiting: 'Nobody is waiting, and no lead is open.',
  chat: 'No chats.',
  callback: 'No callback requests.',
  offline: 'No offline messages.',
}

/** What the list says when the filter leaves nothing to show. */
export function emptyText(filter: ConversationFilter): string {
  return EMPTY[filter]
}

/** An open chat that no operator has yet: in a queue, or offered to a broadcast group. */
export function isWaiting(summary: ConversationSummary): boolean {
  return summary.status === 'open' && (summary.kind ?? 'chat') === 'chat' && !summary.operator
}

/** A callback request or offline lead still to be handled: its status is new or in progress. */
export function isOpenLead(summary: ConversationSummary): boolean {
  return summary.lead?.status === 'new' || summary.lead?.status === 'in_progress'
}

/**
 * True when `filter` shows `summary` (a summary without `kind` is a chat). The queue
 * (`waiting`) holds the chats waiting for an operator and the leads still to be handled.
 */
export function matchesFilter(summary: ConversationSummary, filter: ConversationFilter): boolean {
  if (filter === 'waiting') return isWaiting(summary) || isOpenLead(summary)
  return filter === 'all' || (summary.kind ?? 'chat') === filter
}

/**
 * The tab a key moves to in a tablist (ArrowLeft/ArrowRight wrap around, Home, End),
 * or `undefined` for any other key.
 */
export function filterAfterKey(
  current: ConversationFilter,
  key: string,
): ConversationFilter | undefined {
  const count = CONVERSATION_FILTERS.length
  const index = CONVERSATION_FILTERS.findIndex((entry) => entry.filter === current)
  const target =
    key === 'ArrowRight'
      ? (index + 1) % count
      : key === 'ArrowLeft'
        ? (index - 1 + count) % count
        : key === 'Home'
          ? 0
          : key === 'End'
            ? count - 1
            : undefined
  return target === undefined ? undefined : CONVERSATION_FILTERS[target]?.filter
}

/** How long something has waited, for the queue: "under a minute", "5 min", "2 h 5 min". */
export function waitLabel(since: number, now: number): string {
  const minutes = Math.floor(Math.max(0, now - since) / 60_000)
  if (minutes < 1) return 'under a minute'
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`
  return `${Math.floor(hours / 24)} days`
}
