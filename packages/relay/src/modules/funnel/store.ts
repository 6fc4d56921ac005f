import type { FunnelStep } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'

/** What one counter counts: a step on a site's local day, by channel, page path and source. */
export interface FunnelKey {
  siteId: string
  /** The first instant of the site's local day (epoch ms). */
  day: number
  step: FunnelStep
  /** The channel picked; '' for visits and opens. */
  channel: string
  /** The page's path; '' when unknown. */
  page: string
  /** The page's `utm_source`; '' without one. */
  source: string
}

/** The page and source a key past the daily cap is counted under. */
export const OTHER = '(other)'

/** A row of the funnel's counters, summed over a period. */
export interface FunnelSums {
  /** Site id, channel, page or source ('' where the counter has none). */
  key: string
  visits: number
  opens: number
  picks: number
}

export type FunnelCounterKey = 'site' | 'channel' | 'page' | 'source'

/**
 * The funnel's anonymous daily counters (`020_funnel.sql`). `describeFunnelStore` in
 * `contract.ts` is the suite every adapter passes.
 */
export interface FunnelStore {
  /**
   * Adds one to `key`'s counter. A key the site has no counter for yet that day, once it has
   * `cap` of them, is counted with page and source `OTHER` instead: a day's rows per site stay
   * bounded whatever callers send. Returns whether the key was counted as it is.
   */
  count(tx: Tx, key: FunnelKey, cap: number): Promise<'counted' | 'other'>
  /** The counters of the days in `[fromAt, toAt)` (of one site, or all), summed per `by`. */
  sums(
    filter: { fromAt: number; toAt: number; siteId: string | null },
    by: FunnelCounterKey,
  ): Promise<FunnelSums[]>
}
