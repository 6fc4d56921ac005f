import {
  type AnalyticsQuery,
  type ChannelQuery,
  type ChannelReply,
  type ChannelRow,
  type MetricsReply,
  type MetricsRow,
  type MonitorReply,
  type Permission,
  PROACTIVE_SCENARIO,
} from '@parley/protocol'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import type { EmployeeService } from '../employees/service.ts'
import type { RoutingService } from '../routing/service.ts'
import type { SiteService } from '../sites/service.ts'
import type { LiveVisitors } from './live.ts'
import { type Period, periodOf } from './period.ts'
import type { AnalyticsStore, ChannelSums, MetricsSums, StatusTime } from './store.ts'

/** Who asks for a report: what they may see decides the groups it covers. */
export interface AnalyticsViewer {
  id: string
  permissions: ReadonlySet<Permission>
}

export interface AnalyticsServiceOptions {
  db: UnitOfWork
  store: AnalyticsStore
  employees: EmployeeService
  routing: RoutingService
  sites: SiteService
  live: LiveVisitors
  now: () => number
}

/** The most visitors the monitoring reply lists. */
export const MONITOR_MAX_VISITORS = 500

const ZERO: Omit<MetricsSums, 'key'> = {
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

const mean = (sum: number, count: number) => (count > 0 ? Math.round(sum / count) : null)
const share = (part: number, whole: number) => (whole > 0 ? part / whole : null)

/** Adds sums up (the total is the sum of the rows). */
export function addSums<T extends object>(rows: readonly T[], zero: T): T {
  const out = { ...zero } as Record<string, unknown>
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === 'number' && typeof out[k] === 'number') out[k] = (out[k] as number) + v
    }
  }
  return out as T
}

/**
 * THE function from sums to metrics (`METRICS`): every tile, table row, total and CSV line
 * goes through it, so the same sums always read as the same numbers.
 */
export function metricsRow(
  key: string | null,
  label: string,
  s: Omit<MetricsSums, 'key'>,
  time: Omit<StatusTime, 'operatorId'> | null,
): MetricsRow {
  return {
    key,
    label,
    received: s.received,
    accepted: s.accepted,
    missed: s.missed,
    waiting: s.waiting,
    transferred: s.transferred,
    firstResponseFromAssignment: mean(s.firstFromAssignmentSum, s.accepted),
    firstResponseFromQueue: mean(s.firstFromQueueSum, s.accepted),
    responseTime: mean(s.responseSum, s.responseCount),
    handleTime: mean(s.handleSum, s.closedAccepted),
    resolutionTime: mean(s.resolutionSum, s.closedAccepted),
    csat: share(s.satisfied, s.rated),
    ratingResponse: share(s.rated, s.closedAccepted),
    rated: s.rated,
    timeOnline: time ? time.onlineMs : null,
    timePaused: time ? time.pauseMs : null,
  }
}

const CHANNEL_LABELS: Record<string, string> = {
  chat: 'Site chat',
  callback: 'Callback',
  offline: 'Offline message',
}

