import type { Scenario, ScenarioSettings } from '@parley/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createEngine, type Engine } from './engine.ts'
import type { Facts, History } from './facts.ts'
import { fakeTime } from './test/fake-timers.ts'
import { MONDAY_9_UTC, scenario } from './test/fixtures.ts'

const DAY = 86_400_000
const PATHS = ['/', '/catalog', '/catalog/shoes', '/cart']

type Command =
  | { k: 'advance'; ms: number }
  | { k: 'back'; ms: number }
  | { k: 'page'; path: string }
  | { k: 'session' }
  | { k: 'dismiss' }
  | { k: 'click' }
  | { k: 'track'; name: string }
  | { k: 'widget'; open: boolean }
  | { k: 'exit' }
  | { k: 'reload' }

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({ k: fc.constant('advance'), ms: fc.integer({ min: 0, max: 20_000 }) }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ k: fc.constant('advance'), ms: fc.integer({ min: 0, max: 3 * DAY }) }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ k: fc.constant('back'), ms: fc.integer({ min: 1, max: 3_600_000 }) }),
    weight: 1,
  },
  { arbitrary: fc.record({ k: fc.constant('page'), path: fc.constantFrom(...PATHS) }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('session') }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('dismiss') }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('click') }), weight: 1 },
  {
    arbitrary: fc.record({ k: fc.constant('track'), name: fc.constantFrom('cart', 'video') }),
    weight: 1,
  },
  { arbitrary: fc.record({ k: fc.constant('widget'), open: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('exit') }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('reload') }), weight: 1 },
) as fc.Arbitrary<Command>

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })

const conditions = fc.constantFrom<Scenario['conditions']>(
  { all: [] },
  { all: [{ type: 'timeOnSite', seconds: 3 }] },
  {
    all: [
      { type: 'timeOnPage', seconds: 5 },
      { type: 'pagesViewed', count: 2 },
    ],
  },
  { any: [{ type: 'customEvent', name: 'cart' }, { all: [{ type: 'timeOnSite', seconds: 60 }] }] },
  { any: [{ type: 'exitIntent' }] },
)

