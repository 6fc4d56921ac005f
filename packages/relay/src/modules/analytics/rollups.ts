import type { Tx } from '../../infra/db/unit-of-work.ts'
import { pageKey, sourceKey } from './keys.ts'
import { localDayOf } from './period.ts'
import type { ChannelKey, ChannelSums, MetricsFilter, MetricsKey, MetricsSums } from './store.ts'

/*
 * Daily rollups (`analytics_days`, migration 019): per site, per local day of the site's zone,
 * the sums of `MetricsSums` and `ChannelSums` split by what the dashboard groups and filters by.
 * They are rebuilt in the refresh's transaction for every site-day a changed conversation
 * falls in (the facts' watermark), so they always equal the facts they are summed from. A report
 * reads the rollups for the whole days of its period and the facts for the partial days at its
 * edges (a period in UTC over a site in another zone); the engines give the SQL, this file
 * decides which part comes from where and adds the parts up.
 */

/**
 * A rollup row's split. `chats`: by group and owner (operator, group, site and day reports,
 * with every filter); `channel`: also by channel; `scenario`, `landing` (the page without query
 * and fragment) and `source` (`utm_source`): by group and key only (channel effectiveness has
 * no operator filter; an operator's report by these reads the facts).
 */
export type RollupDim = 'chats' | 'channel' | 'scenario' | 'landing' | 'source'

/** The counts columns of a rollup row (the sums a report adds up). */
export interface RollupSums extends Omit<MetricsSums, 'key'>, Omit<ChannelSums, 'key'> {}

export interface RollupRow extends RollupSums {
  dim: RollupDim
  groupId: string | null
  owner: string | null
  key: string | null
}

/** One conversation of a site-day as the rebuild reads it: the conversation and its facts. */
export interface DayConversation {
  kind: string
  channel: string
  routing_group: string | null
  scenario: string | null
  page: string | null
  lead: number
  /** 1 when the chat has facts (`analytics_chats`), and then the columns below are its. */
  has_fact: number
  f_group: string | null
  f_owner: string | null
  f_channel: string | null
  f_scenario: string | null
  accepted: number
  missed: number
  waiting: number
  transferred: number
  first_from_assignment: number
  first_from_queue: number
  response_sum: number
  response_count: number
  closed_accepted: number
  handle: number
  resolution: number
  rated: number
  satisfied: number
}

/** Which sites, period and filters one part of a report covers. */
export interface PartFilter {
  fromAt: number
  toAt: number
  /** null: every site. */
  siteIds: readonly string[] | null
  groupIds: readonly string[] | null
  operatorId: string | null
  channel?: string | null
  botIds: readonly string[]
}

/** Metrics from the facts: `page` and `source` keyed by the page's full URL. */
export type FactsMetricsKey = Exclude<MetricsKey, 'source'>
export type FactsChannelKey = Exclude<ChannelKey, 'source'>

/** The SQL each adapter gives the rollups. */
export interface RollupEngine {
  factsMetrics(
    f: PartFilter,
    by: FactsMetricsKey,
    dayStarts: readonly number[],
  ): Promise<MetricsSums[]>
  factsChannels(f: PartFilter, by: FactsChannelKey): Promise<ChannelSums[]>
  /** Sums of the rollup rows of `dim` with `day_start` in the period, by `column`. */
  rolledMetrics(f: PartFilter, dim: RollupDim, column: RollupColumn): Promise<MetricsSums[]>
  rolledChannels(f: PartFilter, dim: RollupDim, column: RollupColumn): Promise<ChannelSums[]>
  /** The zone each site's rollups are in. */
  zones(tx?: Tx): Promise<Map<string, string>>
  /** Site and creation time of the conversations updated since `since`, and of the site-days marked stale (the marks removed). */
  touched(tx: Tx, since: number): Promise<{ siteId: string; createdAt: number }[]>
  /** Creation times of a site's conversations (a rebuild in another zone). */
  siteTimes(tx: Tx, siteId: string): Promise<number[]>
  /** Drops a site's rollups and records their zone. */
  resetSite(tx: Tx, siteId: string, timeZone: string): Promise<void>
  dayConversations(tx: Tx, siteId: string, start: number, end: number): Promise<DayConversation[]>
  replaceDay(tx: Tx, siteId: string, start: number, end: number, rows: RollupRow[]): Promise<void>
}

export type RollupColumn = 'owner' | 'group_id' | 'site_id' | 'day_start' | 'key'

