import { randomBytes, scryptSync } from 'node:crypto'
import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN, injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'
import { resetAdminPassword } from './bootstrap.ts'

let relay: TestRelay
beforeEach(async () => {
  relay = await injectRelay()
})
afterEach(async () => {
  await relay.close()
})

const adminCall = (cookie: string, method: string, path: string, body?: unknown) =>
  relay.fetch(path, {
    method,
    headers: body === undefined ? { cookie } : { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

/** A visitor message reaches the operator socket (it is still live). */
async function reaches(
  operator: Awaited<ReturnType<TestRelay['operator']>>['socket'],
  cid: string,
) {
  const { socket } = await relay.visitor()
  socket.send({ t: 'send', cid, text: `hello ${cid}` })
  await operator.next(ofType('event', (f) => f.text === `hello ${cid}`))
}

describe('ending a credential ends the sockets it opened', () => {
  it('closes the operator socket of a session at logout, at once, and it hears nothing more', async () => {
    const cookie = await relay.login()
    const { socket: operator } = await relay.operator({ cookie })
    const other = await relay.operator()
    await reaches(operator, 'before')
    const out = await adminCall(cookie, 'POST', '/v1/auth/logout')
    expect(out.status).toBe(204)
    expect(await operator.closed).toEqual({ code: 4001, reason: 'unauthorized' })
    // Another session of the same admin stays.
    await reaches(other.socket, 'after')
    expect(operator.frames.some((f) => f.text === 'hello after')).toBe(false)
  })

  it('closes every socket of an employee whose password changes, and ends the session', async () => {
    const cookie = await relay.login()
    const { socket: operator } = await relay.operator({ cookie })
    const admin = await relay.app.employees.getByEmail(ADMIN.email)
    await relay.app.auth.setPassword(admin!.id, 'another long password')
    expect(await operator.closed).toEqual({ code: 4001, reason: 'unauthorized' })
    expect((await adminCall(cookie, 'GET', '/v1/auth/me')).status).toBe(401)
    // The CLI's reset (beside the relay, on the same database) ends sessions the same way.
    const fresh = await relay.login(ADMIN.email, 'another long password')
    await resetAdminPassword(relay.stores, ADMIN.email)
    expect((await adminCall(fresh, 'GET', '/v1/auth/me')).status).toBe(401)
  })

  it('lists API tokens without their secrets and closes a bot socket when its token is revoked', async () => {
    const cookie = await relay.login()
    const created = await adminCall(cookie, 'POST', '/v1/admin/tokens', { name: 'bot' })
    const { id, token } = (await created.json()) as { id: string; token: string }
    const listed = await (await adminCall(cookie, 'GET', '/v1/admin/tokens')).json()
    expect(listed).toEqual({
      tokens: [
        {
          id,
          name: 'bot',
          employeeId: expect.any(String),
          scopes: ['conversations:read', 'conversations:reply'],
          createdAt: expect.any(Number),
          lastUsedAt: null,
        },
      ],
    })
    expect(JSON.stringify(listed)).not.toContain(token)
    const { socket: bot } = await relay.operator({ apiToken: token })
    expect((await adminCall(cookie, 'DELETE', `/v1/admin/tokens/${id}`)).status).toBe(204)
    expect((await bot.closed).code).toBe(4001)
    const again = await adminCall(cookie, 'DELETE', `/v1/admin/tokens/${id}`)
    expect(again.status).toBe(404)
    expect(await again.json()).toMatchObject({ code: 'token_not_found' })
    const reuse = await relay.socket('/v1/operator')
    reuse.send({ t: 'hello', v: PROTOCOL_VERSION, apiToken: token })
    expect((await reuse.closed).code).toBe(4001)
  })

  it('refuses token listing and revoking to a non-admin', async () => {
    const cookie = await relay.login()
    await adminCall(cookie, 'POST', '/v1/admin/employees', {
      email: 'op@example.com',
      name: 'Op',
      role: 'operator',
      password: 'operator password 1',
    })
    const op = await relay.login('op@example.com', 'operator password 1')
    expect((await adminCall(op, 'GET', '/v1/admin/tokens')).status).toBe(403)
    expect((await adminCall(op, 'DELETE', '/v1/admin/tokens/t_x')).status).toBe(403)
    expect((await relay.fetch('/v1/admin/tokens')).status).toBe(401)
  })
})

describe('operator socket origin', () => {
  it("refuses a page of another origin carrying an operator's cookie, with close 4003", async () => {
    const cookie = await relay.login()
    const socket = await relay.socket('/v1/operator', {
      headers: { cookie, origin: 'https://evil.shop.example' },
    })
    socket.send({ t: 'hello', v: PROTOCOL_VERSION })
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'origin_not_allowed' })
    expect((await socket.closed).code).toBe(4003)
    expect(socket.frames.some((f) => f.t === 'welcome')).toBe(false)
  })

  it("accepts the console's own origin and a configured one", async () => {
    const cookie = await relay.login()
    const own = await relay.socket('/v1/operator', {
      headers: { cookie, origin: relay.url },
    })
    own.send({ t: 'hello', v: PROTOCOL_VERSION })
    expect(await own.next(ofType('welcome'))).toMatchObject({ t: 'welcome' })
    await own.close()
    const configured = await injectRelay({ operatorOrigins: ['https://console.example'] })
    try {
      const socket = await configured.socket('/v1/operator', {
        headers: { cookie: await configured.login(), origin: 'https://console.example' },
      })
      socket.send({ t: 'hello', v: PROTOCOL_VERSION })
      expect(await socket.next(ofType('welcome'))).toMatchObject({ t: 'welcome' })
      await socket.close()
    } finally {
      await configured.close()
    }
  })
})

describe('a password hashed with older scrypt parameters', () => {
  it('is re-hashed with the current ones on the next successful login, and still logs in', async () => {
    await relay.close()
    relay = await injectRelay({ passwordCost: 2 ** 17 })
    const salt = randomBytes(16)
    const key = scryptSync(ADMIN.password, salt, 64, { N: 16384, r: 8, p: 1 })
    const legacy = `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`
    const admin = (await relay.app.employees.getByEmail(ADMIN.email))!
    await relay.stores.db.transaction((tx) =>
      relay.stores.employees.setPasswordHash(tx, admin.id, legacy),
    )
    expect((await login(ADMIN.email, 'wrong password')).status).toBe(401)
    expect((await relay.stores.employees.get(admin.id))?.passwordHash).toBe(legacy)
    expect((await login(ADMIN.email, ADMIN.password)).status).toBe(200)
    const stored = (await relay.stores.employees.get(admin.id))!.passwordHash
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$/)
    expect((await login(ADMIN.email, ADMIN.password)).status).toBe(200)
  })
})

function login(email: string, password: string) {
  return relay.fetch('/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
}
