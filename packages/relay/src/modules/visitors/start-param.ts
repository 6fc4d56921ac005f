import { createHmac, timingSafeEqual } from 'node:crypto'

const MAC_BYTES = 10

function mac(secret: string, siteId: string, visitorId: string): Buffer {
  return createHmac('sha256', secret)
    .update(`start\n${siteId}\n${visitorId}`)
    .digest()
    .subarray(0, MAC_BYTES)
}

function encode(visitorId: string, tag: Buffer): string {
  return Buffer.concat([Buffer.from(`${visitorId}.`), tag]).toString('base64url')
}

/**
 * Messenger start parameters: base64url(visitorId + '.' + first 10 bytes of
 * HMAC-SHA256(secret, site, visitorId)). At most 64 characters of [A-Za-z0-9_-], as
 * Telegram's `start` allows, so a bot can tie its chat to the web visitor later.
 * Only the canonical spelling verifies.
 */
export interface StartParams {
  issue(siteId: string, visitorId: string): string
  /** The visitor id when the parameter is genuine and for `siteId`, else `undefined`. */
  verify(siteId: string, param: string): string | undefined
}

export function createStartParams(secret: string): StartParams {
  return {
    issue(siteId, visitorId) {
      const param = encode(visitorId, mac(secret, siteId, visitorId))
      if (param.length > 64) throw new RangeError('visitor id too long for a start parameter')
      return param
    },
    verify(siteId, param) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(param)) return undefined
      const raw = Buffer.from(param, 'base64url')
      const dot = raw.length - MAC_BYTES - 1
      if (dot <= 0 || raw[dot] !== 0x2e) return undefined
      const visitorId = raw.subarray(0, dot).toString('utf8')
      // Compare the parameter as spelt with the one we would issue, not the decoded
      // bytes: the decoder ignores unused trailing bits and a dangling last character,
      // and invalid UTF-8 decodes to U+FFFD, so many spellings share one MAC.
      const expected = Buffer.from(encode(visitorId, mac(secret, siteId, visitorId)))
      const given = Buffer.from(param)
      return given.length === expected.length && timingSafeEqual(given, expected)
        ? visitorId
        : undefined
    },
  }
}

/** hex HMAC-SHA256(userId, secret) as the site's backend computes it for `identify`. */
export function identityHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId).digest('hex')
}

/** Timing-safe check of an `identify` hash (hex, any case). */
export function verifyIdentityHash(secret: string, userId: string, hash: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) return false
  return timingSafeEqual(
    Buffer.from(hash.toLowerCase(), 'hex'),
    Buffer.from(identityHash(secret, userId), 'hex'),
  )
}
