import type { Scenario } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { createEngine, type EngineOptions } from './engine.ts'
import type { History } from './facts.ts'
import { fakeTime } from './test/fake-timers.ts'
import { facts, scenario, MONDAY_9_UTC as T } from './test/fixtures.ts'

const afterSeconds = (seconds: number, overrides: Partial<Scenario> = {}) =>
  scenario({ conditions: { all: [{ type: 'timeOnSite', seconds }] }, ...overrides })

function setup(scenarios: Scenario[], options: Partial<EngineOptions> = {}) {
  const time = fakeTime(T)
  const log: string[] = []
  let stored: History | undefined
  const { now: _, ...initial } = facts()
  const engine = createEngine({
    scenarios,
    settings: { minGapSeconds: 0 },
    facts: initial,
    clock: time.clock,
    timers: time.timers,
    history: stored,
    save: (h) => {
      stored = h
    },
    onShow: (d) => log.push(`show ${d.scenarioId} at +${d.at - T}`),
    onEvent: (e) => log.push(`${e.event} ${e.scenarioId} on ${e.page}`),
    ...options,
  })
  return { engine, time, log, stored: () => stored }
}

describe('createEngine', () => {
  it('shows at once when a scenario matches at start', () => {
    const { log } = setup([scenario()])
    expect(log).toEqual(['impression s1 on https://shop.example/', 'show s1 at +0'])
  })

  it('fires exactly at the time-on-site threshold, with one timer', () => {
    const { time, log } = setup([afterSeconds(3)])
    expect(time.timers.active()).toBe(1)
    time.advance(2999)
    expect(log).toEqual([])
    time.advance(1)
    expect(log).toEqual(['impression s1 on https://shop.example/', 'show s1 at +3000'])
    expect(time.timers.active()).toBe(0)
    expect(time.timers.delays).toEqual([3000])
  })

  it('re-evaluates on update: a page change makes a scenario match', () => {
    const catalog = scenario({
      where: { include: [{ type: 'prefix', value: '/catalog' }], exclude: [] },
    })
    const { engine, time, log } = setup([catalog])
    expect(log).toEqual([])
    time.advance(1000)
    const page = { url: 'https://shop.example/catalog', path: '/catalog', enteredAt: T + 1000 }
    engine.update({ page })
    expect(log).toEqual(['impression s1 on https://shop.example/catalog', 'show s1 at +1000'])
  })

  it('keeps a single timer as updates come in', () => {
    const { engine, time } = setup([afterSeconds(30), afterSeconds(10, { id: 's2' })])
    for (let i = 0; i < 5; i++) {
      time.advance(1000)
      engine.update({ device: 'desktop' })
      expect(time.timers.active()).toBe(1)
    }
  })

  it('calls nothing after destroy: the timer is cancelled', () => {
    const { engine, time, log } = setup([afterSeconds(3)])
    engine.destroy()
    expect(time.timers.active()).toBe(0)
    time.advance(10_000)
    engine.update({ widgetOpen: false })
    engine.track('cart')
    expect(log).toEqual([])
  })

  it('shows a custom-event scenario when the site tracks the event', () => {
    const cart = scenario({ conditions: { all: [{ type: 'customEvent', name: 'cart' }] } })
    const { engine, log } = setup([cart])
    engine.track('other')
    expect(log).toEqual([])
    engine.track('cart')
    expect(log).toEqual(['impression s1 on https://shop.example/', 'show s1 at +0'])
  })

  it('waits while the widget is open and shows once it closes', () => {
    const { engine, time, log } = setup([afterSeconds(3)])
    engine.update({ widgetOpen: true })
    expect(time.timers.active()).toBe(0)
    time.advance(5000)
    expect(log).toEqual([])
    engine.update({ widgetOpen: false })
    expect(log).toEqual(['impression s1 on https://shop.example/', 'show s1 at +5000'])
  })

  it('shows one invitation at a time, the next after a dismissal and the gap', () => {
    const list = [
      scenario({ id: 'a', priority: 2, rules: { oncePerSession: true } }),
      scenario({ id: 'b' }),
    ]
    const { engine, time, log } = setup(list, { settings: { minGapSeconds: 60 } })
    expect(log).toEqual(['impression a on https://shop.example/', 'show a at +0'])
    time.advance(10_000)
    engine.dismiss('a')
    time.advance(49_999)
    expect(log.slice(2)).toEqual(['dismiss a on https://shop.example/'])
    time.advance(1)
    expect(log.slice(3)).toEqual(['impression b on https://shop.example/', 'show b at +60000'])
  })

  it('ignores a dismissal or click of an invitation not on screen', () => {
    const { engine, log } = setup([afterSeconds(3)])
    engine.dismiss('s1')
    engine.click('s1')
    expect(log).toEqual([])
  })

  it('reports a click and persists the history of the impression', () => {
    const { engine, time, log, stored } = setup([scenario({ rules: { oncePerSession: true } })])
    time.advance(2000)
    engine.click('s1')
    expect(log.at(-1)).toBe('click s1 on https://shop.example/')
    expect(stored()).toEqual({
      lastShownAt: T,
      scenarios: { s1: { shown: [T], shownInSession: ['session-1'] } },
    })
  })

  it('shows a delayed invitation only if the scenario still wins when the delay ends', () => {
    const delayed = scenario({
      delaySeconds: 5,
      conditions: { all: [{ type: 'noOpenConversation' }] },
    })
    const { engine, time, log } = setup([delayed])
    time.advance(3000)
    engine.update({ device: 'desktop' })
    time.advance(2000)
    expect(log).toEqual(['impression s1 on https://shop.example/', 'show s1 at +5000'])

    const second = setup([delayed])
    second.time.advance(3000)
    second.engine.update({ hasOpenConversation: true })
    second.time.advance(10_000)
    expect(second.log).toEqual([])
  })

  it('does not repeat a once-per-session invitation after a reload in the same session', () => {
    const once = scenario({ rules: { oncePerSession: true } })
    const first = setup([once])
    expect(first.log).toHaveLength(2)
    const history = first.stored()
    first.engine.destroy()
    const reloaded = setup([once], { history })
    expect(reloaded.log).toEqual([])
    reloaded.engine.update({ session: { id: 'session-2', startedAt: T, pages: 1 } })
    expect(reloaded.log).toEqual(['impression s1 on https://shop.example/', 'show s1 at +0'])
  })

  it('starts from an empty history when storage holds garbage', () => {
    const { log } = setup([scenario()], { history: { nonsense: true } })
    expect(log).toHaveLength(2)
  })

  it('forgets the session events when a new session starts', () => {
    const cart = scenario({ conditions: { all: [{ type: 'customEvent', name: 'cart' }] } })
    const { engine, log } = setup([cart], { settings: { minGapSeconds: 0 } })
    engine.update({ events: ['cart'], widgetOpen: true })
    engine.update({ session: { id: 'session-2', startedAt: T, pages: 1 }, widgetOpen: false })
    expect(log).toEqual([])
  })

  it('treats exit intent as a moment: considered once', () => {
    const exit = scenario({ conditions: { all: [{ type: 'exitIntent' }] } })
    const { engine, log } = setup([exit])
    engine.update({ exitIntent: true, widgetOpen: true })
    engine.update({ widgetOpen: false })
    expect(log).toEqual([])
    engine.update({ exitIntent: true })
    expect(log).toHaveLength(2)
  })

  it('lets onShow click and open the widget synchronously; nothing more shows while it is open', () => {
    const onEvent = { type: 'customEvent', name: 'go' } as const
    const list = [
      scenario({ id: 'a', priority: 1, conditions: { all: [onEvent] } }),
      scenario({ id: 'b', conditions: { all: [onEvent] } }),
    ]
    const time = fakeTime(T)
    const log: string[] = []
    const engine = createEngine({
      scenarios: list,
      settings: { minGapSeconds: 0 },
      facts: facts(),
      clock: time.clock,
      timers: time.timers,
      onShow: (d) => {
        log.push(`show ${d.scenarioId}`)
        engine.click(d.scenarioId)
        engine.update({ widgetOpen: true })
      },
      onEvent: (e) => log.push(`${e.event} ${e.scenarioId}`),
    })
    engine.track('go')
    time.advance(60_000)
    expect(log).toEqual(['impression a', 'show a', 'click a'])
  })

  it('decides again when the clock jumps past a threshold before the timer fires', () => {
    const { engine, time, log } = setup([afterSeconds(600)])
    time.jump(3_600_000)
    engine.update({})
    expect(log).toEqual(['impression s1 on https://shop.example/', 'show s1 at +3600000'])
  })

  it('never sets a timer longer than setTimeout can hold', () => {
    const weekly = scenario({ rules: { oncePerDays: 30 } })
    const { engine, time } = setup([weekly])
    engine.dismiss('s1')
    expect(time.timers.delays.at(-1)).toBe(2 ** 31 - 1)
  })
})
