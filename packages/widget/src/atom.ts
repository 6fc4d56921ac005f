import type { WritableAtom } from 'nanostores'

/**
 * The part of `nanostores`' `atom` the widget and the client use (`get`, `set`,
 * `listen`, `subscribe`, `value`), in a fraction of its bytes. The widget's
 * build resolves `nanostores` to this module (vite.config.ts); tests and other
 * packages keep the real one. As there, `set` of an equal value (`Object.is`)
 * notifies no one, a listener removed during a notification is not called, and
 * a listener that throws does not stop the others (the first error is rethrown
 * after them).
 */
export const atom = /* @__NO_SIDE_EFFECTS__ */ <T>(value?: T): WritableAtom<T> => {
  let listeners: ((value: T, old: T) => void)[] = []
  const store = {
    value,
    get: () => store.value,
    set(next: T) {
      const old = store.value as T
      if (Object.is(old, next)) return
      store.value = next
      let thrown: unknown
      const current = listeners
      for (const fn of current) {
        try {
          if (listeners.includes(fn)) fn(next, old)
        } catch (error) {
          thrown ??= error
        }
      }
      if (thrown) throw thrown
    },
    listen(fn: (value: T, old: T) => void) {
      listeners = [...listeners, fn]
      return () => {
        listeners = listeners.filter((other) => other !== fn)
      }
    },
    subscribe(fn: (value: T, old?: T) => void) {
      const off = store.listen(fn)
      fn(store.value as T)
      return off
    },
  }
  return store as unknown as WritableAtom<T>
}
