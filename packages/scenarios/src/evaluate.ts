import type { Scenario, ScenarioSettings } from '@parley/protocol'
import { checkGroup } from './conditions.ts'
import type { Evaluation, Facts, History } from './facts.ts'
import { matchWhere } from './match-page.ts'
import { allowedFrom, gapUntil } from './rules.ts'

/**
 * Picks the invitation to show: enabled, on this page, conditions true,
 * caps and the global gap allow it; the highest `priority` wins (ties: the
 * earlier in the list). Nothing while the widget is open or an invitation is
 * on screen. `wakeAt` is the earliest future time another answer is possible
 * without new facts. Pure; a malformed scenario is skipped, never thrown.
 */
export function evaluate(
  scenarios: readonly Scenario[],
  facts: Facts,
  history: History,
  settings: ScenarioSettings,
): Evaluation {
  if (facts.widgetOpen || facts.showing) return {}
  const now = facts.now
  const gap = gapUntil(history, settings.minGapSeconds)
  let best: Scenario | undefined
  let wakeAt = Number.POSITIVE_INFINITY
  for (const s of scenarios) {
    try {
      if (!s.enabled || !matchWhere(s.where, facts.page)) continue
      const from = allowedFrom(s, history, facts.session.id)
      if (from === Number.POSITIVE_INFINITY) continue
      const [ok, next] = checkGroup(s.conditions, facts)
      const earliest = Math.max(ok ? now : next, from, gap)
      if (earliest > now) wakeAt = Math.min(wakeAt, earliest)
      else if (ok && (!best || s.priority > best.priority)) best = s
    } catch {}
  }
  const result: Evaluation = {}
  if (best) {
    result.show = {
      scenarioId: best.id,
      action: best.action,
      group: best.routing.group,
      at: now + (best.delaySeconds ?? 0) * 1000,
    }
  }
  if (wakeAt < Number.POSITIVE_INFINITY) result.wakeAt = wakeAt
  return result
}
