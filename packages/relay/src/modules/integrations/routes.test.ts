import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONSENT, FORM_SITES, MONDAY_NOON_MSK } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType, type TestSocket } from '../../testing/ws-client.ts'

let relay: TestRelay
let cookie: string
let now: number
beforeEach(async () => {
  now = MONDAY_NOON_MSK
  relay = await injectRelay({
    sites: FORM_SITES,
    now: () => now,
    rateLimit: { burst: 1000, perSecond: 1000 },
  })
  cookie = await relay.login()
})
afterEach(async () => {
  await relay.close()
})

interface Auth {
  cookie?: string
  token?: string
}

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
  // biome-ignore lint/suspicious/noExplicitAny: replies in tests are read field by field
  return { status: response.status, body: (await response.json()) as any }
}

async function token(scopes: string[], as: Auth = { cookie }): Promise<string> {
  const created = await call(as, 'POST', '/v1/admin/tokens', { name: 'crm', scopes })
  expect(created.status).toBe(201)
  return created.body.token
}

/** A visitor's chat opened at `at` (the relay's clock), with its socket. */
async function chat(text: string, at: number): Promise<{ id: string; socket: TestSocket }> {
  now = at
  const { socket } = await relay.visitor()
  socket.send({ t: 'send', cid: text, text })
  const ack = await socket.next(ofType('ack'))
  return { id: ack.conversationId as string, socket }
}

