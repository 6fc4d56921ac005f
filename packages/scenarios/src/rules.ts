import type { Scenario } from '@parley/protocol'
import type { History } from './facts.ts'

const DAY = 86_400_000

/**
 * From when the scenario's frequency caps allow another impression:
 * `-Infinity` (no cap applies), a time (a once-per-days or dismissal cooldown
 * runs out), or `Infinity` (shown this session, or shown `maxTimes`). A clock
 * that went backwards keeps a cap in force: only time after the impression counts.
 */
export function allowedFrom(scenario: Scenario, history: History, sessionId: string): number {
  const entry = history.scenarios[scenario.id]
  const { oncePerSession, oncePerDays, maxTimes, cooldownAfterDismissDays } = scenario.rules
  let from = Number.NEGATIVE_INFINITY
  if (!entry) return from
  const { shown, dismissedAt } = entry
  if (maxTimes && shown.length >= maxTimes) return Number.POSITIVE_INFINITY
  if (oncePerSession && entry.shownInSession?.includes(sessionId)) return Number.POSITIVE_INFINITY
  if (oncePerDays) from = Math.max(...shown) + oncePerDays * DAY
  if (cooldownAfterDismissDays && dismissedAt !== undefined) {
    from = Math.max(from, dismissedAt + cooldownAfterDismissDays * DAY)
  }
  return from
}

/** From when the site-wide gap between two invitations allows the next one. */
export function gapUntil(history: History, minGapSeconds: number): number {
  const last = history.lastShownAt
  return last === undefined ? Number.NEGATIVE_INFINITY : last + minGapSeconds * 1000
}
