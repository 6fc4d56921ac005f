import type { OperatorStatus } from '@parley/protocol'
import type { PostgresDatabase, SqlValue } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import {
  channelsFrom,
  type DayConversation,
  type FactsChannelKey,
  metricsFrom,
  type PartFilter,
  type ReportSource,
  type RollupColumn,
  type RollupEngine,
  rebuildRollups,
} from './rollups.ts'
import type {
  AnalyticsStore,
  ChannelKey,
  ChannelSums,
  EngagementCounts,
  MetricsFilter,
  MetricsKey,
  MetricsSums,
  StatusTime,
} from './store.ts'

/*
 * The SQLite adapter's SQL with PostgreSQL's spellings: a list parameter is an array
 * (`= ANY(@ids)` for `IN (SELECT value FROM json_each(@ids))`), an event's type is
 * `data::jsonb ->> 'type'`, camel-case column names are quoted, and keys are ordered as
 * SQLite orders them (bytewise, NULL first) whatever the database's collation.
 */

/** The type of each named parameter; `@name` becomes `$n::type`. */
const TYPES: Readonly<Record<string, string>> = {
  since: 'bigint',
  now: 'bigint',
  fromAt: 'bigint',
  toAt: 'bigint',
  at: 'bigint',
  siteId: 'text',
  siteIds: 'text[]',
  dim: 'text',
  start: 'bigint',
  end: 'bigint',
  rows: 'jsonb',
  operatorId: 'text',
  channel: 'text',
  botIds: 'text[]',
  groupIds: 'text[]',
  operatorIds: 'text[]',
  dayStarts: 'bigint[]',
}

interface Compiled {
  text: string
  names: string[]
}

/** `sql` with its `@name` parameters numbered, and the names in their order. */
function compile(sql: string): Compiled {
  const names: string[] = []
  const text = sql.replace(/@(\w+)/g, (_, name: string) => {
    const type = TYPES[name]
    if (type === undefined) throw new Error(`analytics: no type for @${name}`)
    let index = names.indexOf(name)
    if (index < 0) index = names.push(name) - 1
    return `$${index + 1}::${type}`
  })
  return { text, names }
}

const valuesOf = (sql: Compiled, params: Record<string, SqlValue>): SqlValue[] =>
  sql.names.map((name) => params[name] ?? null)

const PERSON_MESSAGE = `e.kind = 'message' AND e.author_kind = 'operator' AND e.author_id <> ALL(@botIds)`

