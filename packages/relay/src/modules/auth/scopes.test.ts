import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
let cookie: string
beforeEach(async () => {
  relay = await injectRelay()
  cookie = await relay.login()
})
afterEach(async () => {
  await relay.close()
})

const call = (
  auth: { cookie?: string; token?: string },
  method: string,
  path: string,
  body?: unknown,
) =>
  relay.fetch(path, {
    method,
    headers: {
      ...(auth.cookie ? { cookie: auth.cookie } : {}),
      ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

async function token(scopes?: string[], as = { cookie }): Promise<string> {
  const response = await call(as, 'POST', '/v1/admin/tokens', { name: 'bot', scopes })
  expect(response.status).toBe(201)
  return ((await response.json()) as { token: string }).token
}

async function tokenNames(): Promise<string[]> {
  const listed = (await (await call({ cookie }, 'GET', '/v1/admin/tokens')).json()) as {
    tokens: { name: string }[]
  }
  return listed.tokens.map((t) => t.name)
}

describe('API token scopes', () => {
  it('gives a token made without scopes only what an answering bot needs', async () => {
    const created = await call({ cookie }, 'POST', '/v1/admin/tokens', { name: 'bot' })
    const { token: bot, scopes } = (await created.json()) as { token: string; scopes: string[] }
    expect(scopes).toEqual(['conversations:read', 'conversations:reply'])

    const { socket: visitor } = await relay.visitor()
    visitor.send({ t: 'send', cid: 'v1', text: 'hi' })
    const { conversationId } = await visitor.next(ofType('ack'))
    const { socket } = await relay.operator({ apiToken: bot })
    socket.send({ t: 'send', cid: 'o1', conversationId, text: 'hello from the bot' })
    expect(await socket.next(ofType('ack'))).toMatchObject({ cid: 'o1', seq: 2 })
    expect((await call({ token: bot }, 'GET', '/v1/conversations')).status).toBe(200)

    // Admin routes are refused though the token's creator is an admin.
    for (const [method, path, body] of [
      ['GET', '/v1/admin/employees'],
      ['GET', '/v1/admin/tokens'],
      ['POST', '/v1/admin/tokens', { name: 'more' }],
      ['GET', '/v1/admin/sites/shop'],
      ['PUT', '/v1/admin/sites/shop', { name: 'Taken over' }],
      ['GET', '/v1/admin/sites/shop/scenarios'],
    ] as const) {
      const refused = await call({ token: bot }, method, path, body)
      expect(refused.status, `${method} ${path}`).toBe(403)
      expect(await refused.json()).toMatchObject({ code: 'forbidden' })
    }
    expect(await tokenNames()).toEqual(['bot'])
    const site = (await (await call({ cookie }, 'GET', '/v1/admin/sites/shop')).json()) as {
      name: string
    }
    expect(site.name).not.toBe('Taken over')
  })

  it('refuses frames a read-only token may not send, and stores nothing', async () => {
    const readOnly = await token(['conversations:read'])
    const { socket: visitor } = await relay.visitor()
    visitor.send({ t: 'send', cid: 'v1', text: 'hi' })
    const { conversationId } = await visitor.next(ofType('ack'))
    const { socket } = await relay.operator({ apiToken: readOnly })
    socket.send({ t: 'send', cid: 'o1', conversationId, text: 'not allowed' })
    expect(await socket.next(ofType('error'))).toMatchObject({
      code: 'forbidden',
      message: 'send needs the conversations:reply permission',
    })
    socket.send({ t: 'close', cid: 'o2', conversationId })
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'forbidden' })
    const events = (await (
      await call({ token: readOnly }, 'GET', `/v1/conversations/${conversationId}/events`)
    ).json()) as { events: { text: string }[] }
    expect(events.events.map((e) => e.text)).toEqual(['hi'])
  })

  it('refuses the operator socket to a token without conversations:read, with 4003', async () => {
    const sitesOnly = await token(['sites:manage'])
    const socket = await relay.socket('/v1/operator')
    socket.send({ t: 'hello', v: PROTOCOL_VERSION, apiToken: sitesOnly })
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'forbidden' })
    expect((await socket.closed).code).toBe(4003)
    expect((await call({ token: sitesOnly }, 'GET', '/v1/admin/sites/shop')).status).toBe(200)
    expect((await call({ token: sitesOnly }, 'GET', '/v1/conversations')).status).toBe(403)
  })

  it('never lets a token make a token that can do more than itself', async () => {
    const tokenMaker = await token(['tokens:manage'])
    const wider = await call({ token: tokenMaker }, 'POST', '/v1/admin/tokens', {
      name: 'wider',
      scopes: ['employees:manage'],
    })
    expect(wider.status).toBe(403)
    expect(await wider.json()).toMatchObject({
      code: 'forbidden',
      message: 'You do not have employees:manage, so a token you create cannot have it',
    })
    // Without scopes it would get the default, which it does not have either.
    const implicit = await call({ token: tokenMaker }, 'POST', '/v1/admin/tokens', { name: 'x' })
    expect(implicit.status).toBe(403)
    expect(await tokenNames()).toEqual(['bot'])
  })

  it('refuses scopes beyond the role and unknown scopes, creating nothing', async () => {
    await call({ cookie }, 'POST', '/v1/admin/employees', {
      email: 'lead@example.com',
      name: 'Lead',
      role: 'supervisor',
      password: 'supervisor password 1',
    })
    const lead = await relay.login('lead@example.com', 'supervisor password 1')
    // Supervisors cannot manage tokens at all.
    expect((await call({ cookie: lead }, 'POST', '/v1/admin/tokens', { name: 's' })).status).toBe(
      403,
    )
    const unknown = await call({ cookie }, 'POST', '/v1/admin/tokens', {
      name: 'typo',
      scopes: ['conversations:write'],
    })
    expect(unknown.status).toBe(400)
    expect(await unknown.json()).toMatchObject({ code: 'bad_request' })
    expect(await tokenNames()).toEqual([])
  })

  it('narrows a token when its creator is demoted', async () => {
    const created = await call({ cookie }, 'POST', '/v1/admin/employees', {
      email: 'second@example.com',
      name: 'Second admin',
      role: 'admin',
      password: 'second admin password',
    })
    const { employee } = (await created.json()) as { employee: { id: string } }
    const second = await relay.login('second@example.com', 'second admin password')
    const theirs = await token(['employees:manage', 'conversations:read'], { cookie: second })
    expect((await call({ token: theirs }, 'GET', '/v1/admin/employees')).status).toBe(200)
    const demoted = await call({ cookie }, 'PATCH', `/v1/admin/employees/${employee.id}`, {
      role: 'operator',
    })
    expect(demoted.status).toBe(200)
    expect((await call({ token: theirs }, 'GET', '/v1/admin/employees')).status).toBe(403)
    expect((await call({ token: theirs }, 'GET', '/v1/conversations')).status).toBe(200)
  })

  it('lets a token made before scopes act with its role, listed with scopes null', async () => {
    const admin = await relay.app.employees.getByEmail('admin@example.com')
    await relay.app.db.transaction((tx) =>
      relay.stores.auth.createApiToken(tx, {
        id: 't_old',
        name: 'old',
        employeeId: admin!.id,
        scopes: null,
        createdAt: 1,
        tokenHash: 'unused',
      }),
    )
    const listed = (await (await call({ cookie }, 'GET', '/v1/admin/tokens')).json()) as {
      tokens: { id: string; scopes: unknown }[]
    }
    expect(listed.tokens).toEqual([expect.objectContaining({ id: 't_old', scopes: null })])
  })
})
