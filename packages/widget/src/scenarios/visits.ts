import type { KeyValueStorage } from '@parley/client'
import type { History } from '@parley/scenarios'

/** A visit: page views with no gap of 30 minutes or more. */
export interface VisitSession {
  id: string
  startedAt: number
  /** The last page view, for the 30-minute rule. */
  seenAt: number
  /** Page views in this session, the current one included. */
  pages: number
  /** `document.referrer` when the session began. */
  referrer?: string | undefined
  /** UTM parameters of the landing page (empty when it had none). */
  utm?: { source?: string; medium?: string; campaign?: string }
  /** The visitor had a session before this one. */
  returning?: boolean
}

/** What `parley:<site>:visits` holds. */
export interface VisitData {
  session?: VisitSession
  /** The engine's visit history (sessions, impressions, dismissals per scenario). */
  history?: History
}

/** Inactivity after which the next page view starts a new session. */
export const SESSION_GAP_MS = 30 * 60_000

/** A copy of the visit data stored under `key`: empty when there is none or it is unreadable. */
export function readVisits(storage: KeyValueStorage | undefined, key: string): VisitData {
  try {
    return { ...JSON.parse(storage?.getItem(key) ?? '{}') }
  } catch {
    return {}
  }
}

/**
 * A page view at `now` on `win`'s page: counted in `session`, or after 30
 * minutes without one (or on the first) in a new session that keeps the
 * landing page's referrer and UTM parameters.
 */
export function pageView(
  session: VisitSession | undefined,
  now: number,
  win: Window,
): VisitSession {
  if (!session || !(now - session.seenAt < SESSION_GAP_MS)) {
    const params = new URLSearchParams(win.location.search)
    const utm: Record<string, string> = {}
    for (const k of ['source', 'medium', 'campaign']) {
      const value = params.get(`utm_${k}`)
      if (value) utm[k] = value
    }
    session = {
      id: Math.random().toString(36).slice(2),
      startedAt: now,
      seenAt: now,
      pages: 0,
      referrer: win.document.referrer || undefined,
      utm,
      // Stored only once storage is allowed: before that, every visitor is new.
      returning: !!session,
    }
  }
  return { ...session, seenAt: now, pages: session.pages + 1 }
}
