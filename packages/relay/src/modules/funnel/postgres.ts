import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { INCREMENT, KEYS_OF_DAY, SUMS, UPSERT } from './sql.ts'
import {
  type FunnelCounterKey,
  type FunnelKey,
  type FunnelStore,
  type FunnelSums,
  OTHER,
} from './store.ts'

type Params = Record<string, string | number | null>

/** `@name` parameters as `$n`, and the values in that order. */
function numbered(text: string, params: Params): [string, (string | number | null)[]] {
  const names: string[] = []
  const sql = text.replace(/@(\w+)/g, (_, name: string) => {
    let i = names.indexOf(name)
    if (i < 0) i = names.push(name) - 1
    // `@siteId IS NULL` needs a type PostgreSQL cannot infer from a bare parameter.
    return `$${i + 1}${name === 'siteId' ? '::text' : ''}`
  })
  return [sql, names.map((name) => params[name] ?? null)]
}

/** The `funnel_counts` table on PostgreSQL (`migrations/postgres/020_funnel.sql`). */
export class PostgresFunnelStore implements FunnelStore {
  constructor(private readonly db: PostgresDatabase) {}

  async count(tx: Tx, key: FunnelKey, cap: number): Promise<'counted' | 'other'> {
    const params = { ...key }
    if ((await this.db.run(tx, ...numbered(INCREMENT, params))) > 0) return 'counted'
    const row = await this.db.row<{ n: number }>(...numbered(KEYS_OF_DAY, params), tx)
    const counted = Number(row?.n ?? 0) < cap
    await this.db.run(
      tx,
      ...numbered(UPSERT, counted ? params : { ...params, page: OTHER, source: OTHER }),
    )
    return counted ? 'counted' : 'other'
  }

  async sums(
    filter: { fromAt: number; toAt: number; siteId: string | null },
    by: FunnelCounterKey,
  ): Promise<FunnelSums[]> {
    return this.db.rows<FunnelSums>(...numbered(SUMS[by], filter))
  }
}
