/** Removes a listener or stops a timer; calling it twice is harmless. */
export type Unsubscribe = () => void

/**
 * A typed event map: each event has one context object, so fields can be added
 * later without breaking listeners. The clients' events use it, and so does the
 * widget's JS API: one implementation for both.
 */
export interface Emitter<Events extends object> {
  /** Adds a listener (once: adding it again changes nothing, as with the DOM); returns its unsubscribe. */
  on<K extends keyof Events>(event: K, fn: (context: Events[K]) => void): Unsubscribe
  /** Removes a listener by function. */
  off<K extends keyof Events>(event: K, fn: (context: Events[K]) => void): void
  /**
   * Calls the listeners in the order they were added. One that throws stops neither
   * the others nor the caller: its error is rethrown asynchronously, where it is reported.
   */
  emit<K extends keyof Events>(event: K, context: Events[K]): void
  /** Drops every listener (on destroy). */
  clear(): void
}

export function createEmitter<Events extends object>(): Emitter<Events> {
  let listeners: { [K in keyof Events]?: ((context: Events[K]) => void)[] } = {}
  const emitter: Emitter<Events> = {
    on(event, fn) {
      const list = listeners[event] ?? []
      if (!list.includes(fn)) listeners[event] = [...list, fn]
      return () => emitter.off(event, fn)
    },
    off(event, fn) {
      listeners[event] = listeners[event]?.filter((other) => other !== fn)
    },
    emit(event, context) {
      // Arrays are replaced, never mutated, so a listener may unsubscribe during emit.
      for (const fn of listeners[event] ?? []) {
        try {
          fn(context)
        } catch (error) {
          queueMicrotask(() => {
            throw error
          })
        }
      }
    },
    clear() {
      listeners = {}
    },
  }
  return emitter
}

/** Anything with DOM-style listeners: a browser WebSocket, `ws`, a window. */
export interface ListenerTarget {
  // biome-ignore lint/suspicious/noExplicitAny: DOM and `ws` type their events differently
  addEventListener(type: string, listener: (event: any) => void): void
  // biome-ignore lint/suspicious/noExplicitAny: see above
  removeEventListener(type: string, listener: (event: any) => void): void
}

/** Subscribes and returns the unsubscribe (socket.io-client's `on.ts`). */
export function on(
  target: ListenerTarget,
  type: string,
  // biome-ignore lint/suspicious/noExplicitAny: see ListenerTarget
  listener: (event: any) => void,
): Unsubscribe {
  target.addEventListener(type, listener)
  return () => target.removeEventListener(type, listener)
}

/** Runs and forgets every teardown in `subs`: one cleanup for listeners and timers. */
export function cleanup(subs: Unsubscribe[]): void {
  for (const unsubscribe of subs.splice(0)) unsubscribe()
}
