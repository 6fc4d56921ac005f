import type {
  Condition,
  ConditionGroup,
  InnerConditionGroup,
  PagePattern,
  Scenario,
} from '@parley/protocol'
import { isSafeRegex } from './safe-regex.ts'

/**
 * JSON pointers (as TypeBox reports errors: `/where/include/0/value`) to every
 * `regex` pattern of a scenario that `isSafeRegex` refuses. For the relay,
 * after the schema check and before it accepts the scenario; empty when all
 * are safe.
 */
export function findUnsafePatterns(scenario: Scenario): string[] {
  const found: string[] = []
  const check = (p: PagePattern, at: string) => {
    if (p.type === 'regex' && !isSafeRegex(p.value)) found.push(`${at}/value`)
  }
  const walk = (g: ConditionGroup | InnerConditionGroup, at: string) => {
    const key = 'all' in g ? 'all' : 'any'
    const members: (Condition | InnerConditionGroup)[] = 'all' in g ? g.all : g.any
    for (const [i, c] of members.entries()) {
      if (!('type' in c)) walk(c, `${at}/${key}/${i}`)
      else if (c.type === 'referrer') check(c.pattern, `${at}/${key}/${i}/pattern`)
    }
  }
  for (const list of ['include', 'exclude'] as const) {
    for (const [i, p] of scenario.where[list].entries()) check(p, `/where/${list}/${i}`)
  }
  walk(scenario.conditions, '/conditions')
  return found
}
