import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { RelayConfig } from '../../config/config.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call, createScenario } from '../../testing/scenarios.ts'
import { type Frame, ofType, type TestSocket } from '../../testing/ws-client.ts'

let relay: TestRelay
let admin: string
afterEach(async () => {
  await relay.close()
})

async function start(overrides: Partial<RelayConfig> = {}) {
  relay = await injectRelay(overrides)
  admin = await relay.login()
}

interface Person {
  id: string
  name: string
  cookie: string
}

/** An operator of the team, logged in. */
async function hire(name: string, role = 'operator'): Promise<Person> {
  const email = `${name.toLowerCase()}@example.com`
  const created = await call(relay, admin, 'POST', '/v1/admin/employees', {
    email,
    name,
    role,
    password: `${name} password 1`,
  })
  expect(created.status).toBe(201)
  return {
    id: created.body.employee.id,
    name,
    cookie: await relay.login(email, `${name} password 1`),
  }
}

async function defaultGroup(): Promise<string> {
  const { groups } = (await call(relay, admin, 'GET', '/v1/admin/sites/shop/groups')).body
  return groups.find((g: { isDefault: boolean }) => g.isDefault).id
}

async function setGroup(id: string, patch: Record<string, unknown>) {
  const changed = await call(relay, admin, 'PATCH', `/v1/admin/groups/${id}`, patch)
  expect(changed.status, JSON.stringify(changed.body)).toBe(200)
  return changed.body.group
}

async function online(person: Person): Promise<TestSocket> {
  const { socket } = await relay.operator({ cookie: person.cookie })
  await socket.next(ofType('status', (f) => f.status === 'online'))
  return socket
}

/** A visitor who writes `text`; returns the socket and the conversation id. */
async function chat(text: string, extra: Frame = {}) {
  const { socket, welcome } = await relay.visitor()
  socket.send({ t: 'send', cid: 'm1', text, ...extra })
  const { conversationId } = await socket.next(ofType('ack'))
  return { socket, welcome, conversationId: conversationId as string }
}

const assignedTo = (conversationId: string, operatorId: string) =>
  ofType(
    'conversation',
    (f) => f.conversation.id === conversationId && f.conversation.operator?.id === operatorId,
  )

const queued = (conversationId: string, position: number | null) =>
  ofType('queue', (f) => f.conversationId === conversationId && f.position === position)

const about = (conversationId: string) => (f: Frame) =>
  f.conversationId === conversationId || f.conversation?.id === conversationId

/**
 * Who the operator's list says has the conversation, from the socket's last summary of it
 * once every frame sent before a ping sent now has arrived: an id, or null (waiting).
 */
async function lastWord(socket: TestSocket, conversationId: string) {
  await socket.none(() => false)
  const summaries = socket.frames.filter(
    (f) => f.t === 'conversation' && f.conversation.id === conversationId,
  )
  const last = summaries.at(-1)?.conversation
  return last && { operatorId: last.operator?.id ?? null, group: last.group }
}

