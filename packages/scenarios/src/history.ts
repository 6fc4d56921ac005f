import type { History } from './facts.ts'

/** A visitor never seen before. */
export const emptyHistory = (): History => ({ scenarios: {} })

/**
 * Whether a value read back from storage has the shape of a `History`
 * (older fields, such as `sessions` or `shownInSession`, are ignored).
 */
export function isHistory(value: unknown): value is History {
  const scenarios = (value as History | undefined)?.scenarios
  return !!scenarios && Object.values(scenarios).every((e) => Array.isArray(e?.shown))
}

/** An impression of scenario `id` at `at` in session `sessionId`. */
export function recordShown(history: History, id: string, sessionId: string, at: number): History {
  const shown = [...(history.scenarios[id]?.shown ?? []), at].slice(-100)
  return {
    ...history,
    lastShownAt: at,
    scenarios: {
      ...history.scenarios,
      [id]: { ...history.scenarios[id], shown, shownInSession: [sessionId] },
    },
  }
}

/** The visitor closed the invitation of scenario `id` at `at` without taking it. */
export const recordDismissed = (history: History, id: string, at: number): History => ({
  ...history,
  scenarios: {
    ...history.scenarios,
    [id]: { shown: [], ...history.scenarios[id], dismissedAt: at },
  },
})
