import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashToken } from '../../infra/ids.ts'
import { ADMIN, injectRelay, type TestRelay } from '../../testing/relay.ts'

let relay: TestRelay
beforeEach(async () => {
  relay = await injectRelay()
})
afterEach(async () => {
  await relay.close()
})

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return relay.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

describe('operator login', () => {
  it('refuses a wrong password and an unknown email alike with invalid_credentials', async () => {
    for (const body of [
      { email: ADMIN.email, password: 'wrong password' },
      { email: 'nobody@example.com', password: ADMIN.password },
    ]) {
      const response = await post('/v1/auth/login', body)
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({
        code: 'invalid_credentials',
        message: 'Wrong email or password',
      })
      expect(response.headers.get('set-cookie')).toBeNull()
    }
  })

  it('sets an httpOnly, SameSite=Strict session cookie on Path=/', async () => {
    const response = await post('/v1/auth/login', ADMIN)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      operator: { id: expect.any(String), email: ADMIN.email, name: 'Admin', role: 'admin' },
    })
    const cookie = response.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^parley_session=[\w-]{43};/)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/')
  })

  it('stores sessions only hashed', async () => {
    const cookie = await relay.login()
    const token = cookie.split('=')[1]!
    expect(await relay.stores.auth.getSession(token)).toBeUndefined()
    expect(await relay.stores.auth.getSession(hashToken(token))).toMatchObject({
      employeeId: expect.any(String),
    })
  })

  it('answers /me for a session and forgets it after logout', async () => {
    const cookie = await relay.login()
    const me = await relay.fetch('/v1/auth/me', { headers: { cookie } })
    expect((await me.json()).operator.email).toBe(ADMIN.email)
    const logout = await relay.fetch('/v1/auth/logout', {
      method: 'POST',
      headers: { cookie },
    })
    expect(logout.status).toBe(204)
    const after = await relay.fetch('/v1/auth/me', { headers: { cookie } })
    expect(after.status).toBe(401)
    expect(await after.json()).toMatchObject({ code: 'unauthorized' })
  })

  it('validates the login body with bad_request', async () => {
    const response = await post('/v1/auth/login', { email: 'x' })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'bad_request' })
  })
})

describe('admin API', () => {
  it('creates an API token shown once that works as a Bearer token', async () => {
    const cookie = await relay.login()
    const response = await post('/v1/admin/tokens', { name: 'bot' }, { cookie })
    expect(response.status).toBe(201)
    const created = (await response.json()) as { id: string; name: string; token: string }
    expect(created).toMatchObject({ name: 'bot', token: expect.stringMatching(/^prly_/) })
    const list = await relay.fetch('/v1/conversations', {
      headers: { authorization: `Bearer ${created.token}` },
    })
    expect(list.status).toBe(200)
    expect(await list.json()).toEqual({ conversations: [] })
    const forged = await relay.fetch('/v1/conversations', {
      headers: { authorization: 'Bearer prly_forged' },
    })
    expect(forged.status).toBe(401)
  })

  it('creates employees, refuses a taken email and keeps non-admins out', async () => {
    const cookie = await relay.login()
    const ann = {
      email: 'ann@example.com',
      name: 'Ann',
      password: 'ann password',
      role: 'operator',
    }
    const created = await post('/v1/admin/employees', ann, { cookie })
    expect(created.status).toBe(201)
    expect((await created.json()).employee).toMatchObject({
      email: ann.email,
      name: 'Ann',
      role: 'operator',
    })
    const again = await post(
      '/v1/admin/employees',
      { ...ann, email: 'ANN@example.com' },
      { cookie },
    )
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ code: 'email_taken' })
    const list = await relay.fetch('/v1/admin/employees', { headers: { cookie } })
    expect((await list.json()).employees.map((e: { email: string }) => e.email)).toEqual([
      ADMIN.email,
      ann.email,
    ])

    const annCookie = await relay.login(ann.email, ann.password)
    const forbidden = await post('/v1/admin/tokens', { name: 'x' }, { cookie: annCookie })
    expect(forbidden.status).toBe(403)
    expect(await forbidden.json()).toMatchObject({ code: 'forbidden' })
    const anonymous = await relay.fetch('/v1/admin/employees')
    expect(anonymous.status).toBe(401)
  })

  it('rejects an employee body that does not match the schema', async () => {
    const cookie = await relay.login()
    const response = await post(
      '/v1/admin/employees',
      { email: 'not-an-email', name: '', password: 'short', role: 'boss' },
      { cookie },
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'bad_request' })
  })
})
