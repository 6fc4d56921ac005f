import type { WritableAtom } from 'nanostores'

/**
 * Sets a list store only when an element changed (by reference), so a
 * refresh that changes nothing re-renders nothing.
 */
export function setList<T>(store: WritableAtom<T[]>, next: T[]): void {
  const current = store.get()
  if (current.length !== next.length || current.some((item, i) => item !== next[i])) {
    store.set(next)
  }
}