describe('groups and visibility', () => {
  it("routes a chat to its scenario's group and hides it from every other operator", async () => {
    await start()
    const [ann, bob, cy] = [await hire('Ann'), await hire('Bob'), await hire('Cy')]
    const general = await defaultGroup()
    await setGroup(general, { members: [bob.id, cy.id] })
    const sales = await call(relay, admin, 'POST', '/v1/admin/sites/shop/groups', {
      name: 'Sales',
      members: [ann.id],
    })
    const scenario = await createScenario(relay, admin, { routing: { group: 'sales' } })
    const [annSocket, bobSocket, cySocket] = [
      await online(ann),
      await online(bob),
      await online(cy),
    ]

    const { socket: visitor, conversationId } = await chat('Which tea?', {
      scenarioId: scenario.id,
    })
    expect(await annSocket.next(assignedTo(conversationId, ann.id))).toMatchObject({
      conversation: { group: sales.body.group.id },
    })
    // The visitor sees who has it; the other group never hears of it, live or later.
    await visitor.next(assignedTo(conversationId, ann.id))
    await bobSocket.none(about(conversationId))
    await cySocket.none(about(conversationId))
    const refused = await call(
      relay,
      bob.cookie,
      'GET',
      `/v1/conversations/${conversationId}/events`,
    )
    expect(refused).toMatchObject({ status: 404, body: { code: 'conversation_not_found' } })
    const listed = (await call(relay, bob.cookie, 'GET', '/v1/conversations')).body.conversations
    expect(listed.map((c: { id: string }) => c.id)).not.toContain(conversationId)
    bobSocket.send({ t: 'send', cid: 'b1', conversationId, text: 'Mine now' })
    expect(await bobSocket.next(ofType('error', (f) => f.cid === 'b1'))).toMatchObject({
      code: 'conversation_not_found',
    })
    bobSocket.send({ t: 'accept', cid: 'b2', conversationId })
    expect(await bobSocket.next(ofType('error', (f) => f.cid === 'b2'))).toMatchObject({
      code: 'conversation_not_found',
    })
    const events = await call(relay, admin, 'GET', `/v1/conversations/${conversationId}/events`)
    const messages = events.body.events.filter((e: { kind: string }) => e.kind === 'message')
    expect(messages.map((e: { text: string }) => e.text)).toEqual(['Which tea?'])
    // A new operator socket's welcome leaves it out too.
    const { welcome } = await relay.operator({ cookie: bob.cookie })
    expect(welcome.conversations.map((c: { id: string }) => c.id)).not.toContain(conversationId)

    // A chat without a scenario goes to the default group, round robin: Bob, then Cy.
    const first = await chat('Hello')
    await bobSocket.next(assignedTo(first.conversationId, bob.id))
    await annSocket.none(about(first.conversationId))
    const second = await chat('Hi')
    await cySocket.next(assignedTo(second.conversationId, cy.id))
  })

  it('shows a supervisor every conversation of their groups and an admin every one', async () => {
    await start()
    const [ann, lead] = [await hire('Ann'), await hire('Lead', 'supervisor')]
    const general = await defaultGroup()
    await setGroup(general, { members: [ann.id] })
    const other = await call(relay, admin, 'POST', '/v1/admin/sites/shop/groups', {
      name: 'Other',
      members: [lead.id],
    })
    expect(other.status).toBe(201)
    await online(ann)
    const { conversationId } = await chat('Hello')
    const leadSocket = await online(lead)
    // Not the supervisor's group: hidden. Once they join it: visible, though Ann has it.
    await leadSocket.none(about(conversationId))
    expect(
      (await call(relay, lead.cookie, 'GET', `/v1/conversations/${conversationId}/events`)).status,
    ).toBe(404)
    await setGroup(general, { members: [ann.id, lead.id] })
    expect(
      (await call(relay, lead.cookie, 'GET', `/v1/conversations/${conversationId}/events`)).status,
    ).toBe(200)
    expect(
      (await call(relay, admin, 'GET', `/v1/conversations/${conversationId}/events`)).status,
    ).toBe(200)
  })
})

