import type { KeyValueStorage } from '@parley/client'

/**
 * The page's `localStorage`, or `undefined` where reading it throws (storage
 * disabled, sandboxed frames, some privacy modes). Writes that throw (quota) are
 * swallowed: the client then keeps state in memory only.
 */
export function browserStorage(): KeyValueStorage | undefined {
  let storage: Storage
  try {
    storage = globalThis.localStorage
    if (!storage) return undefined
  } catch {
    return undefined
  }
  return {
    getItem: (key) => {
      try {
        return storage.getItem(key)
      } catch {
        return null
      }
    },
    setItem: (key, value) => {
      try {
        storage.setItem(key, value)
      } catch {
        // quota exceeded or storage revoked: keep going in memory
      }
    },
    removeItem: (key) => {
      try {
        storage.removeItem(key)
      } catch {
        // same as above
      }
    },
  }
}

/** The key the client writes once the visitor has chatted: its presence means consent was given. */
export function tokenKey(site: string): string {
  return `parley:${site}:token`
}
