/** The part of `localStorage` the client uses; any object with these three methods works. */
export interface KeyValueStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** A storage that lives as long as the page: the default, and what tests use. */
export function memoryStorage(): KeyValueStorage {
  const data = new Map<string, string>()
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => {
      data.set(key, value)
    },
    removeItem: (key) => {
      data.delete(key)
    },
  }
}

/**
 * Wraps a storage that may throw (Safari private mode, quota exceeded, storage
 * disabled by policy): a failed read returns null, a failed write is dropped.
 * The client then works as with memory storage, only without surviving a reload.
 */
export function safeStorage(storage: KeyValueStorage | undefined): KeyValueStorage {
  const fallback = memoryStorage()
  let target = storage ?? fallback
  // After the first failure everything goes to memory, so reads never see stale values.
  const guard =
    <A extends unknown[], R>(fn: (s: KeyValueStorage, ...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(target, ...args)
      } catch {
        target = fallback
        return fn(fallback, ...args)
      }
    }
  return {
    getItem: guard((s, key: string) => s.getItem(key)),
    setItem: guard((s, key: string, value: string) => s.setItem(key, value)),
    removeItem: guard((s, key: string) => s.removeItem(key)),
  }
}

/** Reads JSON written by {@link writeJson}; a missing or corrupt value gives `fallback`. */
export function readJson<T>(storage: KeyValueStorage, key: string, fallback: T): T {
  const raw = storage.getItem(key)
  if (raw === null) return fallback
  try {
    const value: unknown = JSON.parse(raw)
    return value === null || typeof value !== typeof fallback ? fallback : (value as T)
  } catch {
    return fallback
  }
}

export function writeJson(storage: KeyValueStorage, key: string, value: unknown): void {
  storage.setItem(key, JSON.stringify(value))
}
