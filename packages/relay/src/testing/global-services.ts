import { join } from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { RELAY_PACKAGE_DIR } from '../config/paths.ts'
import { migratePostgres } from '../infra/db/postgres-migrate.ts'
import { type PostgresServer, type RedisServer, startPostgres, startRedis } from './services.ts'

/** The template every test database is cloned from: migrated once per run. */
export const TEMPLATE_DATABASE = 'parley_template'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test PostgreSQL server's maintenance URL, or why there is none. */
    parleyPostgres: { url?: string; error?: string }
    /** The test Redis server's URL, or why there is none. */
    parleyRedis: { url?: string; error?: string }
  }
}

/**
 * Vitest global setup: one PostgreSQL and one Redis for the whole run, shared by every test
 * file (each test gets a database of its own, cloned from a migrated template in a few
 * milliseconds). When a server cannot start, the reason is passed on and the tests that
 * need it fail with it; the rest of the run goes on.
 */
export default async function setup(project: TestProject) {
  let postgres: PostgresServer | undefined
  let redis: RedisServer | undefined
  try {
    postgres = await startPostgres()
    const admin = new pg.Client({ connectionString: postgres.url })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`)
    await admin.end()
    const pool = new pg.Pool({ connectionString: postgres.urlOf(TEMPLATE_DATABASE), max: 1 })
    await migratePostgres(pool, join(RELAY_PACKAGE_DIR, 'migrations', 'postgres'))
    await pool.end()
    project.provide('parleyPostgres', { url: postgres.url })
  } catch (error) {
    project.provide('parleyPostgres', { error: (error as Error).message })
  }
  try {
    redis = await startRedis()
    project.provide('parleyRedis', { url: redis.url })
  } catch (error) {
    project.provide('parleyRedis', { error: (error as Error).message })
  }
  return async () => {
    await Promise.allSettled([postgres?.stop(), redis?.stop()])
  }
}