/** Where a report reads from: the rollups where whole days allow, or only the facts. */
export type ReportSource = 'rollups' | 'facts'

const METRIC_ZERO: Omit<MetricsSums, 'key'> = {
  received: 0,
  accepted: 0,
  missed: 0,
  waiting: 0,
  transferred: 0,
  firstFromAssignmentSum: 0,
  firstFromQueueSum: 0,
  responseSum: 0,
  responseCount: 0,
  closedAccepted: 0,
  handleSum: 0,
  resolutionSum: 0,
  rated: 0,
  satisfied: 0,
}

const COUNT_ZERO: Omit<ChannelSums, 'key'> = {
  conversations: 0,
  chats: 0,
  callbacks: 0,
  offline: 0,
  leads: 0,
}

/** One part of a report: a run of time over some sites, read from one source. */
interface Part {
  source: ReportSource
  fromAt: number
  toAt: number
  siteIds: readonly string[] | null
}

/** The first local midnight at or after `at`, and the last at or before `toAt`. */
function wholeDays(fromAt: number, toAt: number, timeZone: string): [number, number] {
  const first = localDayOf(fromAt, timeZone)
  const a = first.start === fromAt ? fromAt : first.end
  const b = localDayOf(toAt, timeZone).start
  return [a, b]
}

/** Whether every local day of `timeZone` in `[a, b)` is one day of `dayStarts` (`toAt` ends the last). */
function aligned(
  a: number,
  b: number,
  timeZone: string,
  dayStarts: readonly number[],
  toAt: number,
) {
  const starts = new Set(dayStarts)
  const ends = new Set([...dayStarts, toAt])
  for (let at = a; at < b; ) {
    const day = localDayOf(at, timeZone)
    if (!starts.has(day.start) || !ends.has(day.end)) return false
    at = day.end
  }
  return true
}

/**
 * The parts of a report: per group of sites with the same whole days, the rollups for those
 * and the facts for the edges; a site without rollups (never refreshed) reads the facts only.
 */
function plan(
  f: { fromAt: number; toAt: number; siteId: string | null },
  zones: ReadonlyMap<string, string>,
  dayStarts: readonly number[] | null,
): Part[] {
  const sites = f.siteId === null ? [...zones.keys()] : [f.siteId]
  const groups = new Map<string, { a: number; b: number; siteIds: string[] }>()
  const factsOnly: string[] = []
  for (const siteId of sites) {
    const zone = zones.get(siteId)
    if (zone === undefined) {
      factsOnly.push(siteId)
      continue
    }
    const [a, b] = wholeDays(f.fromAt, f.toAt, zone)
    if (a >= b || (dayStarts !== null && !aligned(a, b, zone, dayStarts, f.toAt))) {
      factsOnly.push(siteId)
      continue
    }
    const key = `${a}:${b}`
    const group = groups.get(key) ?? { a, b, siteIds: [] }
    group.siteIds.push(siteId)
    groups.set(key, group)
  }
  const parts: Part[] = []
  if (factsOnly.length > 0) {
    parts.push({ source: 'facts', fromAt: f.fromAt, toAt: f.toAt, siteIds: factsOnly })
  }
  for (const { a, b, siteIds } of groups.values()) {
    if (f.fromAt < a) parts.push({ source: 'facts', fromAt: f.fromAt, toAt: a, siteIds })
    parts.push({ source: 'rollups', fromAt: a, toAt: b, siteIds })
    if (b < f.toAt) parts.push({ source: 'facts', fromAt: b, toAt: f.toAt, siteIds })
  }
  return parts
}

/** Rows with the same key added up, ordered as SQL orders them (null first, then by key). */
function merge<T extends { key: string | null }>(
  rows: readonly T[],
  zero: Omit<T, 'key'>,
  numeric = false,
): T[] {
  const out = new Map<string | null, Record<string, unknown>>()
  for (const row of rows) {
    const acc = out.get(row.key) ?? { ...zero, key: row.key }
    for (const [k, v] of Object.entries(row)) {
      if (k !== 'key' && typeof v === 'number') acc[k] = ((acc[k] as number) ?? 0) + v
    }
    out.set(row.key, acc)
  }
  const cmp = (a: string | null, b: string | null) => {
    if (a === b) return 0
    if (a === null) return -1
    if (b === null) return 1
    if (numeric) return Number(a) - Number(b)
    return a < b ? -1 : 1
  }
  return ([...out.values()] as T[]).sort((x, y) => cmp(x.key, y.key))
}

