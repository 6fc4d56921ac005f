import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../testing/postgres.ts'
import { type ListeningRelay, startRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { type RedisServer, startRedis } from '../../testing/services.ts'
import { ofType } from '../../testing/ws-client.ts'

describe('proactive chat, across relays', () => {
  let redis: RedisServer
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let a: ListeningRelay
  let b: ListeningRelay
  let sam: { id: string; cookie: string }
  let sales: string
  beforeAll(async () => {
    redis = await startRedis()
    database = await createTestDatabase()
    const engines = { databaseUrl: database.url, redisUrl: redis.url }
    a = await startRelay(engines)
    const admin = await a.login()
    const hired = await call(a, admin, 'POST', '/v1/admin/employees', {
      email: 'sam@example.com',
      name: 'Sam',
      role: 'supervisor',
      password: 'Sam password 1',
    })
    const group = await call(a, admin, 'POST', '/v1/admin/sites/shop/groups', {
      name: 'Sales',
      members: [hired.body.employee.id],
    })
    sales = group.body.group.id
    sam = { id: hired.body.employee.id, cookie: await a.login('sam@example.com', 'Sam password 1') }
    // B starts after the group exists: a relay loads the groups at start.
    b = await startRelay(engines)
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await redis?.stop()
    await database?.drop()
  })

  it("reaches a visitor whose socket is on another relay, and the answer there starts with the invitation, in the supervisor's group", async () => {
    const visitor = await b.visitor({ page: { url: 'https://shop.example/', title: 'Home' } })
    const sent = await call(a, sam.cookie, 'POST', '/v1/analytics/live/invitations', {
      siteId: 'shop',
      visitorId: visitor.welcome.visitorId,
      message: 'Hello from relay A',
    })
    expect(sent.status).toBe(202)
    expect(await visitor.socket.next(ofType('invitation'))).toEqual({
      t: 'invitation',
      id: sent.body.id,
      message: 'Hello from relay A',
      operator: { name: 'Sam' },
    })

    visitor.socket.send({ t: 'send', cid: 'a', text: 'Hi Sam', scenarioId: sent.body.id })
    const ack = await visitor.socket.next(ofType('ack'))
    expect(ack.seq).toBe(2)
    expect(await visitor.socket.next(ofType('event', (f) => f.seq === 1))).toMatchObject({
      data: { type: 'invitation', message: 'Hello from relay A', operator: 'Sam' },
    })
    const listed = await call(a, sam.cookie, 'GET', '/v1/conversations')
    expect(listed.body.conversations).toEqual([
      expect.objectContaining({ id: ack.conversationId, group: sales }),
    ])
  })

  it('is visitor_offline when no relay holds a socket of the visitor', async () => {
    const left = await b.visitor()
    await left.socket.close()
    const refused = await call(a, sam.cookie, 'POST', '/v1/analytics/live/invitations', {
      siteId: 'shop',
      visitorId: left.welcome.visitorId,
      message: 'Still there?',
    })
    expect([refused.status, refused.body.code]).toEqual([409, 'visitor_offline'])
  })
})
