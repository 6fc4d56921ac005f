import { createHmac, timingSafeEqual } from 'node:crypto'
import { randomId } from '../../infra/ids.ts'

/** The only spelling of a signature we accept: unpadded base64url of 32 bytes. */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/

function sign(secret: string, siteId: string, visitorId: string): string {
  return createHmac('sha256', secret).update(`visitor\n${siteId}\n${visitorId}`).digest('base64url')
}

/**
 * Visitor tokens: `<visitorId>.<HMAC-SHA256(secret, site, visitorId)>`. The site is
 * part of the signature, so a token from one site is refused on another. Only the
 * canonical encoding verifies: the decoder's leniency (padding, the standard alphabet,
 * stray characters, unused trailing bits) would give one visitor many valid tokens.
 */
export interface VisitorTokens {
  /** A new visitor id and its token for `siteId`. */
  issue(siteId: string): { visitorId: string; token: string }
  /** The visitor id when the token is genuine and for `siteId`, else `undefined`. */
  verify(siteId: string, token: string): string | undefined
}

export function createVisitorTokens(secret: string): VisitorTokens {
  return {
    issue(siteId) {
      const visitorId = randomId('v')
      return { visitorId, token: `${visitorId}.${sign(secret, siteId, visitorId)}` }
    },
    verify(siteId, token) {
      const dot = token.lastIndexOf('.')
      if (dot <= 0) return undefined
      const visitorId = token.slice(0, dot)
      const given = token.slice(dot + 1)
      if (!SIGNATURE.test(given)) return undefined
      // Compare the strings themselves, not what they decode to: only the canonical
      // spelling matches. Both are 43 ASCII characters, so the buffers have equal length.
      const expected = sign(secret, siteId, visitorId)
      if (!timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return undefined
      return visitorId
    },
  }
}