/** The chats of the period with the facts every metric is defined on (see `METRICS`). */
const factsOf = (source: string) => `
c AS (
  SELECT id, site_id, routing_group, kind, channel, status, rating, page, created_at, updated_at
  FROM conversations
  WHERE ${source}
),
h AS MATERIALIZED (
  SELECT c.id,
    (SELECT MIN(e.seq) FROM events e WHERE e.conversation_id = c.id AND ${PERSON_MESSAGE}) AS first_seq,
    (SELECT MIN(r.at) FROM routing_log r WHERE r.conversation_id = c.id) AS routed_at,
    (SELECT MIN(e.at) FROM events e WHERE e.conversation_id = c.id AND e.kind = 'system'
       AND (CASE WHEN e.kind = 'system' THEN e.data::jsonb ->> 'type' END) = 'closed') AS closed_at,
    CASE WHEN EXISTS (SELECT 1 FROM routing_log r WHERE r.conversation_id = c.id
       AND r.type = 'transferred') THEN 1 ELSE 0 END AS transferred,
    (SELECT r.operator_id FROM routing_log r WHERE r.conversation_id = c.id AND r.type = 'assigned'
       ORDER BY r.id DESC LIMIT 1) AS last_assigned
  FROM c
),
f1 AS MATERIALIZED (
  SELECT c.*, h.routed_at, h.transferred, h.last_assigned, fe.at AS first_at, fe.author_id AS first_by,
    CASE WHEN c.status = 'closed' THEN COALESCE(h.closed_at, c.updated_at) END AS closed_at,
    (SELECT MAX(e.at) FROM events e WHERE e.conversation_id = c.id AND e.kind = 'message'
       AND e.author_kind = 'operator' AND e.author_id = ANY(@botIds) AND e.seq < h.first_seq) AS bot_at
  FROM c JOIN h ON h.id = c.id
  LEFT JOIN events fe ON fe.conversation_id = c.id AND fe.seq = h.first_seq
),
f2 AS (
  SELECT f1.*,
    CASE WHEN bot_at IS NOT NULL AND bot_at > COALESCE(routed_at, created_at) THEN bot_at
      ELSE COALESCE(routed_at, created_at) END AS ws0
  FROM f1
),
f AS MATERIALIZED (
  SELECT f2.*,
    CASE WHEN first_at IS NOT NULL AND ws0 > first_at THEN first_at ELSE ws0 END AS ws,
    COALESCE(first_by, last_assigned) AS owner,
    (SELECT MAX(r.at) FROM routing_log r WHERE r.conversation_id = f2.id AND r.type = 'assigned'
       AND r.operator_id = f2.first_by AND r.at <= f2.first_at) AS assigned_at
  FROM f2
),
m AS (
  SELECT e.conversation_id AS cid, e.seq, e.at,
    CASE WHEN e.author_kind = 'visitor' THEN 0 ELSE 1 END AS person
  FROM events e
  WHERE e.conversation_id IN (SELECT id FROM f)
    AND e.kind = 'message' AND (e.author_kind = 'visitor' OR (${PERSON_MESSAGE}))
),
mk AS (
  SELECT cid, at, person,
    SUM(person) OVER (PARTITION BY cid ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
      - person AS k
  FROM m
),
runs AS (
  SELECT cid, MIN(CASE WHEN person = 0 THEN at END) AS asked,
    MIN(CASE WHEN person = 1 THEN at END) AS answered
  FROM mk GROUP BY cid, k
),
resp AS (
  SELECT runs.cid, COUNT(*) AS n,
    SUM(runs.answered - CASE WHEN runs.asked > f.ws THEN runs.asked ELSE f.ws END) AS total
  FROM runs JOIN f ON f.id = runs.cid
  WHERE runs.asked IS NOT NULL AND runs.answered IS NOT NULL
  GROUP BY runs.cid
)`

/** The scenario whose invitation brought the conversation (its conversion), if any. */
const SCENARIO_OF = (table: string) =>
  `(SELECT g.scenario_id FROM engagements g WHERE g.conversation_id = ${table}.id
     AND g.event = 'conversion' ORDER BY g.at, g.ord LIMIT 1)`

const DONE = 'first_at IS NOT NULL AND closed_at IS NOT NULL'

