import type { History, ScenarioHistory } from './facts.ts'

/** A visitor never seen before. */
export const emptyHistory = (): History => ({ sessions: 0, scenarios: {} })

/** Whether a value read back from storage has the shape of a `History`. */
export function isHistory(value: unknown): value is History {
  const h = value as History
  return (
    !!h &&
    typeof h.sessions === 'number' &&
    !!h.scenarios &&
    Object.values(h.scenarios).every(
      (e) => Array.isArray(e?.shown) && Array.isArray(e.shownInSession),
    )
  )
}

function change(
  history: History,
  id: string,
  patch: (e: ScenarioHistory) => Partial<ScenarioHistory>,
): History {
  const entry = history.scenarios[id] ?? { shown: [], shownInSession: [] }
  return { ...history, scenarios: { ...history.scenarios, [id]: { ...entry, ...patch(entry) } } }
}

/** An impression of scenario `id` at `at` in session `sessionId`. */
export function recordShown(history: History, id: string, sessionId: string, at: number): History {
  return {
    ...change(history, id, (e) => ({
      shown: [...e.shown, at].slice(-100),
      shownInSession: e.shownInSession.includes(sessionId)
        ? e.shownInSession
        : [...e.shownInSession, sessionId].slice(-20),
    })),
    lastShownAt: at,
  }
}

/** The visitor closed the invitation without taking it. */
export const recordDismissed = (history: History, id: string, at: number): History =>
  change(history, id, () => ({ dismissedAt: at }))

/** A new session `sessionId` began. */
export const newSession = (history: History, sessionId: string): History => ({
  ...history,
  sessions: history.sessions + 1,
  session: sessionId,
})
