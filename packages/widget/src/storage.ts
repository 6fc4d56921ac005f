import type { KeyValueStorage } from '@parley/client'

/**
 * The page's `localStorage`, guarded: a read that throws (storage disabled,
 * sandboxed frames) returns null and a write that throws (quota) is dropped.
 * Kept here, not taken from `@parley/client`, so the client stays in the lazy chunk.
 */
export function browserStorage(): KeyValueStorage {
  const guard =
    <A extends unknown[], R>(fn: (s: Storage, ...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return fn(globalThis.localStorage, ...args)
      } catch {
        return fallback
      }
    }
  return {
    getItem: guard((s, key: string) => s.getItem(key), null),
    setItem: guard((s, key: string, value: string) => s.setItem(key, value), undefined),
    removeItem: guard((s, key: string) => s.removeItem(key), undefined),
  }
}

/** The key the client writes once the visitor has chatted: its presence means consent was given. */
export function tokenKey(site: string): string {
  return `parley:${site}:token`
}

/** Set once the visitor sent the pre-chat form (written only after consent). */
export function prechatKey(site: string): string {
  return `parley:${site}:prechat`
}
