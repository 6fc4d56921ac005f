import type { FunnelCounterKey } from './store.ts'

/*
 * The statements both adapters run, in `@name` form; the Postgres adapter numbers them
 * (`$1`…). Standard SQL only.
 */

const COLUMN: Record<FunnelCounterKey, string> = {
  site: 'site_id',
  channel: 'channel',
  page: 'page',
  source: 'source',
}

export const INCREMENT = `UPDATE funnel_counts SET count = count + 1
WHERE site_id = @siteId AND day = @day AND step = @step AND channel = @channel AND page = @page
  AND source = @source`

export const KEYS_OF_DAY =
  'SELECT COUNT(*) AS n FROM funnel_counts WHERE site_id = @siteId AND day = @day'

export const UPSERT = `INSERT INTO funnel_counts (site_id, day, step, channel, page, source, count)
VALUES (@siteId, @day, @step, @channel, @page, @source, 1)
ON CONFLICT (site_id, day, step, channel, page, source) DO UPDATE SET count = funnel_counts.count + 1`

export const SUMS: Record<FunnelCounterKey, string> = Object.fromEntries(
  Object.entries(COLUMN).map(([by, column]) => [
    by,
    `SELECT ${column} AS key,
  SUM(CASE WHEN step = 'visit' THEN count ELSE 0 END) AS visits,
  SUM(CASE WHEN step = 'open' THEN count ELSE 0 END) AS opens,
  SUM(CASE WHEN step = 'pick' THEN count ELSE 0 END) AS picks
FROM funnel_counts
WHERE day >= @fromAt AND day < @toAt AND (@siteId IS NULL OR site_id = @siteId)
GROUP BY ${column}
ORDER BY ${column}`,
  ]),
) as Record<FunnelCounterKey, string>
