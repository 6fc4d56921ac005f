import type {
  ChannelGroupBy,
  ChannelReply,
  FunnelBeacon,
  FunnelQuery,
  FunnelReply,
  FunnelRow,
} from '@parley/protocol'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import { localMidnight } from '../analytics/period.ts'
import type { AnalyticsService, AnalyticsViewer } from '../analytics/service.ts'
import type { SiteService } from '../sites/service.ts'
import type { FunnelKey, FunnelStore, FunnelSums } from './store.ts'

/** The channels a `pick` may name: the omni-button's. */
export const FUNNEL_CHANNELS = ['chat', 'callback', 'telegram', 'vk', 'viber'] as const

/** The most counters a site gets per day; new keys past it count under `(other)`. */
export const FUNNEL_DAILY_KEYS = 2000

const MAX_PAGE = 512
const MAX_SOURCE = 64

const CHANNEL_LABELS: Record<string, string> = {
  chat: 'Site chat',
  callback: 'Callback',
  offline: 'Offline message',
  telegram: 'Telegram',
  vk: 'VK',
  viber: 'Viber',
}

export interface FunnelServiceOptions {
  db: UnitOfWork
  store: FunnelStore
  sites: SiteService
  analytics: AnalyticsService
  now: () => number
}

const dayFormats = new Map<string, Intl.DateTimeFormat>()

/** The first instant of the local day `at` falls in, in `timeZone`. */
export function dayStart(at: number, timeZone: string): number {
  let f = dayFormats.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
    dayFormats.set(timeZone, f)
  }
  const [y, m, d] = f.format(at).split('-').map(Number)
  return localMidnight(Date.UTC(y!, m! - 1, d!), timeZone)
}

/** The page a beacon names as the counters keep it: origin and path, and its `utm_source`. */
export function pageOf(href: string): { page: string; source: string } {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    throw relayError('bad_request', '`page` is not a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw relayError('bad_request', '`page` is not a web page')
  }
  return {
    page: `${url.origin}${url.pathname}`.slice(0, MAX_PAGE),
    source: (url.searchParams.get('utm_source') ?? '').slice(0, MAX_SOURCE),
  }
}

/**
 * The channel-effectiveness funnel: visit → omni-button open → channel pick (anonymous daily
 * counters the widget reports) → conversation → lead (from the conversation log, through
 * the analytics service's channel report). Definitions: `docs/metrics.md`.
 */
export class FunnelService {
  constructor(private readonly options: FunnelServiceOptions) {}

  /** Counts one beacon of `siteId` (an existing site: the caller checked its origin). */
  async count(siteId: string, beacon: FunnelBeacon): Promise<void> {
    const { db, store, sites, now } = this.options
    const site = await sites.get(siteId)
    if (!site) throw relayError('site_not_found')
    const channel = beacon.channel ?? ''
    if (beacon.step === 'pick' ? !FUNNEL_CHANNELS.includes(channel as never) : channel !== '') {
      throw relayError(
        'bad_request',
        `\`channel\` goes with \`pick\` only, and is one of ${FUNNEL_CHANNELS.join(', ')}`,
      )
    }
    const key: FunnelKey = {
      siteId,
      day: dayStart(now(), site.config.workingHours?.timeZone ?? 'UTC'),
      step: beacon.step,
      channel,
      ...pageOf(beacon.page),
    }
    await db.transaction((tx) => store.count(tx, key, FUNNEL_DAILY_KEYS))
  }

  /** The funnel over a period, by site (default), channel, scenario, landing page or source. */
  async report(viewer: AnalyticsViewer, query: FunnelQuery): Promise<FunnelReply> {
    const { store, analytics } = this.options
    const by = query.groupBy ?? 'site'
    const period = await analytics.period(query)
    const channelQuery = { from: query.from, to: query.to, groupBy: by as ChannelGroupBy }
    const conversations: ChannelReply = await analytics.channels(
      viewer,
      query.siteId === undefined ? channelQuery : { ...channelQuery, siteId: query.siteId },
    )
    const range = { fromAt: period.fromAt, toAt: period.toAt, siteId: query.siteId ?? null }
    // Scenario rows have no counters; the total still has the site's.
    const counters = await store.sums(range, by === 'scenario' || by === 'channel' ? 'site' : by)
    const totalCounts = addCounts(counters)
    const byChannel = by === 'channel' ? await store.sums(range, 'channel') : []
    const countsOf = new Map<string | null, FunnelSums>()
    for (const row of by === 'channel' ? byChannel : by === 'scenario' ? [] : counters) {
      if (by === 'channel' && row.key === '') continue
      countsOf.set(row.key === '' ? null : row.key, row)
    }
    const labels = new Map<string | null, string>()
    for (const row of conversations.rows) labels.set(row.key, row.label)
    if (by === 'channel') for (const [k, v] of Object.entries(CHANNEL_LABELS)) labels.set(k, v)
    if (by === 'site') for (const s of await this.options.sites.list()) labels.set(s.id, s.name)
    const convOf = new Map(conversations.rows.map((r) => [r.key, r]))
    const keys = new Set<string | null>([...countsOf.keys(), ...convOf.keys()])
    const rows = [...keys].map((key) => {
      const c = countsOf.get(key)
      const conv = convOf.get(key)
      const label = labels.get(key) ?? key ?? NO_KEY[by]
      return funnelRow(key, label, by, c ?? ZERO_COUNTS, conv?.conversations ?? 0, conv?.leads ?? 0)
    })
    rows.sort(
      (a, b) =>
        (b.visits ?? 0) - (a.visits ?? 0) ||
        b.conversations - a.conversations ||
        a.label.localeCompare(b.label),
    )
    const total: FunnelRow = {
      key: null,
      label: 'Total',
      visits: totalCounts.visits,
      opens: totalCounts.opens,
      picks: totalCounts.picks,
      conversations: conversations.total.conversations,
      leads: conversations.total.leads,
      conversion: share(conversations.total.leads, totalCounts.visits),
    }
    return { period: conversations.period, groupBy: by, total, rows }
  }
}

const NO_KEY: Record<FunnelQuery['groupBy'] & string, string> = {
  site: '—',
  channel: '—',
  scenario: '(no scenario)',
  page: '(no page)',
  source: '(no utm_source)',
}

const ZERO_COUNTS: FunnelSums = { key: '', visits: 0, opens: 0, picks: 0 }

const share = (part: number, whole: number | null) =>
  whole !== null && whole > 0 ? part / whole : null

function addCounts(rows: readonly FunnelSums[]) {
  const out = { visits: 0, opens: 0, picks: 0 }
  for (const r of rows) {
    out.visits += r.visits
    out.opens += r.opens
    out.picks += r.picks
  }
  return out
}

/** One row; visits and opens are not per channel, and scenarios have no counters at all. */
function funnelRow(
  key: string | null,
  label: string,
  by: FunnelQuery['groupBy'] & string,
  c: FunnelSums,
  conversations: number,
  leads: number,
): FunnelRow {
  const perPage = by !== 'channel' && by !== 'scenario'
  const visits = perPage ? c.visits : null
  return {
    key,
    label,
    visits,
    opens: perPage ? c.opens : null,
    picks: by === 'scenario' ? null : c.picks,
    conversations,
    leads,
    conversion: share(leads, visits),
  }
}
