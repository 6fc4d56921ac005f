import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../testing/postgres.ts'
import { type ListeningRelay, startRelay } from '../../testing/relay.ts'
import { type RedisServer, startRedis } from '../../testing/services.ts'
import { ofType } from '../../testing/ws-client.ts'

describe('operators online, across relays', () => {
  let redis: RedisServer
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let a: ListeningRelay
  let b: ListeningRelay
  beforeAll(async () => {
    // A Redis of its own: the presence keys of other tests' relays do not count here.
    redis = await startRedis()
    database = await createTestDatabase()
    const engines = { databaseUrl: database.url, redisUrl: redis.url }
    a = await startRelay(engines)
    b = await startRelay(engines)
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await redis?.stop()
    await database?.drop()
  })

  it('tells a visitor on one relay of an operator on another, counting an operator once', async () => {
    const { socket: visitor, welcome } = await a.visitor()
    expect(welcome.operatorsOnline).toBe(0)

    // The operator comes online on B: the visitor on A is told.
    const onB = (await b.operator()).socket
    expect(await visitor.next(ofType('presence'))).toMatchObject({ operatorsOnline: 1 })
    expect((await a.visitor()).welcome).toMatchObject({ operatorsOnline: 1, available: true })

    // The same operator in a second tab, on A: still one operator.
    const onA = (await a.operator()).socket
    await visitor.none(ofType('presence'))
    expect((await b.visitor()).welcome.operatorsOnline).toBe(1)

    // B's tab closes: A's still holds them online. A's closes: nobody is.
    await onB.close()
    await visitor.none(ofType('presence'))
    await onA.close()
    expect(await visitor.next(ofType('presence'))).toMatchObject({
      operatorsOnline: 0,
      available: false,
    })
  })
})