const scenarioList = fc
  .array(
    fc.record({
      enabled: fc.boolean(),
      priority: fc.integer({ min: 0, max: 3 }),
      where: fc.constantFrom<Scenario['where']>(
        { include: [], exclude: [] },
        { include: [{ type: 'prefix', value: '/catalog' }], exclude: [] },
        { include: [], exclude: [{ type: 'exact', value: '/cart' }] },
      ),
      conditions,
      delaySeconds: fc.constantFrom(0, 0, 2, 10),
      rules: fc.record({
        oncePerSession: maybe(fc.boolean()),
        oncePerDays: maybe(fc.integer({ min: 1, max: 3 })),
        maxTimes: maybe(fc.integer({ min: 1, max: 4 })),
        cooldownAfterDismissDays: maybe(fc.integer({ min: 1, max: 2 })),
      }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((list) => list.map((fields, i) => scenario({ ...fields, id: `s${i}` })))

interface Impression {
  id: string
  at: number
  session: string
}

/**
 * Drives an engine with a command sequence, as a page would, and checks every
 * impression against what came before it.
 */
function run(scenarios: Scenario[], settings: ScenarioSettings, commands: Command[]) {
  const time = fakeTime(MONDAY_9_UTC)
  const byId = new Map(scenarios.map((s) => [s.id, s]))
  const impressions: Impression[] = []
  const dismissals: { id: string; at: number }[] = []
  let stored: History | undefined
  let showing: string | undefined
  let generation = 0
  let sessions = 1
  const now = time.clock()
  const state: Omit<Facts, 'now' | 'showing'> = {
    page: { url: 'https://shop.example/', path: '/', enteredAt: now },
    session: { id: 'session-1', startedAt: now, pages: 1 },
    device: 'desktop',
    operatorsOnline: true,
    hasOpenConversation: false,
    widgetOpen: false,
    exitIntent: false,
    events: [],
  }

  function impression(id: string, at: number, from: number) {
    const s = byId.get(id)!
    const { oncePerSession, oncePerDays, maxTimes, cooldownAfterDismissDays } = s.rules
    const session = state.session.id
    const before = impressions.filter((p) => p.id === id)
    expect(from, 'a destroyed engine called back').toBe(generation)
    expect(s.enabled, 'a disabled scenario showed').toBe(true)
    expect(showing, 'two invitations at a time').toBeUndefined()
    expect(state.widgetOpen, 'shown while the widget is open').toBe(false)
    for (const p of impressions)
      expect(at - p.at, 'global gap').toBeGreaterThanOrEqual(settings.minGapSeconds * 1000)
    if (oncePerSession)
      expect(
        before.some((p) => p.session === session),
        'once per session',
      ).toBe(false)
    if (maxTimes) expect(before.length, 'max times').toBeLessThan(maxTimes)
    if (oncePerDays)
      for (const p of before)
        expect(at - p.at, 'once per days').toBeGreaterThanOrEqual(oncePerDays * DAY)
    if (cooldownAfterDismissDays) {
      for (const d of dismissals.filter((d) => d.id === id)) {
        expect(at - d.at, 'cooldown after dismissal').toBeGreaterThanOrEqual(
          cooldownAfterDismissDays * DAY,
        )
      }
    }
    impressions.push({ id, at, session })
    showing = id
  }

  function start(): Engine {
    const mine = ++generation
    return createEngine({
      scenarios,
      settings,
      facts: { ...state },
      clock: time.clock,
      timers: time.timers,
      history: stored,
      save: (h) => {
        stored = h
      },
      onShow: (d) => expect(d.scenarioId).toBe(showing),
      onEvent: (e) => {
        if (e.event === 'impression') impression(e.scenarioId, time.clock(), mine)
      },
    })
  }

  let engine = start()
  for (const c of commands) {
    switch (c.k) {
      case 'advance':
        time.advance(c.ms)
        break
      case 'back':
        time.jump(-c.ms)
        engine.update({})
        break
      case 'page':
        state.page = { url: `https://shop.example${c.path}`, path: c.path, enteredAt: time.clock() }
        state.session = { ...state.session, pages: state.session.pages + 1 }
        engine.update({ page: state.page, session: state.session })
        break
      case 'session':
        state.session = { id: `session-${++sessions}`, startedAt: time.clock(), pages: 1 }
        state.events = []
        engine.update({ session: state.session })
        break
      case 'dismiss':
      case 'click':
        if (showing) {
          const id = showing
          showing = undefined
          if (c.k === 'dismiss') dismissals.push({ id, at: time.clock() })
          else state.widgetOpen = true
          engine[c.k](id)
        }
        break
      case 'track':
        state.events = [...new Set([...state.events, c.name])]
        engine.track(c.name)
        break
      case 'widget':
        state.widgetOpen = c.open
        engine.update({ widgetOpen: c.open })
        break
      case 'exit':
        engine.update({ exitIntent: true })
        break
      case 'reload':
        engine.destroy()
        showing = undefined
        engine = start()
        break
    }
    expect(time.timers.active(), 'one timer at a time').toBeLessThanOrEqual(1)
  }
  engine.destroy()
  expect(time.timers.active(), 'a timer outlived destroy').toBe(0)
  return impressions
}

describe('engine properties', () => {
  it('never breaks a frequency rule, the gap, or one-at-a-time, and never shows a disabled scenario', () => {
    fc.assert(
      fc.property(
        scenarioList,
        fc.integer({ min: 0, max: 600 }),
        fc.array(command, { maxLength: 120, size: 'max' }),
        (scenarios, minGapSeconds, commands) => {
          run(scenarios, { minGapSeconds }, commands)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('shows two or more invitations in a fair share of runs (the properties above are not vacuous)', () => {
    let runs = 0
    let showed = 0
    fc.assert(
      fc.property(
        scenarioList,
        fc.array(command, { minLength: 20, maxLength: 60, size: 'max' }),
        (scenarios, commands) => {
          runs++
          if (run(scenarios, { minGapSeconds: 30 }, commands).length > 1) showed++
        },
      ),
      { numRuns: 200, seed: 4 },
    )
    expect(showed / runs).toBeGreaterThan(0.2)
  })
})
