import { normalizePhone } from '@parley/protocol'
import { relayError } from '../../infra/errors.ts'
import type { PageAfter } from './store.ts'

/** What the REST queries carry, as the store reads it: page cursors and contact keys. */

/** `{at, id}` of a page's last row as an opaque cursor, and back. */
export function encodeCursor(after: PageAfter): string {
  return Buffer.from(`${after.at}:${after.id}`).toString('base64url')
}

export function decodeCursor(cursor: string | undefined): PageAfter | undefined {
  if (cursor === undefined) return undefined
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  const colon = text.indexOf(':')
  const at = Number(text.slice(0, colon))
  const id = text.slice(colon + 1)
  if (colon <= 0 || !Number.isSafeInteger(at) || at < 0 || id === '') {
    throw relayError('bad_request', 'cursor is not one this relay gave')
  }
  return { at, id }
}

/** What a contact search compares: an e-mail in lower case, or a phone's digits. */
export function contactKeys(contact: string): { email?: string; phoneDigits?: string } {
  const trimmed = contact.trim()
  if (trimmed.includes('@')) return { email: trimmed.toLowerCase() }
  const digits = (normalizePhone(trimmed, 'RU') ?? trimmed).replace(/\D/g, '')
  return digits ? { phoneDigits: digits } : {}
}
