import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type Statements, statements } from '../../infra/db/statements.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { INCREMENT, KEYS_OF_DAY, SUMS, UPSERT } from './sql.ts'
import {
  type FunnelCounterKey,
  type FunnelKey,
  type FunnelStore,
  type FunnelSums,
  OTHER,
} from './store.ts'

/** The `funnel_counts` table (`020_funnel.sql`). */
export class SqliteFunnelStore implements FunnelStore {
  private readonly sql: Statements

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
  }

  async count(tx: Tx, key: FunnelKey, cap: number): Promise<'counted' | 'other'> {
    if (this.sql(INCREMENT, tx).run(key).changes > 0) return 'counted'
    const { n } = this.sql(KEYS_OF_DAY, tx).get(key) as { n: number }
    const counted = n < cap
    this.sql(UPSERT, tx).run(counted ? key : { ...key, page: OTHER, source: OTHER })
    return counted ? 'counted' : 'other'
  }

  sums(
    filter: { fromAt: number; toAt: number; siteId: string | null },
    by: FunnelCounterKey,
  ): Promise<FunnelSums[]> {
    return this.db.read(() => this.sql(SUMS[by]).all(filter) as FunnelSums[])
  }
}
