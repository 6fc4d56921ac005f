import type { VisitorTokens } from './visitor-token.ts'

export interface VisitorAuthOptions {
  tokens: VisitorTokens
  /** Tokens of the visitor issued at or before this time are refused (0: none is). */
  validAfter(siteId: string, visitorId: string): Promise<number>
  /** A token older than this gets a fresh one. */
  renewAfterMs: number
  now: () => number
}

/** A visitor token that passed: whose, and the token the visitor should keep from now on. */
export interface AuthenticatedVisitor {
  visitorId: string
  /** The presented token, or a fresh one when it was old or of the legacy form. */
  token: string
  renewed: boolean
}

/**
 * Checks a visitor token as every visitor entry point must: genuine, for the site, not
 * expired (`VisitorTokens`), and not revoked by a logout or an erasure. Sliding expiry: a
 * token older than `renewAfterMs`, or one of the legacy form, is replaced by a fresh one,
 * which the socket hands out in `welcome` (the client stores whatever `welcome` carries).
 */
export class VisitorAuth {
  constructor(private readonly options: VisitorAuthOptions) {}

  async authenticate(siteId: string, token: string): Promise<AuthenticatedVisitor | undefined> {
    const { tokens, validAfter, renewAfterMs, now } = this.options
    const claims = tokens.inspect(siteId, token)
    if (!claims) return undefined
    const revokedUntil = await validAfter(siteId, claims.visitorId)
    // A legacy token has no issue time: any revocation ends it.
    if (revokedUntil > 0 && (claims.issuedAt ?? 0) <= revokedUntil) return undefined
    const renew = claims.issuedAt === null || now() - claims.issuedAt >= renewAfterMs
    return {
      visitorId: claims.visitorId,
      token: renew ? tokens.reissue(siteId, claims.visitorId) : token,
      renewed: renew,
    }
  }
}
