import type { ScenarioAction } from '@parley/protocol'

/** Where the visitor is, as the country and subdivision the relay looked up. */
export interface Region {
  /** ISO 3166-1 alpha-2, e.g. `RU`. */
  country: string
  /** ISO 3166-2 subdivision, with or without the country prefix (`MOW`, `RU-MOW`). */
  region?: string
}

/**
 * Everything the engine decides from, at one moment. Supplied by the widget;
 * `now` and `showing` are filled in by the engine. Flags left out are false.
 */
export interface Facts {
  /** Milliseconds since the epoch. */
  now: number
  /** `path` is `location.pathname`; `enteredAt` when the visitor arrived on it. */
  page: { url: string; path: string; enteredAt: number }
  /**
   * The visit: `pages` counts the page views in it, the current one included;
   * `referrer` and `utm` are the landing page's; `returning` when the visitor
   * had a visit before this one.
   */
  session: {
    id: string
    startedAt: number
    pages: number
    referrer?: string | undefined
    utm?: { source?: string; medium?: string; campaign?: string } | undefined
    returning?: boolean | undefined
  }
  /** Absent when unknown: a region condition is then false. */
  region?: Region | undefined
  device: 'desktop' | 'mobile'
  /** Per routing group, or one flag for the whole site. */
  operatorsOnline: boolean | Record<string, boolean>
  hasOpenConversation?: boolean
  widgetOpen?: boolean
  /** Transient: true for the one evaluation after the pointer left through the top. */
  exitIntent?: boolean
  /** Custom event names fired in this session (`Parley('track', name)`). */
  events: readonly string[]
  /** Id of the invitation on screen now, if any (set by the engine). */
  showing?: string | undefined
}

/** What the visitor's storage remembers about one scenario. */
export interface ScenarioHistory {
  /** Impression times, oldest first, the last 100 kept. */
  shown: number[]
  /** The session of the last impression (sessions never come back; older versions kept 20). */
  shownInSession?: string[]
  dismissedAt?: number
}

/** The persisted visit history; changed only through the reducers in `history.ts`. */
export interface History {
  /** Last impression of any scenario (for the global gap). */
  lastShownAt?: number
  scenarios: Record<string, ScenarioHistory>
}

/** An invitation to show. */
export interface Decision {
  scenarioId: string
  action: ScenarioAction
  /** The routing group of the resulting conversation or callback. */
  group: string
  /** When to show it: later than `now` when the scenario has a delay. */
  at: number
}

/** Result of `evaluate`: what to show now, and when to look again. */
export interface Evaluation {
  show?: Decision
  /** Earliest future time the answer could change by time alone. */
  wakeAt?: number
}

/** Sent to the relay as it is (`POST .../engage` or the socket's `engage`), so it can count per scenario. */
export interface AttributionEvent {
  scenarioId: string
  event: 'impression' | 'click' | 'dismiss'
  /** The page's URL, at most 2048 characters. */
  page: string
  /** Id of the visit session. */
  session: string
}
