import type { OperatorStatus } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { ReportSource } from './rollups.ts'

/** What a report counts: chats created in `[fromAt, toAt)` that pass the filters. */
export interface MetricsFilter {
  fromAt: number
  toAt: number
  siteId: string | null
  /** Only chats routed to one of these groups; null: every group (and none). */
  groupIds: readonly string[] | null
  /** Only chats owned by this operator (see `METRICS`). */
  operatorId: string | null
  /** Only chats of this channel (`chat`: the site's widget, `telegram`, `vk`, `viber`); absent: all. */
  channel?: string | null
  /** Employees of kind `bot`: their messages are never responses. */
  botIds: readonly string[]
  /** Now: a status interval still open ends here. */
  now: number
}

/**
 * The rows a report splits into: by the chat's owner, group, site, channel, the scenario that
 * brought it, its landing page (the page without query and fragment), the page's `utm_source`,
 * or the day.
 */
export type MetricsKey =
  | 'operator'
  | 'group'
  | 'site'
  | 'channel'
  | 'scenario'
  | 'page'
  | 'source'
  | 'day'

/**
 * The sums a row's metrics are made of (SQL aggregates). Means are `…Sum / count`, shares
 * `part / whole`, worked out by one function for rows and totals alike (`service.ts`).
 */
export interface MetricsSums {
  /** Operator, group, site or channel id; for `day`, the index into `dayStarts`. */
  key: string | null
  received: number
  accepted: number
  missed: number
  waiting: number
  transferred: number
  /** Over accepted chats (count: `accepted`). */
  firstFromAssignmentSum: number
  firstFromQueueSum: number
  responseSum: number
  responseCount: number
  /** Accepted chats that are closed: the count behind handle and resolution time, rating response. */
  closedAccepted: number
  handleSum: number
  resolutionSum: number
  rated: number
  satisfied: number
}

/** Milliseconds an operator spent online and on pause within a period. */
export interface StatusTime {
  operatorId: string
  onlineMs: number
  pauseMs: number
}

/**
 * Conversations of every kind per key (`page`: the landing page, `source`: `utm_source`); a channel row's
 * chat metrics (missed, first response, CSAT) come from `metrics` by the same key.
 */
export interface ChannelSums {
  key: string | null
  conversations: number
  chats: number
  callbacks: number
  offline: number
  /** Conversations where the visitor left a phone or email. */
  leads: number
}

export type ChannelKey = 'channel' | 'site' | 'scenario' | 'page' | 'source'

/** Scenario invitations shown and clicked in a period, per scenario. */
export interface EngagementCounts {
  scenarioId: string
  impressions: number
  clicks: number
}

/**
 * Analytics reads the log the other modules write (conversations, events, routing_log,
 * engagements) — the one module that does, read-only — and writes only the status log.
 * `describeAnalyticsStore` in `contract.ts` is the suite every adapter passes.
 */
export interface AnalyticsStore {
  /**
   * Works each chat's facts out again from the log for the conversations changed since the
   * last refresh (all of them the first time). Reports read the facts: refresh first.
   * The daily rollups of the site-days those chats fall in are rebuilt with them, in each
   * site's zone (`timeZones`; UTC for a site not in it). Returns the chats worked out.
   */
  refresh(
    tx: Tx,
    now: number,
    botIds: readonly string[],
    timeZones?: ReadonlyMap<string, string>,
  ): Promise<number>
  /**
   * Operator metrics' sums per key from the refreshed facts (`page`: the conversation's landing
   * page); `dayStarts` (ascending, the first is `fromAt`) for `day`. `source` `rollups` (the
   * default) reads the daily rollups for whole days and the facts for the rest, `facts` the
   * facts only: the same numbers.
   */
  metrics(
    filter: MetricsFilter,
    by: MetricsKey,
    dayStarts?: readonly number[],
    source?: ReportSource,
  ): Promise<MetricsSums[]>
  /** Time online and on pause within `[fromAt, toAt)` (up to `now`) of these operators (null: all). */
  statusTime(
    range: { fromAt: number; toAt: number; now: number },
    operatorIds: readonly string[] | null,
  ): Promise<StatusTime[]>
  /** Channel-effectiveness counts per key over every conversation kind (`source` as in `metrics`). */
  channels(
    filter: Pick<MetricsFilter, 'fromAt' | 'toAt' | 'siteId' | 'groupIds'>,
    by: ChannelKey,
    source?: ReportSource,
  ): Promise<ChannelSums[]>
  /** Impressions and clicks per scenario in the period. */
  engagements(range: {
    fromAt: number
    toAt: number
    siteId: string | null
  }): Promise<EngagementCounts[]>
  /**
   * Visitors a scenario engaged (shown, clicked, converted) since `since`: `<siteId>\n<visitorId>`
   * → the latest such moment.
   */
  engagedVisitors(siteId: string | null, since: number): Promise<Map<string, number>>
  /** Records an operator's new status. */
  logStatus(tx: Tx, operatorId: string, status: OperatorStatus, at: number): Promise<void>
  /** Ends every interval left open (a stop or crash): an `offline` row at `at` for each. */
  closeOpenStatuses(tx: Tx, at: number): Promise<number>
}
