/**
 * A place in a group's queue. Conversations that lost their operator (requeued or
 * timed out) wait in front, among themselves by arrival; the others follow in the
 * order they joined.
 */
export interface QueueEntry {
  conversationId: string
  /** True for a conversation that had an operator and lost it. */
  front: boolean
  /** The router's tick at arrival (front entries) or when it joined the queue (the others). */
  order: number
}

/** True when `a` is served before `b`; also orders the heads of different groups' queues. */
export function servedBefore(a: QueueEntry, b: QueueEntry): boolean {
  return a.front !== b.front ? a.front : a.order < b.order
}

/** Inserts `entry` where `servedBefore` puts it, keeping `queue` sorted. */
export function insertEntry(queue: QueueEntry[], entry: QueueEntry): void {
  // Most entries join at the end (a new arrival, a restart restoring thousands in order):
  // no scan for those.
  const last = queue[queue.length - 1]
  if (last === undefined || !servedBefore(entry, last)) {
    queue.push(entry)
    return
  }
  const at = queue.findIndex((other) => servedBefore(entry, other))
  if (at < 0) queue.push(entry)
  else queue.splice(at, 0, entry)
}
