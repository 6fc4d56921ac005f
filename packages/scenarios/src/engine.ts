import type { Scenario, ScenarioSettings } from '@parley/protocol'
import { evaluate } from './evaluate.ts'
import type { AttributionEvent, Decision, Facts, History } from './facts.ts'
import { emptyHistory, isHistory, recordDismissed, recordShown } from './history.ts'

/** Longest delay `setTimeout` keeps; a longer one fires at once. */
const MAX_DELAY = 2 ** 31 - 1

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(id: never): void
}

export interface EngineOptions {
  scenarios: readonly Scenario[]
  /** @default { minGapSeconds: 0 } */
  settings?: ScenarioSettings | undefined
  /** The facts at start; `now` and `showing` are the engine's. */
  facts: Omit<Facts, 'now' | 'showing'>
  /** @default Date.now */
  clock?: () => number
  /** @default globalThis */
  timers?: Timers
  /** The visit history as read back (from the visitor's storage, or memory before consent). */
  history?: unknown
  /** Writes it back after every change. */
  save?: (history: History) => void
  /** An invitation is to be shown now. */
  onShow: (decision: Decision) => void
  /** Impression, click, dismissal: for the relay's attribution counts. */
  onEvent?: (event: AttributionEvent) => void
}

export interface Engine {
  /** Merge changed facts (page, session, presence, widget open...) and decide again. */
  update(facts: Partial<Omit<Facts, 'now' | 'showing'>>): void
  /** A custom event fired by the site (`Parley('track', name)`). */
  track(name: string): void
  /** The visitor closed invitation `scenarioId`. */
  dismiss(scenarioId: string): void
  /** The visitor took invitation `scenarioId` (reported, not kept): the widget counts as open from here. */
  click(scenarioId: string): void
  /** Cancels the timer; nothing is called after this. */
  destroy(): void
}

/**
 * Runs `evaluate` whenever the facts change and at the one time it asked to
 * look again (one timer at a time), keeps the visit history, and shows one
 * invitation at a time: after `delaySeconds` if the same scenario still wins.
 */
export function createEngine(options: EngineOptions): Engine {
  const { scenarios, settings, onShow, onEvent, save } = options
  const clock = options.clock ?? Date.now
  const timers = options.timers ?? (globalThis as Timers)
  let history = isHistory(options.history) ? options.history : emptyHistory()
  const facts: Facts = { ...options.facts, now: clock() }
  let pending: Decision | undefined
  let timer: unknown
  let dead = false

  const commit = (next: History) => {
    history = next
    save?.(next)
  }
  const emit = (event: AttributionEvent['event'], scenarioId: string) =>
    onEvent?.({ scenarioId, event, page: facts.page.url.slice(0, 2048), session: facts.session.id })

  function run() {
    if (dead) return
    timers.clearTimeout(timer as never)
    const now = clock()
    facts.now = now
    const result = evaluate(scenarios, facts, history, settings ?? { minGapSeconds: 0 })
    facts.exitIntent = false
    let show = result.show
    if (show && pending?.scenarioId === show.scenarioId) show = pending
    pending = show
    if (show && show.at <= now) {
      pending = undefined
      facts.showing = show.scenarioId
      commit(recordShown(history, show.scenarioId, facts.session.id, now))
      emit('impression', show.scenarioId)
      onShow({ ...show, at: now })
      return
    }
    const wake = Math.min(
      result.wakeAt ?? Number.POSITIVE_INFINITY,
      show?.at ?? Number.POSITIVE_INFINITY,
    )
    timer =
      wake < Number.POSITIVE_INFINITY && timers.setTimeout(run, Math.min(wake - now, MAX_DELAY))
  }

  function close(scenarioId: string, event: 'click' | 'dismiss') {
    if (dead || facts.showing !== scenarioId) return
    facts.showing = undefined
    // Taking an invitation opens the widget; `update({ widgetOpen: false })` when it closes.
    if (event === 'click') facts.widgetOpen = true
    else commit(recordDismissed(history, scenarioId, clock()))
    emit(event, scenarioId)
    run()
  }

  run()
  return {
    update(changed) {
      if (changed.session && changed.session.id !== facts.session.id && !changed.events) {
        facts.events = []
      }
      Object.assign(facts, changed)
      run()
    },
    track(name) {
      if (!facts.events.includes(name)) facts.events = [...facts.events, name]
      run()
    },
    dismiss: (id) => close(id, 'dismiss'),
    click: (id) => close(id, 'click'),
    destroy() {
      dead = true
      timers.clearTimeout(timer as never)
    },
  }
}
