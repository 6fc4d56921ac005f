import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { createPostgresStores, type Stores } from '../stores.ts'
import { TEMPLATE_DATABASE } from './global-services.ts'

let admin: Promise<pg.Client> | undefined

/** The test server's maintenance URL; throws how to install PostgreSQL when there is none. */
export function testPostgresUrl(): string {
  const { url, error } = inject('parleyPostgres')
  if (url === undefined) throw new Error(error ?? 'no test PostgreSQL server')
  return url
}

function adminClient(): Promise<pg.Client> {
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: testPostgresUrl() })
    client.on('error', () => {})
    await client.connect()
    return client
  })()
  return admin
}

/**
 * A new database on the test server, migrated (a clone of the template), and a function
 * that drops it. `empty` gives one without tables, to test migrating.
 */
export async function createTestDatabase({ empty = false } = {}) {
  const client = await adminClient()
  const name = `t_${randomBytes(6).toString('hex')}`
  const template = empty ? 'template0' : TEMPLATE_DATABASE
  await client.query(`CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY`)
  const url = new URL(testPostgresUrl())
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => {}),
  }
}

/** A fresh PostgreSQL store set; closing its `db` drops the database. */
export async function postgresStores(): Promise<Stores> {
  const { url, drop } = await createTestDatabase()
  const stores = await createPostgresStores(url)
  const close = stores.db.close.bind(stores.db)
  stores.db.close = async () => {
    await close()
    await drop()
  }
  return stores
}

/** The test Redis server's URL; throws how to install redis-server when there is none. */
export function testRedisUrl(): string {
  const { url, error } = inject('parleyRedis')
  if (url === undefined) throw new Error(error ?? 'no test Redis server')
  return url
}
