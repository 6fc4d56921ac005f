import { describe, expect, it } from 'vitest'
import { randomId } from '../../infra/ids.ts'
import { createStartParams, identityHash, verifyIdentityHash } from './start-param.ts'

describe('start parameters', () => {
  const params = createStartParams('relay-secret')

  it('fit Telegram: at most 64 characters of [A-Za-z0-9_-], and verify for their site only', () => {
    for (let i = 0; i < 50; i++) {
      const visitorId = randomId('v')
      const param = params.issue('shop', visitorId)
      expect(param).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
      expect(params.verify('shop', param)).toBe(visitorId)
      expect(params.verify('other', param)).toBeUndefined()
      expect(createStartParams('another-secret').verify('shop', param)).toBeUndefined()
    }
  })

  it('refuses tampered or malformed parameters', () => {
    const param = params.issue('shop', 'v_abc')
    const flipped = `${param.slice(0, -2)}${param.at(-2) === 'A' ? 'B' : 'A'}${param.at(-1)}`
    expect(params.verify('shop', flipped)).toBeUndefined()
    expect(params.verify('shop', Buffer.from('v_other.0123456789').toString('base64url'))).toBe(
      undefined,
    )
    expect(params.verify('shop', 'not+base64/')).toBeUndefined()
    expect(params.verify('shop', '')).toBeUndefined()
  })

  it('tie a chat for as long as they last, and not after', () => {
    let now = Date.UTC(2026, 11, 2, 9)
    const clocked = createStartParams('relay-secret', { now: () => now, ttlMs: 60 * 60_000 })
    const param = clocked.issue('shop', 'v_abc')
    now += 60 * 60_000
    expect(clocked.verify('shop', param)).toBe('v_abc')
    now += 60_000
    expect(clocked.verify('shop', param)).toBeUndefined()
  })
})

describe('identity hash', () => {
  it('is hex HMAC-SHA256 of the user id and verifies in any case', () => {
    // echo -n 'u-42' | openssl dgst -sha256 -hmac 'secret'
    const hash = identityHash('secret', 'u-42')
    expect(hash).toBe('d0ecf14751028cbb5ca05963c5b3c085017e613e44a37ec12412a911c35c7901')
    expect(verifyIdentityHash('secret', 'u-42', hash)).toBe(true)
    expect(verifyIdentityHash('secret', 'u-42', hash.toUpperCase())).toBe(true)
    expect(verifyIdentityHash('secret', 'u-43', hash)).toBe(false)
    expect(verifyIdentityHash('secret', 'u-42', hash.slice(0, 63))).toBe(false)
    expect(verifyIdentityHash('secret', 'u-42', `${hash.slice(0, 63)}g`)).toBe(false)
  })
})
