import { ERROR_CODES, type ErrorCode } from '@parley/protocol'
import { expect } from 'vitest'
import { TEMPLATE } from '../../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../../testing/relay.ts'
import { createScenario } from '../../../testing/scenarios.ts'
import { type Frame, ofType, type TestSocket } from '../../../testing/ws-client.ts'

/** How a caller proves who it is: a session cookie, an API token, or nothing. */
export interface Auth {
  cookie?: string
  token?: string
}

export interface Reply {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: replies in tests are read field by field
  body: any
  text: string
}

/** A REST call as `auth`; a `FormData` body goes as multipart, anything else as JSON. */
export async function request(
  relay: TestRelay,
  auth: Auth,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply> {
  const json = body !== undefined && !(body instanceof FormData)
  const response = await relay.fetch(path, {
    method,
    headers: {
      ...(auth.cookie && { cookie: auth.cookie }),
      ...(auth.token && { authorization: `Bearer ${auth.token}` }),
      ...(json && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : json ? JSON.stringify(body) : (body as FormData),
  })
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    parsed = undefined
  }
  return { status: response.status, body: parsed, text }
}

export interface Person {
  id: string
  name: string
  cookie: string
}

/** A visitor's chat: their socket and the conversation it opened. */
export interface Chat {
  visitor: TestSocket
  id: string
}

/**
 * What the access suite walks: groups Alpha (supervisor S, operator O1; capacity 1) and Beta
 * (operator O2) on `shop`, whose default group is empty; C1 in Alpha assigned to O1, C2
 * waiting in Alpha (O1 is full, S paused), C3 in Beta assigned to O2. Besides, targets the
 * admin's allowed writes may use up: employee Temp, groups Spare and Doomed and scenarios
 * Kept and Doomed on `other`, a token to revoke.
 */
export interface World {
  relay: TestRelay
  admin: Person
  s: Person
  o1: Person
  o2: Person
  temp: Person
  groups: { alpha: string; beta: string; spare: string; doomed: string }
  scenarios: { alpha: string; beta: string; kept: string; doomed: string }
  /** Canned responses shared with Alpha: one the walk changes, one it deletes. */
  canned: { kept: string; doomed: string }
  tokens: {
    /** The admin's, scopes `conversations:read` + `conversations:read_all`: sees all, writes nothing. */
    reader: string
    /** The admin's, scope `conversations:read` alone. */
    narrow: string
    /** The admin's, scope `sites:manage` alone: no conversation at all. */
    sites: string
    /** The id of a token the walk revokes. */
    doomedId: string
  }
  /** Webhook endpoints (to nothing listening): one the walk changes, one it deletes, a delivery of the first. */
  webhooks: { kept: string; doomed: string; delivery: string }
  /** Telegram contact points (no public URL: nothing is registered): one changed, one deleted. */
  contactPoints: { kept: string; doomed: string }
  sockets: { o1: TestSocket; s: TestSocket; o2: TestSocket }
  c1: Chat
  c2: Chat
  c3: Chat
  /** A file stored in each chat (a messenger visitor's photo). */
  attachments: { c1: string; c2: string; c3: string }
  /** What each visitor wrote: no refusal may carry any of it. */
  texts: string[]
}

export const TEXTS = {
  c1: 'Alpha secret: order 4711 for Mrs Brown',
  c2: 'Alpha waiting: is the samovar in stock?',
  c3: 'Beta secret: refund for order 9001',
}

export const about = (conversationId: string) => (f: Frame) =>
  f.conversationId === conversationId || f.conversation?.id === conversationId

const assignedTo = (conversationId: string, operatorId: string) =>
  ofType(
    'conversation',
    (f) => f.conversation.id === conversationId && f.conversation.operator?.id === operatorId,
  )

export async function buildWorld(): Promise<World> {
  const relay = await injectRelay({
    // `other` takes forms (they need an agreement); `shop` has none.
    sites: [{ id: 'shop' }, { id: 'other', agreement: TEMPLATE }],
    // The suite sends every frame type in a row, each followed by a `none` barrier's ping.
    rateLimit: { burst: 1000, perSecond: 1000 },
    webhooks: { allowPrivateNetworks: ['127.0.0.1'] },
    channels: { secretKey: 'e'.repeat(64) },
  })
  const adminCookie = await relay.login()
  const me = await request(relay, { cookie: adminCookie }, 'GET', '/v1/auth/me')
  const admin: Person = { id: me.body.operator.id, name: 'Admin', cookie: adminCookie }
  const as = { cookie: adminCookie }
  const ok = async (method: string, path: string, body: unknown, status: number) => {
    const reply = await request(relay, as, method, path, body)
    expect(reply.status, `${method} ${path}: ${reply.text}`).toBe(status)
    return reply.body
  }

  const hire = async (name: string, role: string): Promise<Person> => {
    const email = `${name.toLowerCase()}@example.com`
    const password = `${name} password 1`
    const { employee } = await ok(
      'POST',
      '/v1/admin/employees',
      { email, name, role, password },
      201,
    )
    return { id: employee.id, name, cookie: await relay.login(email, password) }
  }
  const s = await hire('Sue', 'supervisor')
  const o1 = await hire('Oleg', 'operator')
  const o2 = await hire('Olga', 'operator')
  const temp = await hire('Temp', 'operator')

  const group = async (site: string, name: string, members: string[], capacity = 5) =>
    (await ok('POST', `/v1/admin/sites/${site}/groups`, { name, members, capacity }, 201)).group
      .id as string
  const { groups } = await ok('GET', '/v1/admin/sites/shop/groups', undefined, 200)
  const general = groups.find((g: { isDefault: boolean }) => g.isDefault).id
  await ok('PATCH', `/v1/admin/groups/${general}`, { members: [] }, 200)
  const alpha = await group('shop', 'Alpha', [o1.id, s.id], 1)
  const beta = await group('shop', 'Beta', [o2.id])
  const spare = await group('other', 'Spare', [])
  const doomed = await group('other', 'Doomed', [])

  const scenarios = {
    alpha: (await createScenario(relay, adminCookie, { routing: { group: 'alpha' } })).id,
    beta: (await createScenario(relay, adminCookie, { routing: { group: 'beta' } })).id,
    kept: (await createScenario(relay, adminCookie, { name: 'Kept' }, 'other')).id,
    doomed: (await createScenario(relay, adminCookie, { name: 'Doomed' }, 'other')).id,
  }

  const shared = async (shortcut: string) =>
    (await ok('POST', '/v1/canned', { shortcut, text: `Alpha ${shortcut}`, groupId: alpha }, 201))
      .response.id as string
  const canned = { kept: await shared('kept'), doomed: await shared('doomed') }

  const token = async (name: string, scopes: string[]) =>
    (await ok('POST', '/v1/admin/tokens', { name, scopes }, 201)) as { id: string; token: string }
  const reader = await token('reader', ['conversations:read', 'conversations:read_all'])
  const narrow = await token('narrow', ['conversations:read'])
  const sitesOnly = await token('sites', ['sites:manage'])
  const doomedToken = await token('doomed', ['conversations:read'])

  const hook = async (description: string) =>
    (
      await ok(
        'POST',
        '/v1/admin/webhooks',
        { url: 'http://127.0.0.1:9/hook', events: ['conversation.created'], description },
        201,
      )
    ).endpoint.id as string
  const webhooks = { kept: await hook('Kept'), doomed: await hook('Doomed'), delivery: '' }
  webhooks.delivery = (
    await ok('POST', `/v1/admin/webhooks/${webhooks.kept}/test`, undefined, 202)
  ).delivery.id

  const point = async (name: string) =>
    (
      await ok(
        'POST',
        '/v1/admin/contact-points',
        { kind: 'telegram', siteId: 'shop', name, credentials: { token: `1:${name}` } },
        201,
      )
    ).contactPoint.id as string
  const contactPoints = { kept: await point('Kept'), doomed: await point('Doomed') }

  const online = async (person: Person) => {
    const { socket } = await relay.operator({ cookie: person.cookie })
    await socket.next(ofType('status', (f) => f.status === 'online'))
    return socket
  }
  const sockets = { o1: await online(o1), s: await online(s), o2: await online(o2) }
  // Sue is paused: she sees Alpha's chats but is given none, so C2 waits.
  sockets.s.send({ t: 'status', cid: 'pause', status: 'pause' })
  await sockets.s.next(ofType('status', (f) => f.status === 'pause'))

  const chat = async (text: string, scenarioId: string): Promise<Chat> => {
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text, scenarioId })
    const { conversationId } = await socket.next(ofType('ack'))
    return { visitor: socket, id: conversationId }
  }
  const c1 = await chat(TEXTS.c1, scenarios.alpha)
  await sockets.o1.next(assignedTo(c1.id, o1.id))
  const c2 = await chat(TEXTS.c2, scenarios.alpha)
  await c2.visitor.next(ofType('queue', (f) => f.conversationId === c2.id && f.position === 1))
  const c3 = await chat(TEXTS.c3, scenarios.beta)
  await sockets.o2.next(assignedTo(c3.id, o2.id))

  const attachments = { c1: 'a-walk-c1', c2: 'a-walk-c2', c3: 'a-walk-c3' }
  for (const [target, chatOf] of [
    ['c1', c1],
    ['c2', c2],
    ['c3', c3],
  ] as const) {
    await relay.app.db.transaction((tx) =>
      relay.stores.attachments.put(tx, {
        id: attachments[target],
        siteId: 'shop',
        conversationId: chatOf.id,
        eventId: `e-walk-${target}`,
        name: `${target}.png`,
        contentType: 'image/png',
        size: 8,
        data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        createdAt: 1,
      }),
    )
  }

  return {
    relay,
    admin,
    s,
    o1,
    o2,
    temp,
    groups: { alpha, beta, spare, doomed },
    scenarios,
    canned,
    tokens: {
      reader: reader.token,
      narrow: narrow.token,
      sites: sitesOnly.token,
      doomedId: doomedToken.id,
    },
    webhooks,
    contactPoints,
    sockets,
    c1,
    c2,
    c3,
    attachments,
    texts: Object.values(TEXTS),
  }
}

