import { type KeyValueStorage, safeStorage } from '@parley/client'

/**
 * The page's `localStorage` behind the client's `safeStorage` (a read or write that
 * throws, as in Safari's private mode or past the quota, falls back to memory), or
 * `undefined` where reading `localStorage` itself throws (storage blocked for the page).
 */
export function browserStorage(): KeyValueStorage | undefined {
  try {
    return safeStorage(localStorage)
  } catch {
    return undefined
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