/** Works the facts out again for every chat updated since `@since` (see the SQLite adapter). */
const REFRESH_SQL = compile(`WITH ${factsOf("updated_at >= @since AND kind = 'chat'")}
INSERT INTO analytics_chats (conversation_id, site_id, group_id, channel, created_at, owner,
  scenario_id, accepted, missed, waiting, transferred, first_from_assignment, first_from_queue,
  response_sum, response_count, closed_accepted, handle, resolution, rated, satisfied, rating)
SELECT f.id, f.site_id, f.routing_group, COALESCE(f.channel, f.kind), f.created_at, f.owner, ${SCENARIO_OF('f')},
  CASE WHEN first_at IS NOT NULL THEN 1 ELSE 0 END,
  CASE WHEN first_at IS NULL AND closed_at IS NOT NULL THEN 1 ELSE 0 END,
  CASE WHEN first_at IS NULL AND closed_at IS NULL THEN 1 ELSE 0 END,
  transferred,
  COALESCE(first_at - COALESCE(assigned_at, ws), 0),
  COALESCE(first_at - ws, 0),
  COALESCE(resp.total, 0),
  COALESCE(resp.n, 0),
  CASE WHEN ${DONE} THEN 1 ELSE 0 END,
  CASE WHEN ${DONE} THEN closed_at - COALESCE(assigned_at, ws) ELSE 0 END,
  CASE WHEN ${DONE} THEN closed_at - ws ELSE 0 END,
  CASE WHEN ${DONE} AND rating IS NOT NULL THEN 1 ELSE 0 END,
  CASE WHEN ${DONE} AND rating >= 4 THEN 1 ELSE 0 END,
  rating
FROM f LEFT JOIN resp ON resp.cid = f.id
ON CONFLICT (conversation_id) DO UPDATE SET
  site_id = excluded.site_id, group_id = excluded.group_id, channel = excluded.channel,
  owner = excluded.owner, scenario_id = excluded.scenario_id, accepted = excluded.accepted,
  missed = excluded.missed, waiting = excluded.waiting, transferred = excluded.transferred,
  first_from_assignment = excluded.first_from_assignment,
  first_from_queue = excluded.first_from_queue, response_sum = excluded.response_sum,
  response_count = excluded.response_count, closed_accepted = excluded.closed_accepted,
  handle = excluded.handle, rated = excluded.rated, satisfied = excluded.satisfied,
  resolution = excluded.resolution, rating = excluded.rating`)

/** SQLite's order of a text key: bytewise, NULL first. */
const byKey = (sql: string, key = 'key COLLATE "C"') =>
  `SELECT * FROM (${sql}) AS q ORDER BY ${key} NULLS FIRST`

/** The sums of `MetricsSums` over the facts of the chats that pass the filter, by `key`. */
function metricsSql(
  key: string,
  from = 'FROM analytics_chats\nWHERE created_at >= @fromAt AND created_at < @toAt',
  order?: string,
): Compiled {
  return compile(
    byKey(
      `SELECT ${key} AS key,
  COUNT(*) AS received,
  SUM(accepted) AS accepted,
  SUM(missed) AS missed,
  SUM(waiting) AS waiting,
  SUM(transferred) AS transferred,
  SUM(first_from_assignment) AS "firstFromAssignmentSum",
  SUM(first_from_queue) AS "firstFromQueueSum",
  SUM(response_sum) AS "responseSum",
  SUM(response_count) AS "responseCount",
  SUM(closed_accepted) AS "closedAccepted",
  SUM(handle) AS "handleSum",
  SUM(resolution) AS "resolutionSum",
  SUM(rated) AS rated,
  SUM(satisfied) AS satisfied
${from}
  AND (@siteIds IS NULL OR site_id = ANY(@siteIds))
  AND (@groupIds IS NULL OR group_id = ANY(@groupIds))
  AND (@operatorId IS NULL OR owner = @operatorId)
  AND (@channel IS NULL OR channel = @channel)
GROUP BY 1`,
      order,
    ),
  )
}

/** By page: the facts beside each chat's page, read from the conversation itself. */
const PAGE_METRICS_SQL = metricsSql(
  'page',
  `FROM (SELECT a.*, c.page FROM analytics_chats a JOIN conversations c ON c.id = a.conversation_id
    WHERE a.created_at >= @fromAt AND a.created_at < @toAt) AS x
WHERE true`,
)

const METRICS_SQL: Record<Exclude<MetricsKey, 'page' | 'day' | 'source'>, Compiled> = {
  operator: metricsSql('owner'),
  group: metricsSql('group_id'),
  site: metricsSql('site_id'),
  channel: metricsSql('channel'),
  scenario: metricsSql('scenario_id'),
}

/** By day: each day of `@dayStarts` (its index the key) scans its own run of rows. */
const DAY_METRICS_SQL = metricsSql(
  'd.key',
  `FROM (SELECT u.value, u.ord - 1 AS key, LEAD(u.value) OVER (ORDER BY u.ord) AS next
    FROM unnest(@dayStarts) WITH ORDINALITY AS u(value, ord)) AS d
  CROSS JOIN analytics_chats
WHERE created_at >= d.value AND created_at < COALESCE(d.next, @toAt)`,
  'key',
)