/**
 * Everything an admin can read that a refused call could have changed: the team, tokens,
 * groups, sites, scenarios, and each conversation with its events and routing log.
 */
export async function snapshot(world: World): Promise<Record<string, unknown>> {
  const as = { cookie: world.admin.cookie }
  const paths = [
    '/v1/admin/employees',
    '/v1/admin/tokens',
    '/v1/admin/webhooks',
    '/v1/conversations',
    '/v1/canned',
    ...['shop', 'other'].flatMap((site) => [
      `/v1/admin/sites/${site}`,
      `/v1/admin/sites/${site}/groups`,
      `/v1/admin/sites/${site}/scenarios`,
    ]),
    ...[world.c1, world.c2, world.c3].flatMap(({ id }) => [
      `/v1/conversations/${id}/events`,
      `/v1/conversations/${id}/routing`,
    ]),
  ]
  const state: Record<string, unknown> = {}
  for (const path of paths) {
    const reply = await request(world.relay, as, 'GET', path)
    expect(reply.status, path).toBe(200)
    state[path] = reply.body
  }
  return state
}

/** The events of a conversation as the admin reads them. */
export async function eventsOf(world: World, conversationId: string): Promise<Frame[]> {
  const reply = await request(
    world.relay,
    { cookie: world.admin.cookie },
    'GET',
    `/v1/conversations/${conversationId}/events`,
  )
  return reply.body.events
}

