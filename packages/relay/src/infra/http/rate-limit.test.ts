import { afterEach, describe, expect, it } from 'vitest'
import { FORM_SITES } from '../../testing/forms.ts'
import { ADMIN, injectRelay, type TestRelay } from '../../testing/relay.ts'

let relay: TestRelay
afterEach(async () => {
  await relay.close()
})

const login = (email: string, password: string, ip?: string) =>
  relay.fetch('/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ip && { 'x-forwarded-for': ip }) },
    body: JSON.stringify({ email, password }),
  })

describe('request limits', () => {
  it('never counts successful logins: an operator may log in as often as they like', async () => {
    relay = await injectRelay({
      requestLimits: {
        loginPerAddress: { max: 2, windowMs: 60_000 },
        loginPerAccount: { max: 2, windowMs: 60_000 },
      },
    })
    for (let i = 0; i < 5; i++) expect((await login(ADMIN.email, ADMIN.password)).status).toBe(200)
    expect((await login(ADMIN.email, 'wrong')).status).toBe(401)
    expect((await login(ADMIN.email, ADMIN.password)).status).toBe(200)
  })

  it('refuses login past the per-address limit with rate_limited and Retry-After, before hashing', async () => {
    relay = await injectRelay({
      requestLimits: { loginPerAddress: { max: 3, windowMs: 60_000 } },
    })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await login(ADMIN.email, 'wrong')).status)
    expect(statuses).toEqual([401, 401, 401])
    const limited = await login(ADMIN.email, ADMIN.password)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await limited.json()).toMatchObject({ code: 'rate_limited' })
  })

  it('counts login attempts per account across addresses', async () => {
    relay = await injectRelay({
      trustProxy: true,
      requestLimits: {
        loginPerAddress: { max: 100, windowMs: 60_000 },
        loginPerAccount: { max: 2, windowMs: 60_000 },
      },
    })
    expect((await login(ADMIN.email, 'wrong', '10.0.0.1')).status).toBe(401)
    expect((await login(ADMIN.email.toUpperCase(), 'wrong', '10.0.0.2')).status).toBe(401)
    const third = await login(ADMIN.email, ADMIN.password, '10.0.0.3')
    expect(third.status).toBe(429)
    // Another account is not held back by this one.
    expect((await login('someone@example.com', 'wrong', '10.0.0.4')).status).toBe(401)
  })

  it('refuses tokenless callbacks from one address past the forms limit, storing nothing more', async () => {
    relay = await injectRelay({
      sites: FORM_SITES,
      requestLimits: { forms: { max: 2, windowMs: 60_000 } },
    })
    const config = await (await relay.fetch('/v1/sites/shop/config')).json()
    const post = (cid: string) =>
      relay.fetch('/v1/sites/shop/callback', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          cid,
          name: 'Anna',
          phone: '+79161234567',
          when: 'asap',
          consent: { version: config.agreement.version },
        }),
      })
    expect((await post('a')).status).toBe(200)
    expect((await post('b')).status).toBe(200)
    const third = await post('c')
    expect(third.status).toBe(429)
    expect(await third.json()).toMatchObject({ code: 'rate_limited' })
    expect(await relay.stores.conversations.list(10)).toHaveLength(2)
  })
})
