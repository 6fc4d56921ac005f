import { createHmac, timingSafeEqual } from 'node:crypto'
import { randomId } from '../../infra/ids.ts'

function sign(secret: string, siteId: string, visitorId: string): string {
  return createHmac('sha256', secret).update(`visitor\n${siteId}\n${visitorId}`).digest('base64url')
}

/**
 * Visitor tokens: `<visitorId>.<HMAC-SHA256(secret, site, visitorId)>`. The site is
 * part of the signature, so a token from one site is refused on another.
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
      const given = Buffer.from(token.slice(dot + 1), 'base64url')
      const expected = Buffer.from(sign(secret, siteId, visitorId), 'base64url')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
      return visitorId
    },
  }
}
