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
    expect(token).toMatch(/^v_[^.]+\.[A-Za-z0-9_-]{43}$/)
    expect(tokens.verify('shop', token)).toBe(visitorId)
    expect(tokens.verify('other', token)).toBeUndefined()
    expect(createVisitorTokens('another-secret').verify('shop', token)).toBeUndefined()
  })

  it('refuses every other spelling of the same signature bytes', () => {
    const { visitorId, token, sig } = tokenWithUrlSafeChars()
    const prefix = `${visitorId}.`
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
})