describe('the queue', () => {
  it('tells each waiting visitor their place, counting down as the operator frees room', async () => {
    await start()
    const bob = await hire('Bob')
    await setGroup(await defaultGroup(), { members: [bob.id], capacity: 1 })
    const bobSocket = await online(bob)
    const one = await chat('First')
    await bobSocket.next(assignedTo(one.conversationId, bob.id))
    const two = await chat('Second')
    // Too few departures yet to estimate a wait: none is given.
    expect(await two.socket.next(ofType('queue'))).toEqual({
      t: 'queue',
      conversationId: two.conversationId,
      position: 1,
      waitSeconds: null,
    })
    const three = await chat('Third')
    await three.socket.next(queued(three.conversationId, 2))

    bobSocket.send({ t: 'close', cid: 'c1', conversationId: one.conversationId })
    await two.socket.next(queued(two.conversationId, null))
    await two.socket.next(assignedTo(two.conversationId, bob.id))
    await three.socket.next(queued(three.conversationId, 1))

    // A reconnecting visitor (another tab) is told their place again, after the welcome.
    const tab = await relay.visitor({ token: three.welcome.token })
    await tab.socket.next(queued(three.conversationId, 1))
  })

  it('gives a returning visitor the operator they spoke with last, when that operator has room', async () => {
    await start()
    const [bob, cy] = [await hire('Bob'), await hire('Cy')]
    await setGroup(await defaultGroup(), { members: [bob.id, cy.id] })
    const [bobSocket] = [await online(bob), await online(cy)]
    const first = await chat('Hello')
    await bobSocket.next(assignedTo(first.conversationId, bob.id))
    bobSocket.send({ t: 'close', cid: 'c1', conversationId: first.conversationId })
    await bobSocket.next(ofType('ack', (f) => f.cid === 'c1'))
    // Round robin would give Cy the next chat; this visitor spoke with Bob.
    const back = await relay.visitor({ token: first.welcome.token })
    back.socket.send({ t: 'send', cid: 'm2', text: 'Me again' })
    const { conversationId } = await back.socket.next(ofType('ack', (f) => f.cid === 'm2'))
    await bobSocket.next(assignedTo(conversationId, bob.id))
    const log = (await call(relay, admin, 'GET', `/v1/conversations/${conversationId}/routing`))
      .body
    expect(log.entries).toEqual([
      expect.objectContaining({ type: 'assigned', reason: 'preferred' }),
    ])
  })

  it("gives a broadcast group's waiting chat to the first of two operators who accept at once", async () => {
    await start()
    const [bob, cy] = [await hire('Bob'), await hire('Cy')]
    await setGroup(await defaultGroup(), { members: [bob.id, cy.id], strategy: 'broadcast' })
    const [bobSocket, cySocket] = [await online(bob), await online(cy)]
    const { socket: visitor, conversationId } = await chat('Anyone?')
    await visitor.next(queued(conversationId, 1))
    bobSocket.send({ t: 'accept', cid: 'a1', conversationId })
    cySocket.send({ t: 'accept', cid: 'a1', conversationId })
    const [bobAnswer, cyAnswer] = await Promise.all([
      bobSocket.next((f) => f.cid === 'a1'),
      cySocket.next((f) => f.cid === 'a1'),
    ])
    const answers = [bobAnswer, cyAnswer].map((f) => (f.t === 'ack' ? 'ack' : f.code)).sort()
    expect(answers).toEqual(['ack', 'already_assigned'])
    const winner = bobAnswer.t === 'ack' ? bob : cy
    await visitor.next(assignedTo(conversationId, winner.id))
  })
})

