import { describe, expect, it } from 'vitest'
import { evaluate } from './evaluate.ts'
import { emptyHistory, recordDismissed, recordShown } from './history.ts'
import { facts, onPage, scenario, MONDAY_9_UTC as T } from './test/fixtures.ts'

const DAY = 86_400_000
const settings = { minGapSeconds: 60 }
const history = emptyHistory()

describe('evaluate', () => {
  it('shows a matching scenario now, with its action and routing group', () => {
    expect(evaluate([scenario()], facts(), history, settings)).toEqual({
      show: {
        scenarioId: 's1',
        action: { type: 'bubble', message: 'Hello' },
        group: 'sales',
        at: T,
      },
    })
  })

  it('shows a delayed scenario at now plus its delay', () => {
    const delayed = scenario({ delaySeconds: 5 })
    expect(evaluate([delayed], facts(), history, settings).show?.at).toBe(T + 5000)
  })

  it('never shows a disabled scenario', () => {
    expect(evaluate([scenario({ enabled: false })], facts(), history, settings)).toEqual({})
  })

  it('shows nothing while the widget is open or an invitation is on screen', () => {
    expect(evaluate([scenario()], facts({ widgetOpen: true }), history, settings)).toEqual({})
    expect(evaluate([scenario()], facts({ showing: 'other' }), history, settings)).toEqual({})
  })

  it('picks the highest priority, the earlier one on a tie', () => {
    const list = [
      scenario({ id: 'low', priority: 1 }),
      scenario({ id: 'high-a', priority: 5 }),
      scenario({ id: 'high-b', priority: 5 }),
    ]
    expect(evaluate(list, facts(), history, settings).show?.scenarioId).toBe('high-a')
  })

  it('shows only on included pages that are not excluded', () => {
    const catalog = scenario({
      where: {
        include: [{ type: 'prefix', value: '/catalog' }],
        exclude: [{ type: 'exact', value: '/catalog/secret' }],
      },
    })
    expect(evaluate([catalog], onPage('/'), history, settings).show).toBeUndefined()
    expect(evaluate([catalog], onPage('/catalog/shoes'), history, settings).show).toBeDefined()
    expect(evaluate([catalog], onPage('/catalog/secret'), history, settings).show).toBeUndefined()
  })

  it('asks to wake when a time condition will be met', () => {
    const later = scenario({ conditions: { all: [{ type: 'timeOnSite', seconds: 3 }] } })
    expect(evaluate([later], facts(), history, settings)).toEqual({ wakeAt: T + 3000 })
  })

  it('waits for the global gap after any invitation', () => {
    const shown = recordShown(history, 'other', 'session-1', T - 10_000)
    expect(evaluate([scenario()], facts(), shown, settings)).toEqual({ wakeAt: T + 50_000 })
  })

  it('holds a shown scenario for the rest of the session when once per session', () => {
    const once = scenario({ rules: { oncePerSession: true } })
    const shown = recordShown(history, 's1', 'session-1', T - DAY)
    expect(evaluate([once], facts(), shown, settings)).toEqual({})
    const inNext = facts({ session: { id: 'session-2', startedAt: T, pages: 1 } })
    expect(evaluate([once], inNext, shown, settings).show?.scenarioId).toBe('s1')
  })

  it('waits out once per days, also after the clock went back', () => {
    const weekly = scenario({ rules: { oncePerDays: 7 } })
    const shown = recordShown(history, 's1', 'session-1', T)
    expect(evaluate([weekly], facts({ now: T + DAY }), shown, settings)).toEqual({
      wakeAt: T + 7 * DAY,
    })
    expect(evaluate([weekly], facts({ now: T - DAY }), shown, settings).show).toBeUndefined()
    expect(evaluate([weekly], facts({ now: T + 7 * DAY }), shown, settings).show).toBeDefined()
  })

  it('stops after maxTimes impressions', () => {
    const twice = scenario({ rules: { maxTimes: 2 } })
    let h = recordShown(history, 's1', 'a', T - 2 * DAY)
    expect(evaluate([twice], facts(), h, settings).show).toBeDefined()
    h = recordShown(h, 's1', 'b', T - DAY)
    expect(evaluate([twice], facts(), h, settings)).toEqual({})
  })

  it('keeps a dismissed scenario away for its cooldown', () => {
    const polite = scenario({ rules: { cooldownAfterDismissDays: 3 } })
    const dismissed = recordDismissed(recordShown(history, 's1', 'a', T - DAY), 's1', T - DAY)
    expect(evaluate([polite], facts(), dismissed, settings)).toEqual({ wakeAt: T + 2 * DAY })
  })

  it('lets a lower priority show when a higher one is capped', () => {
    const list = [
      scenario({ id: 'high', priority: 9, rules: { maxTimes: 1 } }),
      scenario({ id: 'low', priority: 1 }),
    ]
    const h = recordShown(history, 'high', 'a', T - DAY)
    expect(evaluate(list, facts(), h, settings).show?.scenarioId).toBe('low')
  })

  it('skips a malformed scenario without throwing', () => {
    const broken = { ...scenario({ id: 'broken' }), where: undefined } as never
    expect(evaluate([broken, scenario()], facts(), history, settings).show?.scenarioId).toBe('s1')
  })
})
