/**
 * Open sockets by whom they belong to (`visitor:<site>:<id>`), so that a credential ending
 * (a visitor's logout or erasure) closes every socket it opened at once. In-process: several
 * relays will need the bus for it, as for operators' credential endings.
 */
export class SocketRegistry {
  private readonly byKey = new Map<string, Set<() => void>>()

  /** Registers a socket's `close`; returns the function that unregisters it. */
  add(key: string, close: () => void): () => void {
    let set = this.byKey.get(key)
    if (!set) {
      set = new Set()
      this.byKey.set(key, set)
    }
    set.add(close)
    return () => {
      set.delete(close)
      if (set.size === 0 && this.byKey.get(key) === set) this.byKey.delete(key)
    }
  }

  /** Closes every socket of `key`; how many there were. */
  close(key: string): number {
    const set = this.byKey.get(key)
    if (!set) return 0
    this.byKey.delete(key)
    for (const close of set) close()
    return set.size
  }
}
