import type { VisitRegion } from '@parley/protocol'

/** A visit ends this long after the visitor's last socket closed (a new page load keeps it). */
export const VISIT_GAP_MS = 30 * 60_000
/** The most visitors the monitor holds at once; the oldest finished visits go first. */
export const MAX_LIVE_VISITORS = 10_000

/** What a visitor's socket told on `hello`: the page, and the region of its address. */
export interface VisitorHelloInfo {
  siteId: string
  visitorId: string
  url: string | undefined
  title: string | undefined
  region: VisitRegion | undefined
  at: number
}

interface Visit {
  siteId: string
  visitorId: string
  sockets: number
  url: string | null
  title: string | null
  since: number
  pages: number
  region: string | null
  source: string | null
  /** When the last socket closed (0 while one is open). */
  left: number
}

/** The visit as the monitoring screen shows it. */
export interface LiveVisit {
  siteId: string
  visitorId: string
  page: string | null
  title: string | null
  since: number
  pages: number
  region: string | null
  source: string | null
}

function sourceOf(url: string | undefined): string | null {
  if (!url) return null
  try {
    return new URL(url).searchParams.get('utm_source')
  } catch {
    return null
  }
}

/**
 * Visitors on the sites now, in memory: every visitor socket's `hello` (page, title) and
 * close. Only widgets whose storage gate is open connect, so only those visitors are here —
 * the privacy default holds. A page load opens a socket, so `pages` counts page loads of the
 * visit; the widget sends no referrer, so the source is the first page's `utm_source` only.
 */
export class LiveVisitors {
  private readonly visits = new Map<string, Visit>()

  constructor(private readonly now: () => number) {}

  /** A visitor socket said hello; returns what to call when it closes. */
  connected(info: VisitorHelloInfo): () => void {
    const key = `${info.siteId}\n${info.visitorId}`
    let visit = this.visits.get(key)
    if (!visit || (visit.sockets === 0 && info.at - visit.left > VISIT_GAP_MS)) {
      this.prune(info.at)
      visit = {
        siteId: info.siteId,
        visitorId: info.visitorId,
        sockets: 0,
        url: null,
        title: null,
        since: info.at,
        pages: 0,
        region: null,
        source: sourceOf(info.url),
        left: 0,
      }
      this.visits.set(key, visit)
    }
    visit.sockets++
    visit.left = 0
    if (info.url) {
      visit.url = info.url
      visit.title = info.title ?? null
      visit.pages++
    }
    if (info.region) {
      visit.region = [info.region.country, info.region.region].filter(Boolean).join('-')
    }
    const current = visit
    let closed = false
    return () => {
      if (closed) return
      closed = true
      current.sockets--
      if (current.sockets === 0) current.left = this.now()
    }
  }

  /** Whether the visitor has a socket open on this relay now. */
  isConnected(siteId: string, visitorId: string): boolean {
    return (this.visits.get(`${siteId}\n${visitorId}`)?.sockets ?? 0) > 0
  }

  /** Visitors with a socket open now (of one site with `siteId`), longest on the site first. */
  list(siteId?: string): LiveVisit[] {
    return [...this.visits.values()]
      .filter((v) => v.sockets > 0 && (siteId === undefined || v.siteId === siteId))
      .sort((a, b) => a.since - b.since)
      .map(({ sockets, left, url, ...v }) => ({ ...v, page: url }))
  }

  /** Forgets visits that ended, and the oldest ended ones past the cap. */
  private prune(at: number): void {
    for (const [key, v] of this.visits) {
      if (v.sockets === 0 && at - v.left > VISIT_GAP_MS) this.visits.delete(key)
    }
    if (this.visits.size < MAX_LIVE_VISITORS) return
    for (const [key, v] of this.visits) {
      if (v.sockets === 0) this.visits.delete(key)
      if (this.visits.size < MAX_LIVE_VISITORS) return
    }
  }
}
