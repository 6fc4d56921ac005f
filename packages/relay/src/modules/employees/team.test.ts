import { afterEach, describe, expect, it } from 'vitest'
import type { RelayConfig } from '../../config/config.ts'
import { ADMIN, injectRelay, type TestRelay } from '../../testing/relay.ts'

let relay: TestRelay
let admin: string
async function start(overrides: Partial<RelayConfig> = {}) {
  relay = await injectRelay(overrides)
  admin = await relay.login()
}
afterEach(async () => {
  await relay.close()
})

type Auth = { cookie?: string; token?: string }
async function call(auth: Auth, method: string, path: string, body?: unknown) {
  const response = await relay.fetch(path, {
    method,
    headers: {
      ...(auth.cookie ? { cookie: auth.cookie } : {}),
      ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

interface Created {
  employee: { id: string; email: string; hasPassword: boolean; active: boolean }
  passwordLink?: { url: string; expiresAt: number }
}
async function hire(body: Record<string, unknown>): Promise<Created> {
  const created = await call({ cookie: admin }, 'POST', '/v1/admin/employees', body)
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  return created.body
}
const tokenOf = (link: { url: string }) => new URL(link.url).hash.replace('#set-password=', '')
const loginStatus = async (email: string, password: string) =>
  (await call({}, 'POST', '/v1/auth/login', { email, password })).status

describe('set-password links', () => {
  it('gives a new employee a one-time link to set their password, then they log in', async () => {
    await start()
    const { employee, passwordLink } = await hire({
      email: 'olga@example.com',
      name: 'Olga',
      role: 'operator',
    })
    expect(employee.hasPassword).toBe(false)
    expect(passwordLink!.url).toMatch(
      new RegExp(`^${relay.url}/console/#set-password=[A-Za-z0-9_-]{20,}$`),
    )
    expect(await loginStatus('olga@example.com', 'any password at all')).toBe(401)
    const token = tokenOf(passwordLink!)
    expect(
      (await call({}, 'POST', '/v1/auth/password', { token, password: 'olga password 1' })).status,
    ).toBe(204)
    expect(await loginStatus('olga@example.com', 'olga password 1')).toBe(200)
    const again = await call({}, 'POST', '/v1/auth/password', { token, password: 'takeover 123' })
    expect(again).toMatchObject({ status: 400, body: { code: 'password_link_invalid' } })
    expect(await loginStatus('olga@example.com', 'olga password 1')).toBe(200)
    const listed = await call({ cookie: admin }, 'GET', '/v1/admin/employees')
    expect(listed.body.employees).toContainEqual(
      expect.objectContaining({ email: 'olga@example.com', hasPassword: true }),
    )
  })

  it('resets a password: the old one works until the link is used, then sessions end', async () => {
    await start()
    const { employee } = await hire({
      email: 'ivan@example.com',
      name: 'Ivan',
      role: 'operator',
      password: 'ivan password 1',
    })
    const ivan = await relay.login('ivan@example.com', 'ivan password 1')
    const { socket } = await relay.operator({ cookie: ivan })
    const link = await call(
      { cookie: admin },
      'POST',
      `/v1/admin/employees/${employee.id}/password-link`,
    )
    expect(link.status).toBe(201)
    expect(await loginStatus('ivan@example.com', 'ivan password 1')).toBe(200)
    await call({}, 'POST', '/v1/auth/password', {
      token: tokenOf(link.body),
      password: 'ivan password 2',
    })
    expect(await socket.closed).toEqual({ code: 4001, reason: 'unauthorized' })
    expect((await call({ cookie: ivan }, 'GET', '/v1/auth/me')).status).toBe(401)
    expect(await loginStatus('ivan@example.com', 'ivan password 1')).toBe(401)
    expect(await loginStatus('ivan@example.com', 'ivan password 2')).toBe(200)
  })

  it('refuses an unknown or expired link and changes nothing', async () => {
    let now = 1_000_000
    await start({ now: () => now })
    const { passwordLink } = await hire({
      email: 'late@example.com',
      name: 'Late',
      role: 'operator',
    })
    const unknown = await call({}, 'POST', '/v1/auth/password', {
      token: 'x'.repeat(43),
      password: 'whatever 123',
    })
    expect(unknown).toMatchObject({ status: 400, body: { code: 'password_link_invalid' } })
    now += 3 * 24 * 60 * 60 * 1000
    const expired = await call({}, 'POST', '/v1/auth/password', {
      token: tokenOf(passwordLink!),
      password: 'whatever 123',
    })
    expect(expired).toMatchObject({ status: 400, body: { code: 'password_link_invalid' } })
    expect(await loginStatus('late@example.com', 'whatever 123')).toBe(401)
  })
})

describe('seats', () => {
  it('caps active people, frees a seat on deactivation, and never counts bots', async () => {
    await start({ seats: 2 })
    const first = await hire({ email: 'a@example.com', name: 'A', role: 'operator' })
    const refused = await call({ cookie: admin }, 'POST', '/v1/admin/employees', {
      email: 'b@example.com',
      name: 'B',
      role: 'operator',
    })
    expect(refused).toMatchObject({ status: 409, body: { code: 'seat_limit_reached' } })
    expect(refused.body.message).toContain('All 2 seats are taken')
    await hire({ kind: 'bot', name: 'Greeter', role: 'operator' })
    const listed = await call({ cookie: admin }, 'GET', '/v1/admin/employees')
    expect(listed.body.seats).toEqual({ used: 2, limit: 2 })
    expect(listed.body.employees.map((e: { name: string }) => e.name)).toEqual([
      'Admin',
      'A',
      'Greeter',
    ])

    const off = await call(
      { cookie: admin },
      'POST',
      `/v1/admin/employees/${first.employee.id}/deactivate`,
    )
    expect(off.body.employee.active).toBe(false)
    await hire({ email: 'b@example.com', name: 'B', role: 'operator' })
    const back = await call(
      { cookie: admin },
      'POST',
      `/v1/admin/employees/${first.employee.id}/reactivate`,
    )
    expect(back).toMatchObject({ status: 409, body: { code: 'seat_limit_reached' } })
    expect((await call({ cookie: admin }, 'GET', '/v1/admin/employees')).body.seats).toEqual({
      used: 2,
      limit: 2,
    })
  })
})

describe('deactivation', () => {
  it('ends sessions, sockets and tokens at once, and reactivation lets them back in', async () => {
    await start()
    const { employee } = await hire({
      email: 'op@example.com',
      name: 'Op',
      role: 'operator',
      password: 'operator password 1',
    })
    const cookie = await relay.login('op@example.com', 'operator password 1')
    const token = (await call({ cookie }, 'POST', '/v1/admin/tokens', { name: 'mine' })).body
    // Operators cannot manage tokens; an admin makes one for themself to compare.
    expect(token.code).toBe('forbidden')
    const { socket } = await relay.operator({ cookie })
    const off = await call(
      { cookie: admin },
      'POST',
      `/v1/admin/employees/${employee.id}/deactivate`,
    )
    expect(off.status).toBe(200)
    expect(await socket.closed).toEqual({ code: 4001, reason: 'unauthorized' })
    expect((await call({ cookie }, 'GET', '/v1/auth/me')).status).toBe(401)
    expect(await loginStatus('op@example.com', 'operator password 1')).toBe(401)
    await call({ cookie: admin }, 'POST', `/v1/admin/employees/${employee.id}/reactivate`)
    expect(await loginStatus('op@example.com', 'operator password 1')).toBe(200)
  })

  it('stops an API token of a deactivated employee', async () => {
    await start()
    const { employee } = await hire({ kind: 'bot', name: 'Bot', role: 'operator' })
    const { token } = (
      await call({ cookie: admin }, 'POST', '/v1/admin/tokens', {
        name: 'b',
        employeeId: employee.id,
      })
    ).body
    const { socket } = await relay.operator({ apiToken: token })
    await call({ cookie: admin }, 'POST', `/v1/admin/employees/${employee.id}/deactivate`)
    expect((await socket.closed).code).toBe(4001)
    expect((await call({ token }, 'GET', '/v1/conversations')).status).toBe(401)
  })

  it('keeps the last active admin: no demotion, no deactivation', async () => {
    await start()
    const me = (await call({ cookie: admin }, 'GET', '/v1/auth/me')).body.operator
    const demote = await call({ cookie: admin }, 'PATCH', `/v1/admin/employees/${me.id}`, {
      role: 'operator',
    })
    expect(demote).toMatchObject({ status: 409, body: { code: 'last_admin' } })
    const off = await call({ cookie: admin }, 'POST', `/v1/admin/employees/${me.id}/deactivate`)
    expect(off).toMatchObject({ status: 409, body: { code: 'last_admin' } })
    expect((await call({ cookie: admin }, 'GET', '/v1/auth/me')).body.operator.role).toBe('admin')
    // With a second admin, the first may step down.
    await hire({ email: 'b@example.com', name: 'B', role: 'admin', password: 'second admin 1' })
    expect(
      (await call({ cookie: admin }, 'PATCH', `/v1/admin/employees/${me.id}`, { role: 'operator' }))
        .status,
    ).toBe(200)
    expect((await call({ cookie: admin }, 'GET', '/v1/admin/employees')).status).toBe(403)
  })
})

describe('bots', () => {
  it('acts through tokens made for it, never logs in and is never an operator online', async () => {
    await start()
    const { employee: bot } = await hire({
      kind: 'bot',
      name: 'Greeter',
      role: 'operator',
      position: 'Assistant',
    })
    expect(bot.email).toMatch(/@parley\.invalid$/)
    const made = await call({ cookie: admin }, 'POST', '/v1/admin/tokens', {
      name: 'greeter',
      employeeId: bot.id,
    })
    expect(made.status).toBe(201)
    const { socket, welcome } = await relay.operator({ apiToken: made.body.token })
    expect(welcome.operator).toMatchObject({ name: 'Greeter', position: 'Assistant' })
    const presence = await call({}, 'GET', '/v1/sites/shop/presence')
    expect(presence.body).toMatchObject({ operatorsOnline: 0, available: false })
    // A person's socket does count: the same relay, the same read.
    await relay.operator({ cookie: admin })
    expect((await call({}, 'GET', '/v1/sites/shop/presence')).body.operatorsOnline).toBe(1)
    socket.close()

    // A bot's token cannot have more than the bot's role grants.
    const wider = await call({ cookie: admin }, 'POST', '/v1/admin/tokens', {
      name: 'wider',
      employeeId: bot.id,
      scopes: ['employees:manage'],
    })
    expect(wider).toMatchObject({ status: 403, body: { code: 'forbidden' } })
    expect(wider.body.message).toContain('does not grant employees:manage')
  })

  it('refuses a token for another person, and a password or link for a bot', async () => {
    await start()
    const { employee: person } = await hire({ email: 'p@example.com', name: 'P', role: 'operator' })
    const forPerson = await call({ cookie: admin }, 'POST', '/v1/admin/tokens', {
      name: 'x',
      employeeId: person.id,
    })
    expect(forPerson).toMatchObject({ status: 403, body: { code: 'forbidden' } })
    const withPassword = await call({ cookie: admin }, 'POST', '/v1/admin/employees', {
      kind: 'bot',
      name: 'B',
      role: 'operator',
      password: 'bots have none',
    })
    expect(withPassword).toMatchObject({
      status: 400,
      body: { code: 'field_invalid', fields: [{ field: 'password', code: 'value_invalid' }] },
    })
    const { employee: bot } = await hire({ kind: 'bot', name: 'B', role: 'operator' })
    const link = await call(
      { cookie: admin },
      'POST',
      `/v1/admin/employees/${bot.id}/password-link`,
    )
    expect(link).toMatchObject({ status: 400, body: { code: 'field_invalid' } })
    const tokens = await call({ cookie: admin }, 'GET', '/v1/admin/tokens')
    expect(tokens.body.tokens).toEqual([])
  })
})

describe('changing an employee', () => {
  it('sets and clears a capacity and a position with null, never turning null into 0 or ""', async () => {
    await start()
    const { employee } = await hire({ email: 'c@example.com', name: 'C', role: 'operator' })
    const path = `/v1/admin/employees/${employee.id}`
    const set = await call({ cookie: admin }, 'PATCH', path, { capacity: 3, position: 'Support' })
    expect(set.body.employee).toMatchObject({ capacity: 3, position: 'Support' })
    const cleared = await call({ cookie: admin }, 'PATCH', path, { capacity: null, position: null })
    expect(cleared.status).toBe(200)
    expect(cleared.body.employee.capacity).toBeNull()
    expect(cleared.body.employee).not.toHaveProperty('position')
  })
})

describe('who may manage the team', () => {
  it('refuses every team route to operators, supervisors and anonymous callers', async () => {
    await start()
    const { employee: target } = await hire({ email: 't@example.com', name: 'T', role: 'operator' })
    const callers: [string, Auth, number][] = [['anonymous', {}, 401]]
    for (const role of ['operator', 'supervisor']) {
      await hire({ email: `${role}@example.com`, name: role, role, password: `${role} password` })
      callers.push([
        role,
        { cookie: await relay.login(`${role}@example.com`, `${role} password`) },
        403,
      ])
    }
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/admin/employees'],
      ['POST', '/v1/admin/employees', { email: 'n@example.com', name: 'N', role: 'admin' }],
      ['PATCH', `/v1/admin/employees/${target.id}`, { role: 'admin' }],
      ['POST', `/v1/admin/employees/${target.id}/deactivate`],
      ['POST', `/v1/admin/employees/${target.id}/reactivate`],
      ['POST', `/v1/admin/employees/${target.id}/password-link`],
    ]
    for (const [who, auth, status] of callers) {
      for (const [method, path, body] of routes) {
        const refused = await call(auth, method, path, body)
        expect(refused.status, `${who} ${method} ${path}`).toBe(status)
      }
    }
    const after = (await call({ cookie: admin }, 'GET', '/v1/admin/employees')).body.employees
    expect(after.map((e: { email: string }) => e.email)).toEqual([
      ADMIN.email,
      't@example.com',
      'operator@example.com',
      'supervisor@example.com',
    ])
    expect(after.find((e: { email: string }) => e.email === 't@example.com')).toMatchObject({
      role: 'operator',
      active: true,
    })
  })
})