const STATUS_TIME_SQL = compile(`
WITH s AS (
  SELECT operator_id, status, at,
    LEAD(at) OVER (PARTITION BY operator_id ORDER BY at, id) AS until
  FROM operator_status_log
  WHERE at < @toAt
    AND (@operatorIds IS NULL OR operator_id = ANY(@operatorIds))
),
clip AS (
  SELECT operator_id, status,
    CASE WHEN at > @fromAt THEN at ELSE @fromAt END AS a,
    CASE WHEN COALESCE(until, @now) < @toAt THEN COALESCE(until, @now) ELSE @toAt END AS b
  FROM s
  WHERE status IN ('online', 'pause') AND COALESCE(until, @now) > @fromAt
)
SELECT operator_id AS "operatorId",
  SUM(CASE WHEN status = 'online' AND b > a THEN b - a ELSE 0 END) AS "onlineMs",
  SUM(CASE WHEN status = 'pause' AND b > a THEN b - a ELSE 0 END) AS "pauseMs"
FROM clip
GROUP BY operator_id
ORDER BY operator_id COLLATE "C"`)

function channelSql(key: string): Compiled {
  return compile(
    byKey(`
WITH c AS (
  SELECT id, site_id, kind, channel, page, visitor_phone, visitor_email
  FROM conversations
  WHERE created_at >= @fromAt AND created_at < @toAt
    AND (@siteIds IS NULL OR site_id = ANY(@siteIds))
    AND (@groupIds IS NULL OR routing_group = ANY(@groupIds))
)
SELECT ${key} AS key,
  COUNT(*) AS conversations,
  SUM(CASE WHEN kind = 'chat' THEN 1 ELSE 0 END) AS chats,
  SUM(CASE WHEN kind = 'callback' THEN 1 ELSE 0 END) AS callbacks,
  SUM(CASE WHEN kind = 'offline' THEN 1 ELSE 0 END) AS offline,
  SUM(CASE WHEN visitor_phone IS NOT NULL OR visitor_email IS NOT NULL THEN 1 ELSE 0 END) AS leads
FROM c
GROUP BY 1`),
  )
}

const CHANNEL_SQL: Record<FactsChannelKey, Compiled> = {
  channel: channelSql('COALESCE(channel, kind)'),
  site: channelSql('site_id'),
  scenario: channelSql(SCENARIO_OF('c')),
  page: channelSql('page'),
}

const ENGAGEMENTS_SQL = compile(`
SELECT scenario_id AS "scenarioId",
  SUM(CASE WHEN event = 'impression' THEN 1 ELSE 0 END) AS impressions,
  SUM(CASE WHEN event = 'click' THEN 1 ELSE 0 END) AS clicks
FROM engagements
WHERE at >= @fromAt AND at < @toAt AND (@siteId IS NULL OR site_id = @siteId)
GROUP BY scenario_id
ORDER BY scenario_id COLLATE "C"`)

const ENGAGED_SQL = compile(`
SELECT site_id AS "siteId", visitor_id AS "visitorId", MAX(at) AS at FROM engagements
WHERE at >= @since AND visitor_id IS NOT NULL AND (@siteId IS NULL OR site_id = @siteId)
  AND event IN ('impression', 'click', 'conversion')
GROUP BY site_id, visitor_id`)

const CLOSE_OPEN_SQL = compile(`
INSERT INTO operator_status_log (operator_id, status, at)
SELECT l.operator_id, 'offline', @at FROM operator_status_log l
WHERE l.id = (SELECT MAX(id) FROM operator_status_log m WHERE m.operator_id = l.operator_id)
  AND l.status <> 'offline'`)

