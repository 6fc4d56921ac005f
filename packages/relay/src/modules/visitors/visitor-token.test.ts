import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createVisitorTokens } from './visitor-token.ts'

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

describe('visitor tokens', () => {
  const tokens = createVisitorTokens('relay-secret')

  /** A token whose signature holds `-` or `_`, so its standard-base64 spelling differs. */
  function tokenWithUrlSafeChars(): { visitorId: string; token: string; sig: string } {
    for (;;) {
      const issued = tokens.issue('shop')
      const sig = issued.token.slice(issued.token.lastIndexOf('.') + 1)
      if (/[-_]/.test(sig)) return { ...issued, sig }
    }
  }

  it('verifies a token it issued, for its site only', () => {
    const { visitorId, token } = tokens.issue('shop')
    expect(token).toMatch(/^v_[^.]+\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/)
    expect(tokens.verify('shop', token)).toBe(visitorId)
    expect(tokens.verify('other', token)).toBeUndefined()
    expect(createVisitorTokens('another-secret').verify('shop', token)).toBeUndefined()
  })

  it('refuses every other spelling of the same signature bytes', () => {
    const { visitorId, token, sig } = tokenWithUrlSafeChars()
    const prefix = token.slice(0, token.lastIndexOf('.') + 1)
    expect(prefix.startsWith(`${visitorId}.`)).toBe(true)
    const last = BASE64URL.indexOf(sig.at(-1) ?? '')
    const altered = {
      'a character inserted': `${prefix}${sig.slice(0, 10)}!${sig.slice(10)}`,
      'a space inserted': `${prefix}${sig.slice(0, 10)} ${sig.slice(10)}`,
      'padding appended': `${token}=`,
      'standard alphabet': `${prefix}${sig.replaceAll('-', '+').replaceAll('_', '/')}`,
      'standard base64 with padding': `${prefix}${Buffer.from(sig, 'base64url').toString('base64')}`,
      'unused low bit of the last character set': `${prefix}${sig.slice(0, -1)}${BASE64URL[last ^ 1]}`,
      'unused second bit of the last character set': `${prefix}${sig.slice(0, -1)}${BASE64URL[last ^ 2]}`,
      'a character appended': `${token}A`,
      'the last character removed': token.slice(0, -1),
      'an empty signature': prefix,
    }
    const accepted = Object.entries(altered)
      .filter(([, form]) => tokens.verify('shop', form) !== undefined)
      .map(([name]) => name)
    expect(accepted).toEqual([])
    expect(tokens.verify('shop', token)).toBe(visitorId)
  })

  it('refuses a token without a visitor id or a separator', () => {
    const { token } = tokens.issue('shop')
    expect(tokens.verify('shop', token.slice(token.lastIndexOf('.')))).toBeUndefined()
    expect(tokens.verify('shop', token.replace('.', ''))).toBeUndefined()
    expect(tokens.verify('shop', '')).toBeUndefined()
  })

  it('carries its issue time and is refused once a year (the ttl) has passed', () => {
    let now = Date.UTC(2026, 0, 1)
    const clocked = createVisitorTokens('relay-secret', { ttlMs: 1000, now: () => now })
    const { visitorId, token } = clocked.issue('shop')
    expect(clocked.inspect('shop', token)).toEqual({ visitorId, issuedAt: Date.UTC(2026, 0, 1) })
    now += 999
    expect(clocked.verify('shop', token)).toBe(visitorId)
    now += 1
    expect(clocked.verify('shop', token)).toBeUndefined()
    // A fresh one for the same visitor counts from now.
    expect(clocked.verify('shop', clocked.reissue('shop', visitorId))).toBe(visitorId)
  })

  it('refuses a token whose issue time was changed, or spelt another way', () => {
    const { token } = tokens.issue('shop')
    const [id, issued, sig] = token.split('.') as [string, string, string]
    const later = (Number.parseInt(issued, 36) + 1).toString(36)
    expect(tokens.verify('shop', `${id}.${later}.${sig}`)).toBeUndefined()
    expect(tokens.verify('shop', `${id}.0${issued}.${sig}`)).toBeUndefined()
    expect(tokens.verify('shop', `${id}.${issued.toUpperCase()}.${sig}`)).toBeUndefined()
  })

  it('accepts a token of the earlier form (no issue time) as legacy, for its site only', () => {
    // The earlier relays signed `visitor\n<site>\n<visitor id>`.
    const sig = createHmac('sha256', 'relay-secret')
      .update('visitor\nshop\nv_old')
      .digest('base64url')
    expect(tokens.inspect('shop', `v_old.${sig}`)).toEqual({ visitorId: 'v_old', issuedAt: null })
    expect(tokens.inspect('other', `v_old.${sig}`)).toBeUndefined()
    expect(tokens.inspect('shop', `v_other.${sig}`)).toBeUndefined()
  })
})
