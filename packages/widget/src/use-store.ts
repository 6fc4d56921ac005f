import type { ReadableAtom } from 'nanostores'
import { useLayoutEffect, useState } from 'preact/hooks'

/**
 * The store's value, re-rendering the component when it changes. What
 * `@nanostores/preact`'s `useStore` does for plain atoms, in a few bytes
 * (its key-listening support pulls in more code than the widget can spare).
 */
export function useStore<T>(store: ReadableAtom<T>): T {
  const value = store.get()
  const [, rerender] = useState(0)
  useLayoutEffect(() => {
    const bump = () => rerender((n) => n + 1)
    // A change between render and subscription is not missed.
    if (store.get() !== value) bump()
    return store.listen(bump)
  }, [store])
  return value
}