const REFRESHED_THROUGH = 'SELECT through FROM analytics_refresh WHERE id = 1'
const SET_REFRESHED = `INSERT INTO analytics_refresh (id, through) VALUES (1, $1)
  ON CONFLICT (id) DO UPDATE SET through = excluded.through`
const LOG_STATUS = 'INSERT INTO operator_status_log (operator_id, status, at) VALUES ($1, $2, $3)'

const SUM_COLUMNS = [
  ['received', 'received'],
  ['accepted', 'accepted'],
  ['missed', 'missed'],
  ['waiting', 'waiting'],
  ['transferred', 'transferred'],
  ['first_from_assignment', 'firstFromAssignmentSum'],
  ['first_from_queue', 'firstFromQueueSum'],
  ['response_sum', 'responseSum'],
  ['response_count', 'responseCount'],
  ['closed_accepted', 'closedAccepted'],
  ['handle', 'handleSum'],
  ['resolution', 'resolutionSum'],
  ['rated', 'rated'],
  ['satisfied', 'satisfied'],
] as const
const COUNT_COLUMNS = ['conversations', 'chats', 'callbacks', 'offline', 'leads'] as const
/** Every split, so a day's rows are found by `analytics_days_by_site` (site, dim, day). */
const DIMS = "('chats', 'channel', 'scenario', 'landing', 'source')"

/** The sums of the rollup rows of one split in `[fromAt, toAt)` by `column` (`rollups.ts`). */
function rolledSql(column: RollupColumn, sums: 'metrics' | 'counts'): Compiled {
  const cols =
    sums === 'metrics'
      ? SUM_COLUMNS.map(([c, name]) => `SUM(${c}) AS "${name}"`)
      : COUNT_COLUMNS.map((c) => `SUM(${c}) AS ${c}`)
  return compile(`SELECT ${column === 'day_start' ? 'day_start::text' : column} AS key, ${cols.join(', ')}
FROM analytics_days
WHERE site_id = ANY(@siteIds) AND dim = @dim AND day_start >= @fromAt AND day_start < @toAt
  AND (@groupIds IS NULL OR group_id = ANY(@groupIds))
  AND (@operatorId IS NULL OR owner = @operatorId)
  AND (@channel IS NULL OR key = @channel)
GROUP BY 1
HAVING SUM(${sums === 'metrics' ? 'received' : 'conversations'}) > 0`)
}

const ROLLED = new Map<string, Compiled>()
const rolled = (column: RollupColumn, sums: 'metrics' | 'counts') => {
  const id = `${column}:${sums}`
  const sql = ROLLED.get(id) ?? rolledSql(column, sums)
  ROLLED.set(id, sql)
  return sql
}

/** A site-day's conversations with their facts, as `rollUp` adds them up. */
const DAY_CONVERSATIONS_SQL = compile(`
SELECT c.kind, COALESCE(c.channel, c.kind) AS channel, c.routing_group, ${SCENARIO_OF('c')} AS scenario, c.page,
  CASE WHEN c.visitor_phone IS NOT NULL OR c.visitor_email IS NOT NULL THEN 1 ELSE 0 END AS lead,
  CASE WHEN a.conversation_id IS NULL THEN 0 ELSE 1 END AS has_fact,
  a.group_id AS f_group, a.owner AS f_owner, a.channel AS f_channel, a.scenario_id AS f_scenario,
  ${SUM_COLUMNS.slice(1)
    .map(([c]) => `a.${c}`)
    .join(', ')}
FROM conversations c LEFT JOIN analytics_chats a ON a.conversation_id = c.id
WHERE c.site_id = @siteId AND c.created_at >= @start AND c.created_at < @end`)