/** A page URL without its query and fragment (the landing page a row is about). */
function pageKey(url: string | null): string | null {
  if (url === null) return null
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return url.split(/[?#]/)[0] ?? url
  }
}

/** Where a conversation's page says the visit came from: `utm_source`, else null. */
function sourceKey(url: string | null): string | null {
  if (url === null) return null
  try {
    return new URL(url).searchParams.get('utm_source')
  } catch {
    return null
  }
}

/** Operator metrics and channel effectiveness over a period, for the groups a viewer may see. */
export class AnalyticsService {
  constructor(private readonly options: AnalyticsServiceOptions) {}

  /** The groups a report covers: every one with `conversations:read_all`, else the viewer's. */
  scope(viewer: AnalyticsViewer): string[] | null {
    if (viewer.permissions.has('conversations:read_all')) return null
    return [...this.options.routing.groupsOf(viewer.id)]
  }

  /** The period in the site's time zone (its working hours' zone; UTC without one or a site). */
  async period(query: { from: string; to: string; siteId?: string }): Promise<Period> {
    let timeZone = 'UTC'
    if (query.siteId !== undefined) {
      const site = await this.options.sites.get(query.siteId)
      if (!site) throw relayError('site_not_found')
      timeZone = site.config.workingHours?.timeZone ?? 'UTC'
    }
    return periodOf(query.from, query.to, timeZone)
  }

  /** `groupId` checked against the viewer's scope; the groups the report covers. */
  private async groupsFor(viewer: AnalyticsViewer, groupId: string | undefined) {
    const scope = this.scope(viewer)
    if (groupId === undefined) return scope
    if (!(await this.options.routing.catalog.get(groupId))) throw relayError('group_not_found')
    if (scope !== null && !scope.includes(groupId)) {
      throw relayError('forbidden', 'You see the reports of your own groups only')
    }
    return [groupId]
  }

  private async bots(): Promise<string[]> {
    return (await this.options.employees.list()).filter((e) => e.kind === 'bot').map((e) => e.id)
  }

  /** Brings the chats' facts up to date with the log (see `AnalyticsStore.refresh`). */
  async refresh(botIds?: readonly string[]): Promise<number> {
    const bots = botIds ?? (await this.bots())
    const { db, store, now } = this.options
    return db.transaction((tx) => store.refresh(tx, now(), bots))
  }

  /** The operator-metrics report: rows by `groupBy` (default operator) and their total. */
  async metrics(viewer: AnalyticsViewer, query: AnalyticsQuery): Promise<MetricsReply> {
    const { store, employees, routing, sites, now } = this.options
    const by = query.groupBy ?? 'operator'
    const period = await this.period(query)
    const groupIds = await this.groupsFor(viewer, query.groupId)
    if (query.operatorId !== undefined && !(await employees.get(query.operatorId))) {
      throw relayError('employee_not_found')
    }
    const people = await employees.list()
    const filter = {
      fromAt: period.fromAt,
      toAt: period.toAt,
      siteId: query.siteId ?? null,
      groupIds,
      operatorId: query.operatorId ?? null,
      botIds: people.filter((e) => e.kind === 'bot').map((e) => e.id),
      now: now(),
    }
    await this.refresh(filter.botIds)
    const sums = await store.metrics(filter, by, period.dayStarts)
    // Whose time online counts: the operator asked for, else the people of the groups covered.
    const covered =
      query.operatorId !== undefined
        ? [query.operatorId]
        : groupIds === null
          ? null
          : people
              .filter((e) => [...routing.groupsOf(e.id)].some((g) => groupIds.includes(g)))
              .map((e) => e.id)
    const times = await store.statusTime(filter, covered)
    const timeOf = new Map(times.map((t) => [t.operatorId, t]))
    const totalTime = addSums(
      times.map(({ onlineMs, pauseMs }) => ({ onlineMs, pauseMs })),
      { onlineMs: 0, pauseMs: 0 },
    )

    let rows: MetricsRow[]
    if (by === 'day') {
      const byIndex = new Map(sums.map((s) => [s.key, s]))
      rows = period.days.map((day, i) => metricsRow(day, day, byIndex.get(String(i)) ?? ZERO, null))
    } else if (by === 'operator') {
      const names = new Map(people.map((e) => [e.id, e.name]))
      const keys = new Set<string | null>(sums.map((s) => s.key))
      for (const t of times) keys.add(t.operatorId)
      const byKey = new Map(sums.map((s) => [s.key, s]))
      rows = [...keys].map((key) =>
        metricsRow(
          key,
          key === null ? 'Nobody' : (names.get(key) ?? key),
          byKey.get(key) ?? ZERO,
          key === null ? null : (timeOf.get(key) ?? { onlineMs: 0, pauseMs: 0 }),
        ),
      )
    } else {
      const labels = new Map<string | null, string>()
      if (by === 'group') {
        for (const site of await sites.list()) {
          for (const g of await routing.catalog.list(site.id)) labels.set(g.id, g.name)
        }
        labels.set(null, 'No group')
      } else if (by === 'site') {
        for (const s of await sites.list()) labels.set(s.id, s.name)
      } else {
        for (const [k, v] of Object.entries(CHANNEL_LABELS)) labels.set(k, v)
      }
      rows = sums.map((s) => metricsRow(s.key, labels.get(s.key) ?? s.key ?? '—', s, null))
    }
    rows.sort((a, b) =>
      by === 'day' ? 0 : b.received - a.received || a.label.localeCompare(b.label),
    )
    const total = metricsRow(null, 'Total', addSums(sums, { ...ZERO, key: null }), totalTime)
    return { period: publicPeriod(period), groupBy: by, total, rows }
  }

  /**
   * Monitoring now: visitors on the sites (whose widget connected: storage gate open), and
   * each group's open chats, queue and longest wait — the groups the viewer may see.
   */
  async monitor(viewer: AnalyticsViewer, siteId: string | undefined): Promise<MonitorReply> {
    const { routing, sites, live, store, now } = this.options
    if (siteId !== undefined && !(await sites.get(siteId))) throw relayError('site_not_found')
    const at = now()
    const scope = this.scope(viewer)
    const groups = routing
      .live(at)
      .filter(
        (g) =>
          (siteId === undefined || g.siteId === siteId) &&
          (scope === null || scope.includes(g.groupId)),
      )
    // Visitors belong to a site, not a group: a supervisor sees the sites of their groups.
    const siteIds = scope === null ? null : new Set(groups.map((g) => g.siteId))
    const visits = live
      .list(siteId)
      .filter((v) => siteIds === null || siteIds.has(v.siteId))
      .slice(0, MONITOR_MAX_VISITORS)
    const since = visits.reduce((min, v) => Math.min(min, v.since), at)
    const engaged =
      visits.length > 0 ? await store.engagedVisitors(siteId ?? null, since) : new Map()
    const chatting = routing.chattingVisitors()
    return {
      at,
      visitors: visits.map((v) => {
        const key = `${v.siteId}\n${v.visitorId}`
        return { ...v, engaged: (engaged.get(key) ?? -1) >= v.since, chatting: chatting.has(key) }
      }),
      groups,
    }
  }

  /**
   * Channel effectiveness: conversations of every kind and leads per key, the chats' metrics
   * (missed, first response, CSAT) by the same key through `metricsRow`, and for scenarios the
   * invitations shown and clicked — the funnel as far as counters exist.
   */
  async channels(viewer: AnalyticsViewer, query: ChannelQuery): Promise<ChannelReply> {
    const { store, sites, now } = this.options
    const by = query.groupBy ?? 'channel'
    const period = await this.period(query)
    const filter = {
      fromAt: period.fromAt,
      toAt: period.toAt,
      siteId: query.siteId ?? null,
      groupIds: this.scope(viewer),
      operatorId: null,
      botIds: await this.bots(),
      now: now(),
    }
    await this.refresh(filter.botIds)
    const storeKey = by === 'source' ? 'page' : by
    const [counts, chats] = await Promise.all([
      store.channels(filter, storeKey),
      store.metrics(filter, storeKey),
    ])
    // Pages and sources are worked out from the page URL; sums merge exactly.
    const keyOf = (raw: string | null) =>
      by === 'page' ? pageKey(raw) : by === 'source' ? sourceKey(raw) : raw
    const countsBy = mergeBy(counts, keyOf, CHANNEL_ZERO)
    const chatsBy = mergeBy(chats, keyOf, ZERO)
    const engagements =
      by === 'scenario'
        ? await store.engagements({
            fromAt: period.fromAt,
            toAt: period.toAt,
            siteId: filter.siteId,
          })
        : []
    const shown = new Map(engagements.map((e) => [e.scenarioId, e]))
    const labels = new Map<string | null, string>()
    if (by === 'channel') for (const [k, v] of Object.entries(CHANNEL_LABELS)) labels.set(k, v)
    if (by === 'site') for (const s of await sites.list()) labels.set(s.id, s.name)
    if (by === 'scenario')
      labels.set(PROACTIVE_SCENARIO, 'Proactive chat (invited from monitoring)')
    labels.set(null, NO_KEY[by])
    const keys = new Set([...countsBy.keys(), ...engagements.map((e) => e.scenarioId)])
    const rows = [...keys].map((key) =>
      channelRow(
        key,
        labels.get(key) ?? key ?? NO_KEY[by],
        countsBy.get(key) ?? CHANNEL_ZERO,
        chatsBy.get(key) ?? ZERO,
        by === 'scenario' && key !== null
          ? (shown.get(key) ?? { impressions: 0, clicks: 0 })
          : null,
      ),
    )
    rows.sort((a, b) => b.conversations - a.conversations || a.label.localeCompare(b.label))
    const total = channelRow(
      null,
      'Total',
      addSums(counts, CHANNEL_ZERO),
      addSums(chats, ZERO),
      by === 'scenario'
        ? addSums(
            engagements.map(({ impressions, clicks }) => ({ impressions, clicks })),
            { impressions: 0, clicks: 0 },
          )
        : null,
    )
    return { period: publicPeriod(period), groupBy: by, total, rows }
  }
}

const NO_KEY: Record<ChannelQuery['groupBy'] & string, string> = {
  channel: '—',
  site: '—',
  scenario: '(no scenario)',
  page: '(no page)',
  source: '(no utm_source)',
}

const CHANNEL_ZERO: Omit<ChannelSums, 'key'> = {
  conversations: 0,
  chats: 0,
  callbacks: 0,
  offline: 0,
  leads: 0,
}

/** Rows merged by `keyOf` of their key, their numbers added. */
function mergeBy<T extends { key: string | null }>(
  rows: readonly T[],
  keyOf: (key: string | null) => string | null,
  zero: Omit<T, 'key'>,
): Map<string | null, Omit<T, 'key'>> {
  const out = new Map<string | null, Omit<T, 'key'>>()
  for (const { key, ...sums } of rows) {
    const k = keyOf(key)
    out.set(k, addSums([sums as Omit<T, 'key'>], out.get(k) ?? zero))
  }
  return out
}

function channelRow(
  key: string | null,
  label: string,
  counts: Omit<ChannelSums, 'key'>,
  chats: Omit<MetricsSums, 'key'>,
  shown: { impressions: number; clicks: number } | null,
): ChannelRow {
  const m = metricsRow(key, label, chats, null)
  return {
    key,
    label,
    impressions: shown ? shown.impressions : null,
    clicks: shown ? shown.clicks : null,
    conversations: counts.conversations,
    chats: counts.chats,
    callbacks: counts.callbacks,
    offline: counts.offline,
    leads: counts.leads,
    missed: m.missed,
    firstResponseFromQueue: m.firstResponseFromQueue,
    csat: m.csat,
    rated: m.rated,
  }
}

function publicPeriod(p: Period) {
  return { from: p.from, to: p.to, timeZone: p.timeZone, fromAt: p.fromAt, toAt: p.toAt }
}