const ROLLED_METRICS: Record<MetricsKey, [RollupDim, RollupColumn]> = {
  operator: ['chats', 'owner'],
  group: ['chats', 'group_id'],
  site: ['chats', 'site_id'],
  day: ['chats', 'day_start'],
  channel: ['channel', 'key'],
  scenario: ['scenario', 'key'],
  page: ['landing', 'key'],
  source: ['source', 'key'],
}

const ROLLED_CHANNELS: Record<ChannelKey, [RollupDim, RollupColumn]> = {
  channel: ['channel', 'key'],
  site: ['chats', 'site_id'],
  scenario: ['scenario', 'key'],
  page: ['landing', 'key'],
  source: ['source', 'key'],
}

/** The facts' page rows keyed as a report keys them (`page`: landing page, `source`). */
function rekey<T extends { key: string | null }>(rows: T[], by: string): T[] {
  if (by === 'page') return rows.map((r) => ({ ...r, key: pageKey(r.key) }))
  if (by === 'source') return rows.map((r) => ({ ...r, key: sourceKey(r.key) }))
  return rows
}

/** Operator metrics' sums: rollups for whole days, facts for the rest (see `plan`). */
export async function metricsFrom(
  engine: RollupEngine,
  filter: MetricsFilter,
  by: MetricsKey,
  dayStarts: readonly number[],
  source: ReportSource,
): Promise<MetricsSums[]> {
  // The scenario, landing and source rollups have neither owner nor channel: a report of one
  // operator or channel by those reads the facts; by the rest, one channel's rows are its own.
  const channel = filter.channel ?? null
  const rollable =
    (filter.operatorId === null && channel === null) ||
    by === 'operator' ||
    by === 'group' ||
    by === 'site' ||
    by === 'day' ||
    by === 'channel'
  const parts: Part[] =
    source === 'rollups' && rollable
      ? plan(filter, await engine.zones(), by === 'day' ? dayStarts : null)
      : [
          {
            source: 'facts',
            fromAt: filter.fromAt,
            toAt: filter.toAt,
            siteIds: filter.siteId === null ? null : [filter.siteId],
          },
        ]
  const dayIndex = new Map(dayStarts.map((d, i) => [d, String(i)]))
  const factsBy: FactsMetricsKey = by === 'source' ? 'page' : by
  const [byDim, column] = ROLLED_METRICS[by]
  const dim = channel === null ? byDim : 'channel'
  const rows: MetricsSums[] = []
  for (const part of parts) {
    const f = { ...filter, ...part, channel }
    if (part.source === 'facts') {
      rows.push(...rekey(await engine.factsMetrics(f, factsBy, dayStarts), by))
    } else {
      const rolled = await engine.rolledMetrics(f, dim, column)
      for (const r of rolled) {
        rows.push(by === 'day' ? { ...r, key: dayIndex.get(Number(r.key)) ?? null } : r)
      }
    }
  }
  return merge(rows, METRIC_ZERO, by === 'day')
}

/** Channel-effectiveness counts: rollups for whole days, facts for the rest. */
export async function channelsFrom(
  engine: RollupEngine,
  filter: Pick<MetricsFilter, 'fromAt' | 'toAt' | 'siteId' | 'groupIds'>,
  by: ChannelKey,
  source: ReportSource,
): Promise<ChannelSums[]> {
  const parts: Part[] =
    source === 'rollups'
      ? plan(filter, await engine.zones(), null)
      : [
          {
            source: 'facts',
            fromAt: filter.fromAt,
            toAt: filter.toAt,
            siteIds: filter.siteId === null ? null : [filter.siteId],
          },
        ]
  const [dim, column] = ROLLED_CHANNELS[by]
  const rows: ChannelSums[] = []
  for (const part of parts) {
    const f = { ...filter, ...part, operatorId: null, channel: null, botIds: [] }
    if (part.source === 'facts') {
      rows.push(...rekey(await engine.factsChannels(f, by === 'source' ? 'page' : by), by))
    } else {
      rows.push(...(await engine.rolledChannels(f, dim, column)))
    }
  }
  return merge(rows, COUNT_ZERO)
}

/** `fn` remembered per argument (a day's conversations share a few dozen pages). */
function memo<T>(fn: (page: string | null) => T): (page: string | null) => T {
  const seen = new Map<string | null, T>()
  return (page) => {
    if (seen.has(page)) return seen.get(page) as T
    const value = fn(page)
    seen.set(page, value)
    return value
  }
}