/** A site-day's rollup rows, from one JSON array (`jsonb_to_recordset`). */
const INSERT_DAY_SQL = compile(`INSERT INTO analytics_days (site_id, day_start, day_end, dim,
  group_id, owner, key, ${SUM_COLUMNS.map(([c]) => c).join(', ')}, ${COUNT_COLUMNS.join(', ')})
SELECT @siteId, @start, @end, r.dim, r."groupId", r.owner, r.key,
  ${SUM_COLUMNS.map(([, n]) => `r."${n}"`).join(', ')}, ${COUNT_COLUMNS.map((c) => `r.${c}`).join(', ')}
FROM jsonb_to_recordset(@rows) AS r(dim text, "groupId" text, owner text, key text,
  ${[...SUM_COLUMNS.map(([, n]) => `"${n}" bigint`), ...COUNT_COLUMNS.map((c) => `${c} bigint`)].join(', ')})`)

const TOUCHED_SQL =
  compile(`SELECT site_id AS "siteId", created_at AS "createdAt" FROM conversations
  WHERE updated_at >= @since
  UNION ALL SELECT site_id, at FROM analytics_days_stale`)

const list = (ids: readonly string[] | null) => (ids === null ? null : [...ids])

const paramsOf = (f: PartFilter): Record<string, SqlValue> => ({
  fromAt: f.fromAt,
  toAt: f.toAt,
  siteIds: list(f.siteIds),
  groupIds: list(f.groupIds),
  operatorId: f.operatorId,
  channel: f.channel ?? null,
})

/** See the SQLite adapter: writes stamped just before the last refresh are worked out again. */
const REFRESH_MARGIN_MS = 60_000

/**
 * Reads the conversation log for reports; writes `operator_status_log`
 * (`migrations/postgres/014_analytics.sql`). The same queries as `SqliteAnalyticsStore`.
 */
export class PostgresAnalyticsStore implements AnalyticsStore {
  constructor(private readonly db: PostgresDatabase) {}

  /** The SQL the rollups are read, written and completed with (`rollups.ts`). */
  private readonly engine: RollupEngine = {
    factsMetrics: async (f, by, dayStarts) => {
      const params = paramsOf(f)
      if (by === 'day') {
        const rows = await this.db.rows<MetricsSums>(
          DAY_METRICS_SQL.text,
          valuesOf(DAY_METRICS_SQL, { ...params, dayStarts: dayStarts.map(String) }),
        )
        return rows.map((row) => ({ ...row, key: String(row.key) }))
      }
      const sql = by === 'page' ? PAGE_METRICS_SQL : METRICS_SQL[by]
      return this.db.rows<MetricsSums>(sql.text, valuesOf(sql, params))
    },
    factsChannels: (f, by) => {
      const sql = CHANNEL_SQL[by]
      return this.db.rows<ChannelSums>(sql.text, valuesOf(sql, paramsOf(f)))
    },
    rolledMetrics: (f, dim, column) => {
      const sql = rolled(column, 'metrics')
      return this.db.rows<MetricsSums>(sql.text, valuesOf(sql, { ...paramsOf(f), dim }))
    },
    rolledChannels: (f, dim, column) => {
      const sql = rolled(column, 'counts')
      return this.db.rows<ChannelSums>(
        sql.text,
        valuesOf(sql, { ...paramsOf(f), operatorId: null, channel: null, dim }),
      )
    },
    zones: async (tx) => {
      const rows = await this.db.rows<{ site_id: string; time_zone: string }>(
        'SELECT site_id, time_zone FROM analytics_day_zones',
        [],
        tx,
      )
      return new Map(rows.map((r) => [r.site_id, r.time_zone]))
    },
    touched: async (tx, since) => {
      const rows = await this.db.rows<{ siteId: string; createdAt: number }>(
        TOUCHED_SQL.text,
        valuesOf(TOUCHED_SQL, { since }),
        tx,
      )
      await this.db.run(tx, 'DELETE FROM analytics_days_stale')
      return rows
    },
    siteTimes: async (tx, siteId) =>
      (
        await this.db.rows<{ at: number }>(
          'SELECT created_at AS at FROM conversations WHERE site_id = $1',
          [siteId],
          tx,
        )
      ).map((r) => r.at),
    resetSite: async (tx, siteId, timeZone) => {
      await this.db.run(tx, 'DELETE FROM analytics_days WHERE site_id = $1', [siteId])
      await this.db.run(
        tx,
        `INSERT INTO analytics_day_zones (site_id, time_zone) VALUES ($1, $2)
         ON CONFLICT (site_id) DO UPDATE SET time_zone = excluded.time_zone`,
        [siteId, timeZone],
      )
    },
    dayConversations: (tx, siteId, start, end) =>
      this.db.rows<DayConversation>(
        DAY_CONVERSATIONS_SQL.text,
        valuesOf(DAY_CONVERSATIONS_SQL, { siteId, start, end }),
        tx,
      ),
    replaceDay: async (tx, siteId, start, end, rows) => {
      await this.db.run(
        tx,
        `DELETE FROM analytics_days WHERE site_id = $1 AND dim IN ${DIMS} AND day_start = $2`,
        [siteId, start],
      )
      if (rows.length === 0) return
      await this.db.run(
        tx,
        INSERT_DAY_SQL.text,
        valuesOf(INSERT_DAY_SQL, { siteId, start, end, rows: JSON.stringify(rows) }),
      )
    },
  }

