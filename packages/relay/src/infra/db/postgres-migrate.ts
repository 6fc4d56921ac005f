import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type pg from 'pg'

/** The advisory lock relays take while migrating (any constant; this one spells "parley"). */
export const MIGRATION_LOCK = 0x7061726c6579

/**
 * Applies every `NNN_name.sql` in `dir` not yet recorded in `schema_migrations`, in
 * file-name order, each in its own transaction. Relays starting at once take turns on a
 * session advisory lock, so each migration runs once; the later ones find it recorded.
 * Returns the versions this call applied.
 */
export async function migratePostgres(pool: pg.Pool, dir: string): Promise<string[]> {
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)',
      )
      const applied = new Set(
        (await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map(
          (row) => row.version,
        ),
      )
      const files = readdirSync(dir)
        .filter((name) => /^\d+_.+\.sql$/.test(name))
        .sort()
      const done: string[] = []
      for (const file of files) {
        const version = file.replace(/\.sql$/, '')
        if (applied.has(version)) continue
        const sql = readFileSync(join(dir, file), 'utf8')
        await client.query('BEGIN')
        try {
          await client.query(sql)
          await client.query(
            'INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)',
            [version, Date.now()],
          )
          await client.query('COMMIT')
        } catch (error) {
          await client.query('ROLLBACK')
          throw error
        }
        done.push(version)
      }
      return done
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
    }
  } finally {
    client.release()
  }
}
