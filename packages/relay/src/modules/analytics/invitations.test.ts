import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
afterEach(async () => {
  await relay.close()
})

const INVITE = '/v1/analytics/live/invitations'

async function hire(admin: string, name: string, role: string, position?: string) {
  const email = `${name.toLowerCase()}@example.com`
  const password = `${name} password 1`
  const created = await call(relay, admin, 'POST', '/v1/admin/employees', {
    email,
    name,
    role,
    password,
    ...(position && { position }),
  })
  expect(created.status).toBe(201)
  return { id: created.body.employee.id as string, cookie: await relay.login(email, password) }
}

/** Sam (a supervisor, the only member of Sales on the shop) online, and a visitor on the cart. */
async function world() {
  const clock = manualClock()
  relay = await injectRelay({ now: clock.now, timers: clock.timers })
  const admin = await relay.login()
  const sam = await hire(admin, 'Sam', 'supervisor', 'Team lead')
  const olga = await hire(admin, 'Olga', 'operator')
  const sales = await call(relay, admin, 'POST', '/v1/admin/sites/shop/groups', {
    name: 'Sales',
    members: [sam.id],
  })
  expect(sales.status).toBe(201)
  const { socket: op } = await relay.operator({ cookie: sam.cookie })
  await op.next(ofType('status', (f) => f.status === 'online'))
  const visitor = await relay.visitor({ page: { url: 'https://shop.example/cart', title: 'Cart' } })
  return { clock, admin, sam, olga, op, visitor, salesId: sales.body.group.id as string }
}

