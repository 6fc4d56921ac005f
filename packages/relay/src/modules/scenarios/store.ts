import type {
  ConversationKind,
  EngageEvent,
  Scenario,
  ScenarioSettings,
  ScenarioStats,
} from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'

/** @default settings of a site that never saved any. */
export const DEFAULT_SCENARIO_SETTINGS: ScenarioSettings = { minGapSeconds: 0 }

/** One stored impression, click, dismissal or conversion. */
export interface EngagementRecord {
  id: string
  siteId: string
  /** Absent: anonymous (before consent, HTTP without a token). */
  visitorId?: string
  scenarioId: string
  event: EngageEvent | 'conversion'
  page?: string
  at: number
  session?: string
  /** Conversions: what the visitor started. */
  kind?: ConversationKind
  conversationId?: string
  /** cid dedup: who may not repeat `cid`. */
  authorKey?: string
  cid?: string
}

/**
 * Scenarios, their settings and engagement events. `describeScenarioStore` in `contract.ts`
 * is the suite every adapter passes.
 */
export interface ScenarioStore {
  /** The site's scenarios in list order. */
  list(siteId: string): Promise<Scenario[]>
  get(siteId: string, id: string): Promise<Scenario | undefined>
  /** Creates (appended to the list) or replaces in place. */
  put(tx: Tx, scenario: Scenario, at: number): Promise<void>
  /** False when there was none. */
  remove(tx: Tx, siteId: string, id: string): Promise<boolean>
  settings(siteId: string): Promise<ScenarioSettings>
  putSettings(tx: Tx, siteId: string, settings: ScenarioSettings): Promise<void>
  /** Stores the event unless `(authorKey, cid)` was seen; returns the stored one and whether it was. */
  recordEngagement(
    tx: Tx,
    record: EngagementRecord,
  ): Promise<{ record: EngagementRecord; duplicate: boolean }>
  /** The visitor's events at or after `since`, newest first. */
  visitorEngagements(siteId: string, visitorId: string, since: number): Promise<EngagementRecord[]>
  /** The scenario a conversation was opened from (its conversion), if any. */
  conversionFor(conversationId: string): Promise<string | undefined>
  /** Counts per scenario of events with `from <= at < to`. */
  stats(siteId: string, from: number, to: number): Promise<Omit<ScenarioStats, 'name'>[]>
}