const METRIC_FIELDS = Object.keys(METRIC_ZERO) as (keyof typeof METRIC_ZERO)[]
const COUNT_FIELDS = Object.keys(COUNT_ZERO) as (keyof typeof COUNT_ZERO)[]

/** A site-day's conversations added up into rollup rows. */
export function rollUp(conversations: readonly DayConversation[]): RollupRow[] {
  const rows = new Map<string, RollupRow>()
  const landingOf = memo(pageKey)
  const sourceOf = memo(sourceKey)
  const row = (
    dim: RollupDim,
    groupId: string | null,
    owner: string | null,
    key: string | null,
  ) => {
    // \u0000 for null keeps null apart from any text, \u0001 separates the parts.
    const id = [dim, groupId ?? '\u0000', owner ?? '\u0000', key ?? '\u0000'].join('\u0001')
    let found = rows.get(id)
    if (!found) {
      found = { dim, groupId, owner, key, ...METRIC_ZERO, ...COUNT_ZERO }
      rows.set(id, found)
    }
    return found
  }
  const DIMS: RollupDim[] = ['chats', 'channel', 'scenario', 'landing', 'source']
  for (const c of conversations) {
    const counts: Omit<ChannelSums, 'key'> = {
      conversations: 1,
      chats: c.kind === 'chat' ? 1 : 0,
      callbacks: c.kind === 'callback' ? 1 : 0,
      offline: c.kind === 'offline' ? 1 : 0,
      leads: c.lead,
    }
    const landing = landingOf(c.page)
    const source = sourceOf(c.page)
    const countKeys = [null, c.channel, c.scenario, landing, source]
    for (let i = 0; i < DIMS.length; i++) {
      const r = row(DIMS[i]!, c.routing_group, null, countKeys[i]!)
      for (const f of COUNT_FIELDS) r[f] += counts[f]
    }
    if (c.has_fact !== 1) continue
    const sums: Omit<MetricsSums, 'key'> = {
      received: 1,
      accepted: c.accepted,
      missed: c.missed,
      waiting: c.waiting,
      transferred: c.transferred,
      firstFromAssignmentSum: c.first_from_assignment,
      firstFromQueueSum: c.first_from_queue,
      responseSum: c.response_sum,
      responseCount: c.response_count,
      closedAccepted: c.closed_accepted,
      handleSum: c.handle,
      resolutionSum: c.resolution,
      rated: c.rated,
      satisfied: c.satisfied,
    }
    const owners = [c.f_owner, c.f_owner, null, null, null]
    const factKeys = [null, c.f_channel, c.f_scenario, landing, source]
    for (let i = 0; i < DIMS.length; i++) {
      const r = row(DIMS[i]!, c.f_group, owners[i]!, factKeys[i]!)
      for (const f of METRIC_FIELDS) r[f] += sums[f]
    }
  }
  return [...rows.values()]
}

/**
 * Rebuilds the rollups of every site-day a conversation updated since `since` falls in (and of
 * the days an erasure marked stale); a site whose zone changed is rebuilt whole in the new one.
 * Runs in the refresh's transaction, after the facts: the rollups equal the facts.
 */
export async function rebuildRollups(
  engine: RollupEngine,
  tx: Tx,
  since: number,
  timeZones: ReadonlyMap<string, string>,
): Promise<void> {
  const stored = await engine.zones(tx)
  const zoneOf = (siteId: string) => timeZones.get(siteId) ?? 'UTC'
  const times = new Map<string, number[]>()
  const timesOf = (siteId: string) => {
    const list = times.get(siteId) ?? []
    times.set(siteId, list)
    return list
  }
  for (const { siteId, createdAt } of await engine.touched(tx, since))
    timesOf(siteId).push(createdAt)
  for (const siteId of new Set([...stored.keys(), ...times.keys()])) {
    const zone = zoneOf(siteId)
    if (stored.get(siteId) === zone) continue
    await engine.resetSite(tx, siteId, zone)
    times.set(siteId, await engine.siteTimes(tx, siteId))
  }
  for (const [siteId, list] of times) {
    const zone = zoneOf(siteId)
    list.sort((a, b) => a - b)
    let end = Number.NEGATIVE_INFINITY
    for (const at of list) {
      if (at < end) continue
      const day = localDayOf(at, zone)
      end = day.end
      const conversations = await engine.dayConversations(tx, siteId, day.start, day.end)
      await engine.replaceDay(tx, siteId, day.start, day.end, rollUp(conversations))
    }
  }
}
