import { createHmac, timingSafeEqual } from 'node:crypto'

const MAC_BYTES = 10
/** The expiry: minutes since the Unix epoch, a 32-bit unsigned integer (lasts to the year 10136). */
const EXPIRY_BYTES = 4
const MINUTE = 60_000

function mac(secret: string, siteId: string, visitorId: string, expiry: Buffer): Buffer {
  return createHmac('sha256', secret)
    .update(`start\n${siteId}\n${visitorId}\n${expiry.toString('hex')}`)
    .digest()
    .subarray(0, MAC_BYTES)
}

function encode(visitorId: string, expiry: Buffer, tag: Buffer): string {
  return Buffer.concat([Buffer.from(`${visitorId}.`), expiry, tag]).toString('base64url')
}

/**
 * Messenger start parameters: base64url(visitorId + '.' + expiry (4 bytes, minutes since the
 * epoch) + first 10 bytes of HMAC-SHA256(secret, site, visitorId, expiry)). At most 64
 * characters of [A-Za-z0-9_-], as Telegram's `start` allows, so a bot (Telegram `/start`,
 * Viber `context`, VK `ref`) can tie its chat to the web visitor; one past its expiry no
 * longer does. Only the canonical spelling verifies.
 */
export interface StartParams {
  issue(siteId: string, visitorId: string): string
  /**
   * The visitor id when the parameter is genuine, for `siteId` and not expired, else
   * `undefined`.
   */
  verify(siteId: string, param: string): string | undefined
}

export interface StartParamOptions {
  /** @default Date.now */
  now?: () => number
  /** How long a parameter ties a messenger chat to the visitor. @default 7 days */
  ttlMs?: number
}

export function createStartParams(secret: string, options: StartParamOptions = {}): StartParams {
  const now = options.now ?? Date.now
  const ttlMs = options.ttlMs ?? 7 * 24 * 60 * MINUTE
  return {
    issue(siteId, visitorId) {
      const expiry = Buffer.alloc(EXPIRY_BYTES)
      expiry.writeUInt32BE(Math.ceil((now() + ttlMs) / MINUTE))
      const param = encode(visitorId, expiry, mac(secret, siteId, visitorId, expiry))
      if (param.length > 64) throw new RangeError('visitor id too long for a start parameter')
      return param
    },
    verify(siteId, param) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(param)) return undefined
      const raw = Buffer.from(param, 'base64url')
      const dot = raw.length - MAC_BYTES - EXPIRY_BYTES - 1
      if (dot <= 0 || raw[dot] !== 0x2e) return undefined
      const visitorId = raw.subarray(0, dot).toString('utf8')
      const expiry = raw.subarray(dot + 1, dot + 1 + EXPIRY_BYTES)
      if (expiry.readUInt32BE(0) * MINUTE < now()) return undefined
      // Compare the parameter as spelt with the one we would issue, not the decoded
      // bytes: the decoder ignores unused trailing bits and a dangling last character,
      // and invalid UTF-8 decodes to U+FFFD, so many spellings share one MAC.
      const expected = Buffer.from(
        encode(visitorId, expiry, mac(secret, siteId, visitorId, expiry)),
      )
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
