import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call, createScenario } from '../../testing/scenarios.ts'
import { type Frame, ofType, type TestSocket } from '../../testing/ws-client.ts'

let relay: TestRelay
let admin: string
beforeEach(async () => {
  relay = await injectRelay({ now: () => 1_700_000_000_000 })
  admin = await relay.login()
})
afterEach(() => relay.close())

const BUBBLE = {
  name: 'Gift help',
  action: {
    type: 'bubble',
    message: 'Looking for a gift?',
    operator: { name: 'Olga', position: 'Tea sommelier' },
  },
}

/** The visitor's first message; resolves with its ack. */
async function firstMessage(socket: TestSocket, scenarioId?: string): Promise<Frame> {
  socket.send({ t: 'send', cid: 'm1', text: 'A gift for my mother', scenarioId })
  return socket.next(ofType('ack', (f) => f.cid === 'm1'))
}
const history = async (conversationId: string) =>
  (await call(relay, admin, 'GET', `/v1/conversations/${conversationId}/events`)).body.events

/** The group the test scenarios route to (`routing.group: 'sales'`); returns its id. */
async function salesGroup(): Promise<string> {
  const created = await call(relay, admin, 'POST', '/v1/admin/sites/shop/groups', { name: 'Sales' })
  return created.body.group.id
}

describe('the invitation a visitor answers', () => {
  it('opens the conversation as a system event before the message, for operators and the visitor', async () => {
    const sales = await salesGroup()
    const scenario = await createScenario(relay, admin, BUBBLE)
    const { socket: operator } = await relay.operator()
    const { socket } = await relay.visitor()
    const ack = await firstMessage(socket, scenario.id)
    expect(ack).toMatchObject({ seq: 2 })
    const invitation = {
      t: 'event',
      conversationId: ack.conversationId,
      seq: 1,
      kind: 'system',
      author: { kind: 'system' },
      text: '',
    }
    const data = {
      type: 'invitation',
      scenarioId: scenario.id,
      message: 'Looking for a gift?',
      operator: 'Olga',
      position: 'Tea sommelier',
    }
    const forOperator = await operator.next(ofType('event', (f) => f.seq === 1))
    expect(forOperator).toMatchObject(invitation)
    expect(forOperator.data).toEqual(data)
    expect(await operator.next(ofType('event'))).toMatchObject({
      seq: 2,
      author: { kind: 'visitor' },
      text: 'A gift for my mother',
    })
    const forVisitor = await socket.next(ofType('event'))
    expect(forVisitor).toMatchObject(invitation)
    expect(forVisitor.data).toEqual(data)
    expect(await socket.next(ofType('event'))).toMatchObject({ seq: 2, id: ack.id })
    const events = await history(ack.conversationId)
    expect(events.map((e: Frame) => [e.seq, e.kind, e.text, e.data])).toEqual([
      [1, 'system', '', data],
      [2, 'message', 'A gift for my mother', undefined],
    ])
    // Still one conversion and the scenario's group.
    const stats = await call(relay, admin, 'GET', '/v1/admin/sites/shop/scenarios/stats')
    expect(stats.body.scenarios[0].conversions.chat).toBe(1)
    expect((await relay.app.conversations.get(ack.conversationId))?.group).toBe(sales)
  })

  it('uses the openChat message and operator too', async () => {
    const scenario = await createScenario(relay, admin, {
      action: { type: 'openChat', message: 'Hi, I am Olga', operator: { name: 'Olga' } },
    })
    const { socket } = await relay.visitor()
    const ack = await firstMessage(socket, scenario.id)
    const [first] = await history(ack.conversationId)
    expect(first).toMatchObject({ seq: 1, text: '' })
    expect(first.data).toEqual({
      type: 'invitation',
      scenarioId: scenario.id,
      message: 'Hi, I am Olga',
      operator: 'Olga',
    })
  })

  it("never shows the visitor the scenario's name, live or replayed after a reconnect", async () => {
    const scenario = await createScenario(relay, admin, BUBBLE)
    const { socket, welcome } = await relay.visitor()
    const ack = await firstMessage(socket, scenario.id)
    await socket.next(ofType('event', (f) => f.seq === 2))
    const again = await relay.visitor({ token: welcome.token })
    await again.socket.next(ofType('event', (f) => f.seq === 2))
    const received = [...socket.frames, ...again.socket.frames]
    const invitations = received.filter((f) => f.t === 'event' && f.data?.type === 'invitation')
    expect(invitations.map((f) => [f.conversationId, f.seq])).toEqual([
      [ack.conversationId, 1],
      [ack.conversationId, 1],
    ])
    expect(JSON.stringify(received)).not.toContain('Gift help')
  })

  it('is not added without a scenarioId on the message, for actions without a message, or in an open conversation', async () => {
    const sales = await salesGroup()
    const bubble = await createScenario(relay, admin, BUBBLE)
    const pulse = await createScenario(relay, admin, { action: { type: 'pulse' } })
    const { socket } = await relay.visitor()
    // Attributed through the session's click, but the message does not say it answers it.
    socket.send({ t: 'engage', cid: 'g1', scenarioId: bubble.id, event: 'click', page: '/c' })
    await socket.next(ofType('ack', (f) => f.cid === 'g1'))
    const ack = await firstMessage(socket)
    expect(ack.seq).toBe(1)
    expect((await relay.app.conversations.get(ack.conversationId))?.group).toBe(sales)
    socket.send({ t: 'send', cid: 'm2', text: 'Also', scenarioId: bubble.id })
    expect(await socket.next(ofType('ack', (f) => f.cid === 'm2'))).toMatchObject({ seq: 2 })

    const other = await relay.visitor()
    const pulsed = await firstMessage(other.socket, pulse.id)
    expect(pulsed.seq).toBe(1)
    expect((await history(pulsed.conversationId)).map((e: Frame) => e.kind)).toEqual(['message'])
  })

  it('is not added for a scenario the site does not have', async () => {
    await createScenario(relay, admin, BUBBLE)
    const { socket } = await relay.visitor()
    const ack = await firstMessage(socket, 'sc_nope')
    expect(ack.seq).toBe(1)
    expect((await history(ack.conversationId)).map((e: Frame) => e.kind)).toEqual(['message'])
  })
})