  metrics(
    filter: MetricsFilter,
    by: MetricsKey,
    dayStarts: readonly number[] = [],
    source: ReportSource = 'rollups',
  ): Promise<MetricsSums[]> {
    return metricsFrom(this.engine, filter, by, dayStarts, source)
  }

  async refresh(
    tx: Tx,
    now: number,
    botIds: readonly string[],
    timeZones: ReadonlyMap<string, string> = new Map(),
  ): Promise<number> {
    const last = await this.db.row<{ through: number }>(REFRESHED_THROUGH, [], tx)
    const since = last === undefined ? 0 : last.through - REFRESH_MARGIN_MS
    const changes = await this.db.run(
      tx,
      REFRESH_SQL.text,
      valuesOf(REFRESH_SQL, { since, botIds: [...botIds] }),
    )
    await rebuildRollups(this.engine, tx, since, timeZones)
    await this.db.run(tx, SET_REFRESHED, [now])
    return changes
  }

  statusTime(
    range: { fromAt: number; toAt: number; now: number },
    operatorIds: readonly string[] | null,
  ): Promise<StatusTime[]> {
    return this.db.rows<StatusTime>(
      STATUS_TIME_SQL.text,
      valuesOf(STATUS_TIME_SQL, { ...range, operatorIds: list(operatorIds) }),
    )
  }

  channels(
    filter: Pick<MetricsFilter, 'fromAt' | 'toAt' | 'siteId' | 'groupIds'>,
    by: ChannelKey,
    source: ReportSource = 'rollups',
  ): Promise<ChannelSums[]> {
    return channelsFrom(this.engine, filter, by, source)
  }

  engagements(range: {
    fromAt: number
    toAt: number
    siteId: string | null
  }): Promise<EngagementCounts[]> {
    return this.db.rows<EngagementCounts>(ENGAGEMENTS_SQL.text, valuesOf(ENGAGEMENTS_SQL, range))
  }

  async engagedVisitors(siteId: string | null, since: number): Promise<Map<string, number>> {
    const rows = await this.db.rows<{ siteId: string; visitorId: string; at: number }>(
      ENGAGED_SQL.text,
      valuesOf(ENGAGED_SQL, { siteId, since }),
    )
    return new Map(rows.map((r) => [`${r.siteId}\n${r.visitorId}`, r.at]))
  }

  async logStatus(tx: Tx, operatorId: string, status: OperatorStatus, at: number): Promise<void> {
    await this.db.run(tx, LOG_STATUS, [operatorId, status, at])
  }

  closeOpenStatuses(tx: Tx, at: number): Promise<number> {
    return this.db.run(tx, CLOSE_OPEN_SQL.text, valuesOf(CLOSE_OPEN_SQL, { at }))
  }
}
