import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONSENT, FORM_SITES, MONDAY_NOON_MSK } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { type Frame, ofType, type TestSocket } from '../../testing/ws-client.ts'

let relay: TestRelay
let admin: string
beforeEach(async () => {
  relay = await injectRelay({
    sites: FORM_SITES,
    now: () => MONDAY_NOON_MSK,
    rateLimit: { burst: 1000, perSecond: 1000 },
    seats: 10,
  })
  admin = await relay.login()
})
afterEach(async () => {
  await relay.close()
})

/** A person of the team, logged in: their id and session cookie. */
async function hire(name: string, role = 'operator') {
  const email = `${name.toLowerCase()}@chai.example`
  const password = 'a long enough password'
  const reply = await call(relay, admin, 'POST', '/v1/admin/employees', {
    email,
    name,
    role,
    password,
  })
  expect(reply.status).toBe(201)
  return { id: reply.body.employee.id as string, cookie: await relay.login(email, password) }
}

/** A visitor's callback request: the visitor's socket and the conversation id. */
async function callback(): Promise<{ visitor: TestSocket; id: string }> {
  const { socket } = await relay.visitor()
  socket.send({
    t: 'callback',
    cid: 'cb1',
    name: 'Anna',
    phone: '+7 916 123 45 67',
    when: 'asap',
    consent: CONSENT,
  })
  const ack = await socket.next(ofType('ack', (f) => f.cid === 'cb1'))
  return { visitor: socket, id: ack.conversationId }
}

const summaryOf = (id: string, test: (c: Frame) => boolean = () => true) =>
  ofType('conversation', (f) => f.conversation.id === id && test(f.conversation))

describe('callback and offline leads', () => {
  it('start as new; a status and an assignee set by one operator reach the others live, never the visitor', async () => {
    const olga = await hire('Olga')
    const { socket: watcher } = await relay.operator()
    const { visitor, id } = await callback()
    const first = await watcher.next(summaryOf(id))
    expect(first.conversation.lead).toEqual({ status: 'new' })
    const visitorCopy = await visitor.next(summaryOf(id))
    expect(visitorCopy.conversation).not.toHaveProperty('lead')

    const taken = await call(relay, olga.cookie, 'PATCH', `/v1/conversations/${id}/lead`, {
      status: 'in_progress',
      assigneeId: olga.id,
    })
    expect(taken.status).toBe(200)
    expect(taken.body.conversation.lead).toEqual({
      status: 'in_progress',
      assignee: { id: olga.id, name: 'Olga' },
    })
    const live = await watcher.next(summaryOf(id, (c) => c.lead?.status === 'in_progress'))
    expect(live.conversation.lead.assignee).toEqual({ id: olga.id, name: 'Olga' })

    await call(relay, olga.cookie, 'PATCH', `/v1/conversations/${id}/lead`, {
      status: 'unreachable',
    })
    const listed = await call(relay, admin, 'GET', '/v1/conversations')
    expect(listed.body.conversations.find((c: { id: string }) => c.id === id).lead).toEqual({
      status: 'unreachable',
      assignee: { id: olga.id, name: 'Olga' },
    })
    // The visitor heard nothing of it: no summary with a lead, in all they were sent.
    await visitor.none(ofType('conversation', (f) => 'lead' in f.conversation))
    expect(visitor.frames.filter((f) => f.t === 'conversation')).toHaveLength(1)
  })

  it('refuses a chat, an unknown or inactive assignee and a bad status, changing nothing', async () => {
    const olga = await hire('Olga')
    const gone = await hire('Gone')
    await call(relay, admin, 'POST', `/v1/admin/employees/${gone.id}/deactivate`)
    const { id } = await callback()
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'Hello' })
    const chat = await socket.next(ofType('ack', (f) => f.cid === 'm1'))
    const patch = (target: string, body: unknown) =>
      call(relay, olga.cookie, 'PATCH', `/v1/conversations/${target}/lead`, body)
    expect(await patch(chat.conversationId, { status: 'done' })).toMatchObject({
      status: 409,
      body: { code: 'not_a_lead' },
    })
    for (const assigneeId of ['e-nobody', gone.id]) {
      expect(await patch(id, { assigneeId })).toMatchObject({
        status: 404,
        body: { code: 'employee_not_found' },
      })
    }
    expect(await patch(id, { status: 'lost' })).toMatchObject({
      status: 400,
      body: { code: 'bad_request' },
    })
    expect(await patch(id, {})).toMatchObject({ status: 400, body: { code: 'bad_request' } })
    expect((await relay.app.conversations.get(id))?.lead).toEqual({ status: 'new' })
    const anonymous = await relay.fetch(`/v1/conversations/${id}/lead`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'done' }),
    })
    expect(anonymous.status).toBe(401)
  })
})

describe('closing with tags', () => {
  it('stores the tags trimmed, lower case and once each, and shows them to operators only', async () => {
    const { socket: operator } = await relay.operator()
    const { socket: visitor } = await relay.visitor()
    visitor.send({ t: 'send', cid: 'm1', text: 'Where is my order?' })
    const { conversationId: id } = await visitor.next(ofType('ack', (f) => f.cid === 'm1'))
    await operator.next(summaryOf(id))
    operator.send({
      t: 'close',
      cid: 'x1',
      conversationId: id,
      tags: [' Delivery ', 'delivery', 'VIP  client'],
    })
    await operator.next(ofType('ack', (f) => f.cid === 'x1'))
    const closed = await operator.next(summaryOf(id, (c) => c.status === 'closed'))
    expect(closed.conversation.tags).toEqual(['delivery', 'vip client'])
    const visitorCopy = await visitor.next(summaryOf(id, (c) => c.status === 'closed'))
    expect(visitorCopy.conversation).not.toHaveProperty('tags')
    expect(await relay.stores.conversations.tagsOf([id])).toEqual(
      new Map([[id, ['delivery', 'vip client']]]),
    )
    const history = await call(relay, admin, 'GET', `/v1/conversations/${id}/events`)
    expect(history.body.conversation.tags).toEqual(['delivery', 'vip client'])
  })

  it('refuses more than ten tags or a tag past 32 characters, leaving the conversation open', async () => {
    const { socket: operator } = await relay.operator()
    const { socket: visitor } = await relay.visitor()
    visitor.send({ t: 'send', cid: 'm1', text: 'Hi' })
    const { conversationId: id } = await visitor.next(ofType('ack', (f) => f.cid === 'm1'))
    const tooMany = Array.from({ length: 11 }, (_, i) => `t${i}`)
    for (const [cid, tags] of [
      ['x1', tooMany],
      ['x2', ['x'.repeat(33)]],
    ] as const) {
      operator.send({ t: 'close', cid, conversationId: id, tags })
      expect(await operator.next(ofType('error'))).toMatchObject({ code: 'bad_frame' })
    }
    expect((await relay.app.conversations.get(id))?.status).toBe('open')
    expect(await relay.stores.conversations.tagsOf([id])).toEqual(new Map())
  })
})
