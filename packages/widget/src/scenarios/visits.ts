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
  referrer?: string
  /** UTM parameters of the landing page. */
  utm?: { source?: string; medium?: string; campaign?: string }
}

/** What `parley:<site>:visits` holds. */
export interface VisitData {
  session?: VisitSession
  /** The engine's visit history (sessions, impressions, dismissals per scenario). */
  history?: History
}

/** Inactivity after which the next page view starts a new session. */
export const SESSION_GAP_MS = 30 * 60_000

export interface Visits {
  readonly data: VisitData
  /**
   * Counts a page view at `now`; after 30 minutes without one (or on the first),
   * starts a new session from `landing()`. Returns the current session.
   */
  view(now: number, landing: () => Pick<VisitSession, 'referrer' | 'utm'>): VisitSession
  /** Keeps the engine's history (its `save`). */
  setHistory(history: History): void
  /** Writes to storage if allowed now (called on every change, and when storage becomes allowed). */
  save(): void
}

/**
 * Visit data kept in memory for the page's life while `allowed()` is false,
 * and in `storage` under `key` once it is true. Read from storage at start
 * (only ever written there after consent).
 */
export function createVisits(
  storage: KeyValueStorage | undefined,
  key: string,
  allowed: () => boolean,
): Visits {
  let data: VisitData = {}
  try {
    data = JSON.parse(storage?.getItem(key) ?? '{}') ?? {}
  } catch {}
  const visits: Visits = {
    get data() {
      return data
    },
    view(now, landing) {
      let session = data.session
      if (!session || !(now - session.seenAt < SESSION_GAP_MS)) {
        const id = `${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`
        session = { id, startedAt: now, seenAt: now, pages: 0, ...landing() }
      }
      data = { ...data, session: { ...session, seenAt: now, pages: session.pages + 1 } }
      visits.save()
      return data.session!
    },
    setHistory(history) {
      data = { ...data, history }
      visits.save()
    },
    save() {
      if (allowed()) storage?.setItem(key, JSON.stringify(data))
    },
  }
  return visits
}
