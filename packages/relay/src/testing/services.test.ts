import { afterEach, describe, expect, it } from 'vitest'
import { startPostgres, startRedis } from './services.ts'

describe('the test servers', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env.PARLEY_PG_BIN = saved.PARLEY_PG_BIN
    process.env.PARLEY_REDIS_SERVER = saved.PARLEY_REDIS_SERVER
    if (saved.PARLEY_PG_BIN === undefined) delete process.env.PARLEY_PG_BIN
    if (saved.PARLEY_REDIS_SERVER === undefined) delete process.env.PARLEY_REDIS_SERVER
  })

  // Without the binaries the Postgres and Redis tests fail with this, never pass unseen.
  it('say how to install PostgreSQL and Redis when their binaries are missing', async () => {
    process.env.PARLEY_PG_BIN = '/nonexistent/bin'
    process.env.PARLEY_REDIS_SERVER = '/nonexistent/redis-server'
    await expect(startPostgres()).rejects.toThrow(
      /not in \/nonexistent\/bin \(initdb, pg_ctl\)\.\n {2}Install them \(Debian\/Ubuntu: sudo apt-get install postgresql\)/,
    )
    await expect(startRedis()).rejects.toThrow(/sudo apt-get install redis-server/)
  })
})
