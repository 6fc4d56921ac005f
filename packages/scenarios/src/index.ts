export type { Check } from './conditions.ts'
export { checkCondition, checkGroup } from './conditions.ts'
export type { Engine, EngineOptions, Timers } from './engine.ts'
export { createEngine } from './engine.ts'
export { evaluate } from './evaluate.ts'
export type {
  AttributionEvent,
  Decision,
  Evaluation,
  Facts,
  History,
  Region,
  ScenarioHistory,
} from './facts.ts'
export {
  emptyHistory,
  isHistory,
  recordDismissed,
  recordShown,
} from './history.ts'
export { matchPattern, matchWhere, matchWildcard } from './match-page.ts'
export { allowedFrom, gapUntil } from './rules.ts'
export { isSafeRegex } from './safe-regex.ts'
export { checkSchedule } from './schedule.ts'
export { findUnsafePatterns } from './unsafe-patterns.ts'
