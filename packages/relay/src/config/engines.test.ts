import { describe, expect, it } from 'vitest'
import { buildServer } from '../app.ts'
import { parseCliOptions } from '../cli/options.ts'
import { RedisBus } from '../infra/bus/redis.ts'
import { PostgresDatabase } from '../infra/db/postgres.ts'
import { createTestDatabase, testRedisUrl } from '../testing/postgres.ts'
import { freePort } from '../testing/services.ts'
import { resolveConfig } from './config.ts'

const base = { databasePath: ':memory:', logger: false as const }

describe('PARLEY_DATABASE_URL and PARLEY_REDIS_URL', () => {
  it('are read from the environment and listed in --help', async () => {
    const { config } = parseCliOptions([], {
      PARLEY_DATABASE_URL: 'postgres://parley:pw@db:5432/parley',
      PARLEY_REDIS_URL: 'redis://cache:6379',
    })
    expect(config).toMatchObject({
      databaseUrl: 'postgres://parley:pw@db:5432/parley',
      redisUrl: 'redis://cache:6379',
    })
    expect(parseCliOptions([], {}).config.databaseUrl).toBeUndefined()
    const { HELP } = await import('../cli/options.ts')
    expect(HELP).toContain('PARLEY_DATABASE_URL')
    expect(HELP).toContain('PARLEY_REDIS_URL')
  })

  it('refuse a URL of another scheme, and Redis without PostgreSQL, saying what to set', () => {
    expect(() => resolveConfig({ ...base, databaseUrl: 'mysql://db/parley' })).toThrow(
      'PARLEY_DATABASE_URL must be a postgres:// URL, e.g. postgres://parley:secret@db:5432/parley (for a SQLite file use PARLEY_DATABASE=path)',
    )
    expect(() => resolveConfig({ ...base, databaseUrl: 'not a url' })).toThrow(
      /^PARLEY_DATABASE_URL must be a postgres:\/\/ URL/,
    )
    expect(() =>
      resolveConfig({ ...base, databaseUrl: 'postgres://db/p', redisUrl: 'http://cache' }),
    ).toThrow('PARLEY_REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://cache:6379')
    expect(() => resolveConfig({ ...base, redisUrl: 'redis://cache:6379' })).toThrow(
      'PARLEY_REDIS_URL needs PARLEY_DATABASE_URL: relays that share a bus must share a PostgreSQL database',
    )
    expect(resolveConfig({ ...base, databaseUrl: 'postgresql://db/p' }).databaseUrl).toBe(
      'postgresql://db/p',
    )
  })

  it('name the server that does not answer, without its password', async () => {
    const port = await freePort()
    await expect(
      buildServer({ ...base, databaseUrl: `postgres://parley:hunter2@127.0.0.1:${port}/parley` }),
    ).rejects.toThrow(
      `PARLEY_DATABASE_URL: cannot connect to postgres://parley:***@127.0.0.1:${port}/parley: `,
    )
    const { url, drop } = await createTestDatabase()
    await expect(
      buildServer({ ...base, databaseUrl: url, redisUrl: `redis://127.0.0.1:${port}` }),
    ).rejects.toThrow(`PARLEY_REDIS_URL: cannot connect to redis://127.0.0.1:${port}`)
    // The database it had opened was closed again: dropping it finds no one connected.
    await drop()
  })

  it('run the relay on PostgreSQL and the Redis bus', async () => {
    const { url, drop } = await createTestDatabase()
    const app = await buildServer({
      ...base,
      databaseUrl: url,
      redisUrl: testRedisUrl(),
      sites: [{ id: 'shop' }],
      admin: { password: 'a long enough password' },
      passwordCost: 2 ** 12,
    })
    try {
      expect(app.db).toBeInstanceOf(PostgresDatabase)
      expect(app.bus).toBeInstanceOf(RedisBus)
      const login = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'admin@example.com', password: 'a long enough password' },
      })
      expect(login.statusCode).toBe(200)
      expect((await app.inject({ url: '/v1/sites/shop/config' })).statusCode).toBe(200)
    } finally {
      await app.close()
      await drop()
    }
  })
})