/** Every item of a list, walked page by page; the cursors it met, in order. */
async function walk(auth: Auth, path: string, limit: number) {
  const items: { id: string }[] = []
  const pages: number[] = []
  let cursor: string | null = null
  do {
    const sep = path.includes('?') ? '&' : '?'
    const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`
    const page = await call(auth, 'GET', url)
    expect(page.status, JSON.stringify(page.body)).toBe(200)
    items.push(...page.body.items)
    pages.push(page.body.items.length)
    cursor = page.body.nextCursor
  } while (cursor !== null)
  return { ids: items.map((i) => i.id), pages }
}

describe('paginated lists for integrations', () => {
  it('walks conversations oldest update first with opaque cursors, ending with a null cursor', async () => {
    const a = await chat('a', now + 10)
    const b = await chat('b', now + 20)
    const c = await chat('c', now + 30)
    const { ids, pages } = await walk({ cookie }, '/v1/integrations/conversations', 2)
    expect(ids).toEqual([a.id, b.id, c.id])
    expect(pages).toEqual([2, 1])
  })

  it('lists a conversation written during the walk again at its end, skipping none', async () => {
    const a = await chat('a', now + 10)
    const b = await chat('b', now + 20)
    const c = await chat('c', now + 30)
    const first = await call({ cookie }, 'GET', '/v1/integrations/conversations?limit=1')
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([a.id])
    // A is answered again after the first page was read: it moves behind C.
    now += 100
    a.socket.send({ t: 'send', cid: 'a2', conversationId: a.id, text: 'still there?' })
    await a.socket.next(ofType('ack', (f) => f.cid === 'a2'))
    const rest = await call(
      { cookie },
      'GET',
      `/v1/integrations/conversations?cursor=${first.body.nextCursor}`,
    )
    expect(rest.body.items.map((i: { id: string }) => i.id)).toEqual([b.id, c.id, a.id])
    expect(rest.body.nextCursor).toBeNull()
  })

  it('filters by updatedSince, status and channel', async () => {
    const start = now
    const a = await chat('a', start + 10)
    const b = await chat('b', start + 20)
    now = start + 30
    const { socket } = await relay.visitor()
    socket.send({
      t: 'callback',
      cid: 'cb',
      name: 'Anna',
      phone: '89161234567',
      when: 'asap',
      consent: CONSENT,
    })
    const callback = (await socket.next(ofType('ack'))).conversationId
    // Closed later than the callback came: no two rows share a time, so the order is certain.
    now = start + 40
    const { socket: operator } = await relay.operator()
    operator.send({ t: 'close', cid: 'x', conversationId: a.id })
    await operator.next(ofType('ack', (f) => f.cid === 'x'))
    const ids = async (query: string) =>
      (await call({ cookie }, 'GET', `/v1/integrations/conversations?${query}`)).body.items.map(
        (i: { id: string }) => i.id,
      )
    expect(await ids(`updatedSince=${start + 20}`)).toEqual([b.id, callback, a.id])
    expect(await ids('status=closed')).toEqual([a.id])
    expect(await ids('channel=callback')).toEqual([callback])
    expect(await ids('channel=chat&status=open')).toEqual([b.id])
    expect(await ids('siteId=other')).toEqual([])
  })

  it('refuses a cursor it did not give, and a limit past the maximum, with their codes', async () => {
    await chat('a', now + 1)
    const forged = Buffer.from(JSON.stringify(['x', 1])).toString('base64url')
    for (const cursor of ['not-a-cursor', forged]) {
      const reply = await call({ cookie }, 'GET', `/v1/integrations/conversations?cursor=${cursor}`)
      expect(reply).toMatchObject({ status: 400, body: { code: 'cursor_invalid' } })
    }
    const tooMany = await call({ cookie }, 'GET', '/v1/integrations/messages?limit=201')
    expect(tooMany).toMatchObject({ status: 400, body: { code: 'bad_request' } })
  })

  it('lists messages across conversations by time, or of one conversation', async () => {
    const a = await chat('first', now + 10)
    const b = await chat('second', now + 20)
    now += 30
    a.socket.send({ t: 'send', cid: 'third', conversationId: a.id, text: 'third' })
    await a.socket.next(ofType('ack', (f) => f.cid === 'third'))
    const texts = async (query: string) =>
      (await call({ cookie }, 'GET', `/v1/integrations/messages?${query}`)).body.items.map(
        (m: { text: string }) => m.text,
      )
    expect(await texts('')).toEqual(['first', 'second', 'third'])
    expect(await texts(`conversationId=${a.id}`)).toEqual(['first', 'third'])
    expect(await texts(`conversationId=${b.id}`)).toEqual(['second'])
    const { pages } = await walk({ cookie }, '/v1/integrations/messages', 1)
    // One row more than a page is read, so the last page already knows it is the last.
    expect(pages).toEqual([1, 1, 1])
  })

  it('lists leads: a callback, an offline message and a chat whose visitor left a contact', async () => {
    await chat('no contact', now + 1)
    now += 10
    const { socket } = await relay.visitor()
    socket.send({
      t: 'callback',
      cid: 'cb',
      name: 'Anna',
      phone: '8 916 123-45-67',
      when: 'asap',
      comment: 'After six',
      consent: CONSENT,
    })
    const callback = (await socket.next(ofType('ack', (f) => f.cid === 'cb'))).conversationId
    now += 10
    socket.send({
      t: 'offline',
      cid: 'off',
      name: 'Boris',
      email: 'boris@example.com',
      text: 'Price of the red one?',
      consent: CONSENT,
    })
    const offline = (await socket.next(ofType('ack', (f) => f.cid === 'off'))).conversationId
    now += 10
    const { socket: other } = await relay.visitor()
    other.send({
      t: 'prechat',
      cid: 'pc',
      name: 'Vera',
      email: 'vera@example.com',
      consent: CONSENT,
    })
    await other.next(ofType('ack', (f) => f.cid === 'pc'))
    other.send({ t: 'send', cid: 'hi', text: 'Hello' })
    const contactChat = (await other.next(ofType('ack', (f) => f.cid === 'hi'))).conversationId

    const leads = await call({ cookie }, 'GET', '/v1/integrations/leads')
    expect(leads.status).toBe(200)
    expect(leads.body.items).toEqual([
      expect.objectContaining({
        id: callback,
        kind: 'callback',
        name: 'Anna',
        phone: '+79161234567',
        message: 'After six',
        when: 'asap',
        status: 'open',
      }),
      expect.objectContaining({
        id: offline,
        kind: 'offline',
        name: 'Boris',
        email: 'boris@example.com',
        message: 'Price of the red one?',
      }),
      expect.objectContaining({
        id: contactChat,
        kind: 'chat-contact',
        name: 'Vera',
        email: 'vera@example.com',
      }),
    ])
    const offlineOnly = await call({ cookie }, 'GET', '/v1/integrations/leads?channel=offline')
    expect(offlineOnly.body.items.map((l: { id: string }) => l.id)).toEqual([offline])
  })

  it('lists visitor profiles page by page', async () => {
    for (const [i, name] of ['Anna', 'Boris', 'Vera'].entries()) {
      now = MONDAY_NOON_MSK + i * 10
      const { socket } = await relay.visitor()
      socket.send({
        t: 'prechat',
        cid: 'pc',
        name,
        email: `${name.toLowerCase()}@example.com`,
        consent: CONSENT,
      })
      await socket.next(ofType('ack'))
    }
    const reply = await call({ cookie }, 'GET', '/v1/integrations/visitors?limit=2')
    expect(reply.body.items.map((v: { name: string }) => v.name)).toEqual(['Anna', 'Boris'])
    expect(reply.body.items[0]).toMatchObject({
      siteId: 'shop',
      verified: false,
      email: 'anna@example.com',
    })
    const next = await call(
      { cookie },
      'GET',
      `/v1/integrations/visitors?cursor=${reply.body.nextCursor}`,
    )
    expect(next.body).toEqual({
      items: [expect.objectContaining({ name: 'Vera' })],
      nextCursor: null,
    })
  })
})

describe('scopes of the integration API', () => {
  it('refuses each list without its scope (forbidden) and anonymous callers (unauthorized)', async () => {
    const readOnly = await token(['conversations:read'])
    const leadsOnly = await token(['leads:read'])
    const expectations: [Auth, string, number, string?][] = [
      [{}, '/v1/integrations/conversations', 401, 'unauthorized'],
      [{}, '/v1/integrations/leads', 401, 'unauthorized'],
      [{ token: readOnly }, '/v1/integrations/conversations', 200],
      [{ token: readOnly }, '/v1/integrations/messages', 200],
      [{ token: readOnly }, '/v1/integrations/leads', 403, 'forbidden'],
      [{ token: readOnly }, '/v1/integrations/visitors', 403, 'forbidden'],
      [{ token: leadsOnly }, '/v1/integrations/leads', 200],
      [{ token: leadsOnly }, '/v1/integrations/conversations', 403, 'forbidden'],
      [{ token: leadsOnly }, '/v1/integrations/messages', 403, 'forbidden'],
    ]
    for (const [auth, path, status, code] of expectations) {
      const reply = await call(auth, 'GET', path)
      expect(reply.status, `${JSON.stringify(auth)} ${path}`).toBe(status)
      if (code) expect(reply.body.code).toBe(code)
    }
    const leadsRefusal = await call({ token: readOnly }, 'GET', '/v1/integrations/leads')
    expect(leadsRefusal.body.message).toContain('leads:read')
  })

  it('grants supervisors leads but not visitor profiles, and lets nobody make a key beyond their role', async () => {
    const created = await call({ cookie }, 'POST', '/v1/admin/employees', {
      email: 'sue@example.com',
      name: 'Sue',
      role: 'supervisor',
      password: 'supervisor password 1',
    })
    expect(created.status).toBe(201)
    const sue = { cookie: await relay.login('sue@example.com', 'supervisor password 1') }
    expect((await call(sue, 'GET', '/v1/integrations/leads')).status).toBe(200)
    expect(await call(sue, 'GET', '/v1/integrations/visitors')).toMatchObject({
      status: 403,
      body: { code: 'forbidden' },
    })
    // A bot with the operator role cannot be given a key that posts from outside.
    const bot = await call({ cookie }, 'POST', '/v1/admin/employees', {
      kind: 'bot',
      name: 'Bot',
      role: 'operator',
    })
    const refused = await call({ cookie }, 'POST', '/v1/admin/tokens', {
      name: 'bot key',
      employeeId: bot.body.employee?.id ?? bot.body.id,
      scopes: ['messages:write'],
    })
    expect(refused).toMatchObject({ status: 403, body: { code: 'forbidden' } })
  })

  it('shows a token only the conversations, messages and leads its employee may see', async () => {
    await call({ cookie }, 'POST', '/v1/admin/employees', {
      email: 'olga@example.com',
      name: 'Olga',
      role: 'operator',
      password: 'operator password 1',
    })
    const olga = await relay.operator({
      cookie: await relay.login('olga@example.com', 'operator password 1'),
    })
    olga.socket.send({ t: 'status', cid: 's', status: 'online' })
    await olga.socket.next(ofType('ack', (f) => f.cid === 's'))
    const { socket } = await relay.visitor()
    socket.send({ t: 'prechat', cid: 'pc', name: 'Anna', phone: '89161234567', consent: CONSENT })
    await socket.next(ofType('ack', (f) => f.cid === 'pc'))
    socket.send({ t: 'send', cid: 'hi', text: 'Hello' })
    const assigned = (await socket.next(ofType('ack', (f) => f.cid === 'hi')))
      .conversationId as string
    await olga.socket.next(ofType('conversation', (f) => f.conversation.operator?.name === 'Olga'))
    const summary = await relay.app.conversations.get(assigned)
    expect(summary?.operator?.name).toBe('Olga')

    // The admin's key without `conversations:read_all` sees what an admin in no seat of it would.
    const narrow = await token(['conversations:read', 'leads:read'])
    const wide = await token(['conversations:read', 'conversations:read_all', 'leads:read'])
    const ids = async (auth: Auth, path: string) =>
      (await call(auth, 'GET', path)).body.items.map(
        (i: { id?: string; conversationId?: string }) => i.conversationId ?? i.id,
      )
    expect(await ids({ token: wide }, '/v1/integrations/conversations')).toEqual([assigned])
    expect(await ids({ token: wide }, '/v1/integrations/leads')).toEqual([assigned])
    expect(await ids({ token: narrow }, '/v1/integrations/conversations')).toEqual([])
    expect(await ids({ token: narrow }, '/v1/integrations/leads')).toEqual([])
    expect(await ids({ token: narrow }, '/v1/integrations/messages')).toEqual([])
    expect(
      await call({ token: narrow }, 'GET', `/v1/integrations/messages?conversationId=${assigned}`),
    ).toMatchObject({ status: 404, body: { code: 'conversation_not_found' } })
  })
})

describe('POST /v1/conversations/:id/messages', () => {
  it("posts as the key's employee, live to the visitor and operators, once per cid", async () => {
    const { id, socket: visitor } = await chat('hello', now + 1)
    const { socket: console } = await relay.operator()
    const key = await token(['messages:write'])
    const posted = await call({ token: key }, 'POST', `/v1/conversations/${id}/messages`, {
      cid: 'crm-1',
      text: 'We have it in red',
    })
    expect(posted).toMatchObject({
      status: 201,
      body: { cid: 'crm-1', conversationId: id, seq: 2, at: now },
    })
    const event = await visitor.next(ofType('event', (f) => f.seq === 2))
    expect(event).toMatchObject({
      text: 'We have it in red',
      author: { kind: 'operator', name: 'Admin' },
    })
    expect(await console.next(ofType('event', (f) => f.seq === 2))).toMatchObject({
      id: posted.body.id,
    })

    const again = await call({ token: key }, 'POST', `/v1/conversations/${id}/messages`, {
      cid: 'crm-1',
      text: 'We have it in red',
    })
    expect(again).toEqual(posted)
    const history = await call({ cookie }, 'GET', `/v1/conversations/${id}/events`)
    expect(history.body.events.map((e: { text: string }) => e.text)).toEqual([
      'hello',
      'We have it in red',
    ])
  })

  it('takes a conversation waiting in your group only when you could take it on the socket', async () => {
    // The visitor's chat waits in the default group, which has the admin; nobody is online.
    const { id } = await chat('hello', now + 1)
    const key = await token(['messages:write'])
    const post = (cid: string) =>
      call({ token: key }, 'POST', `/v1/conversations/${id}/messages`, { cid, text: 'Hi' })
    expect(await post('away')).toMatchObject({
      status: 409,
      body: { code: 'operator_unavailable' },
    })
    expect((await relay.app.conversations.get(id))?.operator).toBeUndefined()
    const { socket } = await relay.operator()
    socket.send({ t: 'status', cid: 's', status: 'online' })
    await socket.next(ofType('ack', (f) => f.cid === 's'))
    expect((await post('online')).status).toBe(201)
    expect((await relay.app.conversations.get(id))?.operator?.name).toBe('Admin')
  })

  it('refuses with a code and stores nothing: no scope, not visible, closed, empty text, anonymous', async () => {
    const { id } = await chat('hello', now + 1)
    const readOnly = await token(['conversations:read', 'conversations:reply'])
    const post = (auth: Auth, text = 'From a CRM', conversation = id) =>
      call(auth, 'POST', `/v1/conversations/${conversation}/messages`, { cid: 'c', text })
    expect(await post({})).toMatchObject({ status: 401, body: { code: 'unauthorized' } })
    const noScope = await post({ token: readOnly })
    expect(noScope).toMatchObject({ status: 403, body: { code: 'forbidden' } })
    expect(noScope.body.message).toContain('messages:write')
    const key = await token(['messages:write'])
    expect(await post({ token: key }, '   ')).toMatchObject({
      status: 400,
      body: { code: 'text_empty' },
    })
    expect(await post({ token: key }, 'x', 'no-such')).toMatchObject({
      status: 404,
      body: { code: 'conversation_not_found' },
    })
    const { socket: operator } = await relay.operator()
    operator.send({ t: 'close', cid: 'x', conversationId: id })
    await operator.next(ofType('ack', (f) => f.cid === 'x'))
    expect(await post({ token: key })).toMatchObject({
      status: 409,
      body: { code: 'conversation_closed' },
    })
    const history = await call({ cookie }, 'GET', `/v1/conversations/${id}/events`)
    expect(history.body.events.map((e: { kind: string }) => e.kind)).toEqual(['message', 'system'])
  })
})
