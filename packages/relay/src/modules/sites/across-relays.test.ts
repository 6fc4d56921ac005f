import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestDatabase } from '../../testing/postgres.ts'
import { type ListeningRelay, startRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { type RedisServer, startRedis } from '../../testing/services.ts'

describe('site settings, across relays', () => {
  let redis: RedisServer
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let a: ListeningRelay
  let b: ListeningRelay
  beforeAll(async () => {
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

  it('a change saved on one relay is what every relay serves next', async () => {
    const admin = await a.login()
    const nameOn = async (relay: ListeningRelay) =>
      (await call(relay, await relay.login(), 'GET', '/v1/admin/sites/shop')).body.name
    // B has read (and keeps) the site before the change.
    expect(await nameOn(b)).not.toBe('Chai & Tea')
    const put = await call(a, admin, 'PUT', '/v1/admin/sites/shop', { name: 'Chai & Tea' })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    expect(await nameOn(a)).toBe('Chai & Tea')
    await vi.waitFor(async () => expect(await nameOn(b)).toBe('Chai & Tea'), { timeout: 10_000 })
  })
})
