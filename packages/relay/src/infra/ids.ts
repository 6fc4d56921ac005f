import { createHash, randomBytes } from 'node:crypto'

/** A random opaque secret (session or API token), 32 bytes as base64url. */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url')
}

/** What the store keeps instead of a session or API token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** A random id with a readable prefix, e.g. `c_3kT9…` for a conversation. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`
}

/** API tokens start with this so they are recognisable in logs and secret scanners. */
export const API_TOKEN_PREFIX = 'prly_'
