import { createHmac, timingSafeEqual } from 'node:crypto'
import { randomId } from '../../infra/ids.ts'

/** The only spelling of a signature we accept: unpadded base64url of 32 bytes. */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/
/** The issue time: epoch ms in base 36, lower case, no leading zero. */
const ISSUED = /^[1-9a-z][0-9a-z]{0,11}$/

function legacySignature(secret: string, siteId: string, visitorId: string): string {
  return createHmac('sha256', secret).update(`visitor\n${siteId}\n${visitorId}`).digest('base64url')
}

function signature(secret: string, siteId: string, visitorId: string, issued: string): string {
  return createHmac('sha256', secret)
    .update(`visitor-token\n${siteId}\n${visitorId}\n${issued}`)
    .digest('base64url')
}

function sameSignature(given: string, expected: string): boolean {
  // Compare the strings themselves, not what they decode to: only the canonical spelling
  // matches. Both are 43 ASCII characters, so the buffers have equal length.
  return SIGNATURE.test(given) && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
}

/** A genuine token of a site: whose it is and when it was issued (`null`: the legacy form). */
export interface TokenClaims {
  visitorId: string
  issuedAt: number | null
}

/**
 * Visitor tokens: `<visitorId>.<issued>.<HMAC-SHA256(secret, site, visitorId, issued)>`,
 * `issued` being the issue time (epoch ms, base 36). The site is part of the signature, so a
 * token from one site is refused on another. Tokens older than `ttlMs` are refused.
 * Tokens of the earlier form `<visitorId>.<HMAC(secret, site, visitorId)>` carry no issue
 * time: they are accepted (`issuedAt: null`) so that visitors keep their history, and the
 * relay hands out a new-form token in their next `welcome`. Only the canonical encoding
 * verifies: the decoder's leniency (padding, the standard alphabet, stray characters,
 * unused trailing bits) would give one visitor many valid tokens.
 *
 * Revocation (logout, erasure) is not in the token: `VisitorAuth` checks the per-visitor
 * "valid after" time the privacy store keeps.
 */
export interface VisitorTokens {
  /** A new visitor id and its token for `siteId`. */
  issue(siteId: string): { visitorId: string; token: string }
  /** A fresh token for a known visitor. */
  reissue(siteId: string, visitorId: string): string
  /** The claims when the token is genuine, for `siteId` and not expired, else `undefined`. */
  inspect(siteId: string, token: string): TokenClaims | undefined
  /** The visitor id of `inspect`. */
  verify(siteId: string, token: string): string | undefined
}

export interface VisitorTokenOptions {
  /** @default 365 days */
  ttlMs?: number
  now?: () => number
}

export const DEFAULT_VISITOR_TOKEN_TTL_MS = 365 * 24 * 60 * 60 * 1000

export function createVisitorTokens(
  secret: string,
  options: VisitorTokenOptions = {},
): VisitorTokens {
  const ttlMs = options.ttlMs ?? DEFAULT_VISITOR_TOKEN_TTL_MS
  const now = options.now ?? Date.now
  const reissue = (siteId: string, visitorId: string) => {
    const issued = Math.max(1, now()).toString(36)
    return `${visitorId}.${issued}.${signature(secret, siteId, visitorId, issued)}`
  }
  const inspect = (siteId: string, token: string): TokenClaims | undefined => {
    const parts = token.split('.')
    if (parts.length === 2) {
      const [visitorId, given] = parts as [string, string]
      if (!visitorId || !sameSignature(given, legacySignature(secret, siteId, visitorId))) return
      return { visitorId, issuedAt: null }
    }
    if (parts.length !== 3) return undefined
    const [visitorId, issued, given] = parts as [string, string, string]
    if (!visitorId || !ISSUED.test(issued)) return undefined
    if (!sameSignature(given, signature(secret, siteId, visitorId, issued))) return undefined
    const issuedAt = Number.parseInt(issued, 36)
    if (!(now() - issuedAt < ttlMs)) return undefined
    return { visitorId, issuedAt }
  }
  return {
    issue(siteId) {
      const visitorId = randomId('v')
      return { visitorId, token: reissue(siteId, visitorId) }
    },
    reissue,
    inspect,
    verify: (siteId, token) => inspect(siteId, token)?.visitorId,
  }
}