describe('proactive chat', () => {
  it("sends the supervisor's invitation to the visitor's socket; the answer opens a chat that starts with it, routed in the supervisor's group and counted as proactive", async () => {
    const { clock, admin, sam, op, visitor, salesId } = await world()
    const sent = await call(relay, sam.cookie, 'POST', INVITE, {
      siteId: 'shop',
      visitorId: visitor.welcome.visitorId,
      message: '  Can I help you choose a size?  ',
    })
    expect(sent.status).toBe(202)
    expect(sent.body).toEqual({ id: expect.stringMatching(/^i_/), at: clock.now() })
    expect(await visitor.socket.next(ofType('invitation'))).toEqual({
      t: 'invitation',
      id: sent.body.id,
      message: 'Can I help you choose a size?',
      operator: { name: 'Sam', position: 'Team lead' },
    })

    clock.advance(5_000)
    visitor.socket.send({ t: 'send', cid: 'a', text: 'Yes, a 38', scenarioId: sent.body.id })
    const ack = await visitor.socket.next(ofType('ack', (f) => f.cid === 'a'))
    expect(ack.seq).toBe(2)
    const first = await visitor.socket.next(ofType('event', (f) => f.seq === 1))
    expect(first).toMatchObject({
      conversationId: ack.conversationId,
      kind: 'system',
      author: { kind: 'system' },
      text: '',
      data: {
        type: 'invitation',
        scenarioId: 'proactive',
        message: 'Can I help you choose a size?',
        operator: 'Sam',
        position: 'Team lead',
      },
    })
    expect(await visitor.socket.next(ofType('event', (f) => f.seq === 2))).toMatchObject({
      text: 'Yes, a 38',
    })
    // Routed in Sam's group, where Sam is the one online: Sam has it.
    const routed = await op.next(
      ofType(
        'conversation',
        (f) => f.conversation.id === ack.conversationId && f.conversation.operator,
      ),
    )
    expect(routed.conversation).toMatchObject({ group: salesId, operator: { id: sam.id } })

    await relay.app.inflight.idle()
    const report = await call(
      relay,
      admin,
      'GET',
      '/v1/analytics/channels?from=1970-01-01&to=1970-01-02&groupBy=scenario',
    )
    expect(report.status).toBe(200)
    expect(report.body.rows).toEqual([
      expect.objectContaining({
        key: 'proactive',
        label: 'Proactive chat (invited from monitoring)',
        impressions: 1,
        conversations: 1,
        chats: 1,
      }),
    ])
  })

  it('refuses operators, other sites, blank or long messages, visitors not connected or already chatting, and sends nothing', async () => {
    const { admin, sam, olga, visitor } = await world()
    // Everyone joins every site's default group: Sam leaves the other site's.
    const others = await call(relay, admin, 'GET', '/v1/admin/sites/other/groups')
    const general = others.body.groups.find((g: { isDefault: boolean }) => g.isDefault)
    const left = await call(relay, admin, 'PATCH', `/v1/admin/groups/${general.id}`, {
      members: general.members.filter((id: string) => id !== sam.id),
    })
    expect(left.status).toBe(200)
    const body = { siteId: 'shop', visitorId: visitor.welcome.visitorId, message: 'Hello' }
    const anonymous = await relay.fetch(INVITE, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect([anonymous.status, (await anonymous.json()).code]).toEqual([401, 'unauthorized'])
    const refusals: [string, unknown, number, string][] = [
      [olga.cookie, body, 403, 'forbidden'],
      // Sam's groups serve the shop only.
      [sam.cookie, { ...body, siteId: 'other' }, 403, 'forbidden'],
      [sam.cookie, { ...body, siteId: 'nowhere' }, 404, 'site_not_found'],
      [sam.cookie, { ...body, message: ' \n ' }, 400, 'text_empty'],
      [sam.cookie, { ...body, message: '' }, 400, 'bad_request'],
      [sam.cookie, { ...body, message: 'x'.repeat(1001) }, 400, 'bad_request'],
      [sam.cookie, { siteId: 'shop', visitorId: visitor.welcome.visitorId }, 400, 'bad_request'],
      [sam.cookie, { ...body, visitorId: 'v_nobody' }, 409, 'visitor_offline'],
      // An admin may invite on every site, but this visitor has no socket there.
      [admin, { ...body, siteId: 'other' }, 409, 'visitor_offline'],
    ]
    for (const [cookie, payload, status, code] of refusals) {
      const refused = await call(relay, cookie, 'POST', INVITE, payload)
      expect([refused.status, refused.body.code], JSON.stringify(payload)).toEqual([status, code])
    }
    await visitor.socket.none(ofType('invitation'))

    // A visitor whose socket closed is offline.
    const gone = await relay.visitor()
    await gone.socket.close()
    const offline = await call(relay, sam.cookie, 'POST', INVITE, {
      ...body,
      visitorId: gone.welcome.visitorId,
    })
    expect([offline.status, offline.body.code]).toEqual([409, 'visitor_offline'])

    // One with an open chat is answered there.
    visitor.socket.send({ t: 'send', cid: 'a', text: 'Hi' })
    await visitor.socket.next(ofType('ack'))
    const chatting = await call(relay, sam.cookie, 'POST', INVITE, body)
    expect([chatting.status, chatting.body.code]).toEqual([409, 'visitor_chatting'])
    await visitor.socket.none(ofType('invitation'))
    const stats = await call(
      relay,
      admin,
      'GET',
      '/v1/analytics/channels?from=1970-01-01&to=1970-01-02&groupBy=scenario',
    )
    expect(stats.body.total.impressions).toBe(0)
  })

  it("gives no preface to a visitor who names another visitor's invitation, or one too old", async () => {
    const { clock, sam, visitor } = await world()
    const sent = await call(relay, sam.cookie, 'POST', INVITE, {
      siteId: 'shop',
      visitorId: visitor.welcome.visitorId,
      message: 'Hello there',
    })
    const other = await relay.visitor()
    other.socket.send({ t: 'send', cid: 'a', text: 'Me too', scenarioId: sent.body.id })
    const ack = await other.socket.next(ofType('ack'))
    expect(ack.seq).toBe(1)

    // Half an hour on, from the next page (the socket went idle meanwhile).
    clock.advance(30 * 60_000 + 1)
    const later = await relay.visitor({ token: visitor.welcome.token })
    later.socket.send({ t: 'send', cid: 'a', text: 'Late', scenarioId: sent.body.id })
    expect((await later.socket.next(ofType('ack'))).seq).toBe(1)
  })
})
