/** A listener takes one context object, so fields can be added later. */
export type Listener<T> = (context: T) => void

/** Typed events: `on()` returns the unsubscribe, `off()` removes by function. */
export interface Emitter<Events extends object> {
  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void
  off<K extends keyof Events>(event: K, fn: Listener<Events[K]>): void
  emit<K extends keyof Events>(event: K, context: Events[K]): void
  clear(): void
}

/**
 * Creates an emitter. A listener that throws does not stop the others or the
 * widget: its error is rethrown asynchronously, where the page sees it.
 */
export function createEmitter<Events extends object>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>()
  const emitter: Emitter<Events> = {
    on(event, fn) {
      let set = listeners.get(event)
      if (!set) {
        set = new Set()
        listeners.set(event, set)
      }
      set.add(fn as Listener<never>)
      return () => emitter.off(event, fn)
    },
    off(event, fn) {
      listeners.get(event)?.delete(fn as Listener<never>)
    },
    emit(event, context) {
      for (const fn of [...(listeners.get(event) ?? [])]) {
        try {
          ;(fn as Listener<typeof context>)(context)
        } catch (error) {
          setTimeout(() => {
            throw error
          })
        }
      }
    },
    clear() {
      listeners.clear()
    },
  }
  return emitter
}