/** Frames a socket got about a conversation, leaving out the errors its own frames earned. */
export const heardOf = (socket: TestSocket, conversationId: string) =>
  socket.frames.filter((f) => f.t !== 'error' && about(conversationId)(f))

/** A refusal says what and why, nothing else: no other field, no visitor's text. */
export function expectBareRefusal(world: World, reply: Reply, code: ErrorCode, what: string) {
  expect({ status: reply.status, code: reply.body?.code }, what).toEqual({
    status: ERROR_CODES[code].status,
    code,
  })
  expect(Object.keys(reply.body).sort(), what).toEqual(['code', 'message'])
  for (const text of world.texts) expect(reply.text, what).not.toContain(text)
}

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read field by field
export type OpenApiDocument = { paths: Record<string, Record<string, any>> }

/** The relay's own OpenAPI document, as anyone may read it. */
export async function openapi(world: World): Promise<OpenApiDocument> {
  const reply = await request(world.relay, {}, 'GET', '/v1/openapi.json')
  expect(reply.status).toBe(200)
  return reply.body
}

/** `METHOD /path` of every operation the document lists. */
export function operations(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
  )
}

/** The statuses the document gives for `METHOD /path`. */
export function documentedStatuses(document: OpenApiDocument, operation: string): string[] {
  const [method, path] = operation.split(' ') as [string, string]
  return Object.keys(document.paths[path]?.[method.toLowerCase()]?.responses ?? {})
}