describe('re-routing', () => {
  it('moves a chat nobody answered in time to the next operator, and logs why', async () => {
    const clock = manualClock()
    await start({ timers: clock.timers })
    const [bob, cy] = [await hire('Bob'), await hire('Cy')]
    await setGroup(await defaultGroup(), { members: [bob.id, cy.id], noAnswerSeconds: 30 })
    const [bobSocket, cySocket] = [await online(bob), await online(cy)]
    const { conversationId } = await chat('Hello?')
    await bobSocket.next(assignedTo(conversationId, bob.id))
    clock.advance(29_999)
    await cySocket.none(assignedTo(conversationId, cy.id))
    clock.advance(1)
    await cySocket.next(assignedTo(conversationId, cy.id))
    // Bob hears once more that it is no longer his: Cy has it now.
    expect(await lastWord(bobSocket, conversationId)).toMatchObject({ operatorId: cy.id })
    const log = (await call(relay, cy.cookie, 'GET', `/v1/conversations/${conversationId}/routing`))
      .body
    expect(
      log.entries.map((e: { type: string; reason: string; operatorId?: string }) => [
        e.type,
        e.reason,
        e.operatorId,
      ]),
    ).toEqual([
      ['assigned', 'routed', bob.id],
      ['unassigned', 'timed_out', bob.id],
      ['assigned', 'timed_out', cy.id],
    ])
    // Cy answers: no timer takes it away again.
    cySocket.send({ t: 'send', cid: 's1', conversationId, text: 'Here!' })
    await cySocket.next(ofType('ack'))
    const before = cySocket.frames.length
    clock.advance(60_000)
    await cySocket.none(() => false)
    const later = cySocket.frames.slice(before).filter((f) => f.t === 'conversation')
    expect(later.map((f) => f.conversation.operator?.id)).not.toContain(undefined)
    const after = (
      await call(relay, cy.cookie, 'GET', `/v1/conversations/${conversationId}/routing`)
    ).body
    expect(after.entries).toHaveLength(3)
  })

  it('transfers with a note the visitor never sees, naming the new operator to them', async () => {
    await start()
    const [bob, cy] = [await hire('Bob'), await hire('Cy')]
    await setGroup(await defaultGroup(), { members: [bob.id, cy.id] })
    const [bobSocket, cySocket] = [await online(bob), await online(cy)]
    const { socket: visitor, conversationId } = await chat('I want a refund')
    await bobSocket.next(assignedTo(conversationId, bob.id))
    bobSocket.send({
      t: 'transfer',
      cid: 't1',
      conversationId,
      to: { operatorId: cy.id },
      note: 'VIP customer, order 1234',
    })
    expect(await bobSocket.next(ofType('ack', (f) => f.cid === 't1'))).toMatchObject({ seq: 2 })
    await cySocket.next(assignedTo(conversationId, cy.id))
    // Bob's list learns who has it now (not "waiting", which it never was).
    expect(await lastWord(bobSocket, conversationId)).toMatchObject({ operatorId: cy.id })
    const transferred = await visitor.next(ofType('event', (f) => f.data?.type === 'transferred'))
    expect(transferred.data).toEqual({
      type: 'transferred',
      operatorId: cy.id,
      operator: 'Cy',
      fromId: bob.id,
      from: 'Bob',
    })
    await visitor.next(assignedTo(conversationId, cy.id))
    expect(JSON.stringify(visitor.frames)).not.toContain('VIP customer')
    const log = (await call(relay, cy.cookie, 'GET', `/v1/conversations/${conversationId}/routing`))
      .body
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        type: 'transferred',
        byId: bob.id,
        note: 'VIP customer, order 1234',
      }),
    )
    // An operator cannot transfer what is not theirs.
    bobSocket.send({ t: 'transfer', cid: 't2', conversationId, to: { operatorId: bob.id } })
    expect(await bobSocket.next(ofType('error', (f) => f.cid === 't2'))).toMatchObject({
      code: 'conversation_not_found',
    })
  })

  it('tells the operator who transferred a chat to another group who has it there, or that it waits', async () => {
    await start()
    const [bob, ann] = [await hire('Bob'), await hire('Ann')]
    await setGroup(await defaultGroup(), { members: [bob.id] })
    const sales = (
      await call(relay, admin, 'POST', '/v1/admin/sites/shop/groups', {
        name: 'Sales',
        members: [ann.id],
      })
    ).body.group.id
    const bobSocket = await online(bob)
    // Nobody of Sales online: the chat waits there, and Bob (not of Sales) is told so.
    const first = await chat('Refund, please')
    await bobSocket.next(assignedTo(first.conversationId, bob.id))
    bobSocket.send({
      t: 'transfer',
      cid: 't1',
      conversationId: first.conversationId,
      to: { groupId: sales },
    })
    await bobSocket.next(ofType('ack', (f) => f.cid === 't1'))
    expect(await lastWord(bobSocket, first.conversationId)).toEqual({
      operatorId: null,
      group: sales,
    })
    // Ann comes online and takes the waiting one; the next transfer goes straight to her.
    const annSocket = await online(ann)
    await annSocket.next(assignedTo(first.conversationId, ann.id))
    const second = await chat('Another refund')
    await bobSocket.next(assignedTo(second.conversationId, bob.id))
    bobSocket.send({
      t: 'transfer',
      cid: 't2',
      conversationId: second.conversationId,
      to: { groupId: sales },
    })
    await bobSocket.next(ofType('ack', (f) => f.cid === 't2'))
    expect(await lastWord(bobSocket, second.conversationId)).toEqual({
      operatorId: ann.id,
      group: sales,
    })
  })

  it("sends a deactivated operator's chats to the others and closes their socket at once", async () => {
    await start()
    const [bob, cy] = [await hire('Bob'), await hire('Cy')]
    await setGroup(await defaultGroup(), { members: [bob.id, cy.id] })
    const [bobSocket, cySocket] = [await online(bob), await online(cy)]
    const { conversationId } = await chat('Hello')
    await bobSocket.next(assignedTo(conversationId, bob.id))
    const off = await call(relay, admin, 'POST', `/v1/admin/employees/${bob.id}/deactivate`)
    expect(off.status).toBe(200)
    expect((await bobSocket.closed).code).toBe(4001)
    await cySocket.next(assignedTo(conversationId, cy.id))
  })

  it('gives a paused operator no new chat but keeps theirs; with nobody online it waits', async () => {
    await start()
    const [bob, cy] = [await hire('Bob'), await hire('Cy')]
    await setGroup(await defaultGroup(), { members: [bob.id, cy.id] })
    const [bobSocket, cySocket] = [await online(bob), await online(cy)]
    bobSocket.send({ t: 'status', cid: 'p1', status: 'pause' })
    await bobSocket.next(ofType('status', (f) => f.status === 'pause'))
    const one = await chat('One')
    await cySocket.next(assignedTo(one.conversationId, cy.id))
    await cySocket.close()
    // Cy left (no grace in tests): their chat waits, as nobody is online.
    await one.socket.next(queued(one.conversationId, 1))
    bobSocket.send({ t: 'status', cid: 'p2', status: 'online' })
    await one.socket.next(assignedTo(one.conversationId, bob.id))
  })

  it('shows every operator the team board: status, open conversations, groups', async () => {
    await start()
    const [bob, cy, dee] = [await hire('Bob'), await hire('Cy'), await hire('Dee')]
    const group = await defaultGroup()
    await setGroup(group, { members: [bob.id, cy.id] })
    const [bobSocket, cySocket] = [await online(bob), await online(cy)]
    cySocket.send({ t: 'status', cid: 'p1', status: 'pause' })
    await cySocket.next(ofType('status', (f) => f.status === 'pause'))
    const { conversationId } = await chat('Hello')
    await bobSocket.next(assignedTo(conversationId, bob.id))
    await call(relay, admin, 'POST', `/v1/admin/employees/${dee.id}/deactivate`)

    const board = await call(relay, cy.cookie, 'GET', '/v1/team')
    expect(board.status).toBe(200)
    const row = (id: string) => board.body.members.find((m: { id: string }) => m.id === id)
    expect(row(bob.id)).toMatchObject({
      name: 'Bob',
      status: 'online',
      open: 1,
      groups: expect.arrayContaining([group]),
    })
    expect(row(cy.id)).toMatchObject({
      name: 'Cy',
      status: 'pause',
      open: 0,
      groups: expect.arrayContaining([group]),
    })
    // Deactivated people are not on the board; the admin, never connected, is offline.
    expect(row(dee.id)).toBeUndefined()
    expect(board.body.members.find((m: { role: string }) => m.role === 'admin')).toMatchObject({
      status: 'offline',
      open: 0,
    })
  })

  it('sets an idle operator away (no new chats for them), and back online at their next frame', async () => {
    const clock = manualClock()
    await start({ timers: clock.timers, routing: { awayAfterMs: 600_000, offlineGraceMs: 0 } })
    const bob = await hire('Bob')
    await setGroup(await defaultGroup(), { members: [bob.id] })
    const bobSocket = await online(bob)
    clock.advance(600_000)
    await bobSocket.next(ofType('status', (f) => f.status === 'away'))
    const { socket: visitor, conversationId } = await chat('Hello?')
    await visitor.next(queued(conversationId, 1))
    // Any frame is activity: Bob is online again and takes the waiting chat.
    bobSocket.send({ t: 'typing', conversationId, typing: false })
    await bobSocket.next(ofType('status', (f) => f.status === 'online'))
    await bobSocket.next(assignedTo(conversationId, bob.id))
  })

  it('keeps an operator who reloads within the grace, and requeues one who does not come back', async () => {
    const clock = manualClock()
    await start({ timers: clock.timers, routing: { offlineGraceMs: 30_000 } })
    const bob = await hire('Bob')
    await setGroup(await defaultGroup(), { members: [bob.id] })
    let bobSocket = await online(bob)
    const { socket: visitor, conversationId } = await chat('Hello')
    await bobSocket.next(assignedTo(conversationId, bob.id))
    await bobSocket.close()
    // Visitors learn at once that nobody is online; the chat stays Bob's for the grace.
    await visitor.next(ofType('presence', (f) => f.operatorsOnline === 0))
    clock.advance(20_000)
    bobSocket = (await relay.operator({ cookie: bob.cookie })).socket
    clock.advance(20_000)
    await visitor.none(ofType('queue'))
    await bobSocket.close()
    await visitor.next(ofType('presence', (f) => f.operatorsOnline === 0))
    clock.advance(30_000)
    await visitor.next(queued(conversationId, 1))
  })

  it('falls back to another group, or tells the visitor nobody can answer, when nobody of the group is online', async () => {
    await start()
    const [bob, cy] = [await hire('Bob'), await hire('Cy')]
    const general = await defaultGroup()
    const backup = await call(relay, admin, 'POST', '/v1/admin/sites/shop/groups', {
      name: 'Backup',
      members: [cy.id],
    })
    await setGroup(general, {
      members: [bob.id],
      whenNobodyOnline: 'fallback',
      fallbackGroupId: backup.body.group.id,
    })
    const cySocket = await online(cy)
    const first = await chat('Hello')
    await cySocket.next(assignedTo(first.conversationId, cy.id))
    // Without a fallback: the visitor's widget is told nobody can answer (its offline form).
    await setGroup(general, { whenNobodyOnline: 'offline_form', fallbackGroupId: null })
    const { socket: visitor, welcome } = await relay.visitor()
    expect(welcome.operatorsOnline).toBe(1)
    visitor.send({ t: 'send', cid: 'm1', text: 'Anyone?' })
    const { conversationId } = await visitor.next(ofType('ack'))
    expect(await visitor.next(ofType('presence'))).toEqual({
      t: 'presence',
      operatorsOnline: 0,
      available: false,
    })
    const log = (await call(relay, admin, 'GET', `/v1/conversations/${conversationId}/routing`))
      .body
    expect(log.entries.map((e: { type: string }) => e.type)).toEqual(['offline_form'])
  })

  it('never routes a chat to a bot, and a bot cannot join a group', async () => {
    await start()
    const bot = await call(relay, admin, 'POST', '/v1/admin/employees', {
      kind: 'bot',
      name: 'Greeter',
      role: 'operator',
    })
    const joined = await call(relay, admin, 'PATCH', `/v1/admin/groups/${await defaultGroup()}`, {
      members: [bot.body.employee.id],
    })
    expect(joined).toMatchObject({
      status: 400,
      body: { code: 'field_invalid', fields: [{ field: 'members.0', code: 'value_invalid' }] },
    })
    const token = await call(relay, admin, 'POST', '/v1/admin/tokens', {
      name: 'greeter',
      employeeId: bot.body.employee.id,
    })
    const botSocket = await relay.socket('/v1/operator')
    botSocket.send({ t: 'hello', v: PROTOCOL_VERSION, apiToken: token.body.token })
    await botSocket.next(ofType('welcome'))
    const { socket: visitor, conversationId } = await chat('Is anyone there?')
    await visitor.next(queued(conversationId, 1))
    botSocket.close()
  })
})
