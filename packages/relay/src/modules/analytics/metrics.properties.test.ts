import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSqliteStores } from '../../stores.ts'
import { type ChatSpec, factsOf, type Step, writeChats } from '../../testing/analytics-log.ts'
import { freshStores } from '../../testing/store-fixtures.ts'
import { addSums, metricsRow } from './service.ts'
import type { MetricsFilter, MetricsSums } from './store.ts'

// On a quarter hour, like every day start.
const T = 9_000_000
const BOTS = new Set(['bot'])
const OPERATORS = ['anna', 'boris', 'bot'] as const

/** A step after the first: what happens, and how long after the one before. */
const stepArb = fc.record({
  gap: fc.integer({ min: 0, max: 90_000 }),
  what: fc.oneof(
    fc.constant({ t: 'visitor' as const }),
    fc.constantFrom(...OPERATORS).map((operatorId) => ({ t: 'operator' as const, operatorId })),
    fc.constant({ t: 'queued' as const }),
    fc.constantFrom('anna', 'boris').map((operatorId) => ({ t: 'assigned' as const, operatorId })),
    fc.constant({ t: 'transferred' as const }),
  ),
})

const chatArb = fc.record({
  start: fc.integer({ min: 0, max: 3 * 86_400_000 }),
  group: fc.constantFrom('support', 'sales', null),
  steps: fc.array(stepArb, { maxLength: 8 }),
  close: fc.option(
    fc.record({ gap: fc.integer({ min: 0, max: 90_000 }), by: fc.constantFrom('anna', 'boris') }),
  ),
  rating: fc.option(fc.integer({ min: 1, max: 5 })),
})

const logArb = fc.array(chatArb, { minLength: 1, maxLength: 6 }).map((chats) =>
  chats.map((c, i): ChatSpec => {
    let at = T + c.start
    const steps: Step[] = [{ t: 'visitor', at }]
    for (const s of c.steps) {
      at += s.gap
      steps.push({ ...s.what, at } as Step)
    }
    if (c.close) steps.push({ t: 'close', at: at + c.close.gap, operatorId: c.close.by })
    return {
      id: `c${i}`,
      visitorId: `v${i}`,
      group: c.group,
      steps,
      ...(c.close && c.rating !== null && { rating: c.rating }),
    }
  }),
)

const FILTER: MetricsFilter = {
  fromAt: T,
  toAt: T + 4 * 86_400_000,
  siteId: null,
  groupIds: null,
  operatorId: null,
  botIds: [...BOTS],
  now: T + 5 * 86_400_000,
}

const ZERO: Omit<MetricsSums, 'key'> = {
  received: 0,
  accepted: 0,
  missed: 0,
  waiting: 0,
  transferred: 0,
  firstFromAssignmentSum: 0,
  firstFromQueueSum: 0,
  responseSum: 0,
  responseCount: 0,
  closedAccepted: 0,
  handleSum: 0,
  resolutionSum: 0,
  rated: 0,
  satisfied: 0,
}

/** The sums of each owner's chats, from the definitions applied in plain code. */
function expectedByOwner(chats: readonly ChatSpec[]): Map<string | null, MetricsSums> {
  const out = new Map<string | null, MetricsSums>()
  for (const chat of chats) {
    const f = factsOf(chat, BOTS)
    const s = out.get(f.owner) ?? { ...ZERO, key: f.owner }
    s.received++
    if (f.accepted) s.accepted++
    else if (f.closed) s.missed++
    else s.waiting++
    if (f.transferred) s.transferred++
    s.firstFromAssignmentSum += f.firstFromAssignment ?? 0
    s.firstFromQueueSum += f.firstFromQueue ?? 0
    s.responseSum += f.responses.reduce((a, b) => a + b, 0)
    s.responseCount += f.responses.length
    if (f.handle !== null) {
      s.closedAccepted++
      s.handleSum += f.handle
      s.resolutionSum += f.resolution!
    }
    if (f.rating !== null) {
      s.rated++
      if (f.rating >= 4) s.satisfied++
    }
    out.set(f.owner, s)
  }
  return out
}

describe('operator metrics, for random conversation logs', () => {
  it('are the definitions: per owner, rows add up to the total, and durations are never negative', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, async (chats) => {
        const { stores } = await freshStores(() => createSqliteStores(':memory:'))
        try {
          await writeChats(stores, chats)
          await stores.db.transaction((t) => stores.analytics.refresh(t, FILTER.now, [...BOTS]))
          const rows = await stores.analytics.metrics(FILTER, 'operator')
          const expected = expectedByOwner(chats)
          const sortKey = (s: MetricsSums) => s.key ?? ''
          expect(rows.sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(
            [...expected.values()].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
          )
          // The same chats split another way have the same total as the operator rows.
          const byGroup = await stores.analytics.metrics(FILTER, 'group')
          const byDay = await stores.analytics.metrics(FILTER, 'day', [T, T + 86_400_000])
          const total = addSums(rows, { ...ZERO, key: null })
          expect(addSums(byGroup, { ...ZERO, key: null })).toEqual(total)
          expect(addSums(byDay, { ...ZERO, key: null })).toEqual(total)
          expect(total.received).toBe(chats.length)
          for (const row of [...rows, total]) {
            expect(row.accepted + row.missed + row.waiting).toBe(row.received)
            const m = metricsRow(row.key, '', row, null)
            for (const value of [
              m.firstResponseFromAssignment,
              m.firstResponseFromQueue,
              m.responseTime,
              m.handleTime,
              m.resolutionTime,
            ]) {
              expect(value ?? 0).toBeGreaterThanOrEqual(0)
            }
            if (m.firstResponseFromQueue !== null) {
              // The wait never starts after the assignment's answer starts counting.
              expect(m.handleTime ?? 0).toBeGreaterThanOrEqual(0)
            }
          }
          // Each chat by the definitions: no negative first response, handle or resolution.
          for (const chat of chats) {
            const f = factsOf(chat, BOTS)
            for (const v of [f.firstFromAssignment, f.firstFromQueue, f.handle, f.resolution]) {
              expect(v ?? 0).toBeGreaterThanOrEqual(0)
            }
            for (const r of f.responses) expect(r).toBeGreaterThanOrEqual(0)
          }
        } finally {
          await stores.db.close()
        }
      }),
      { numRuns: 40 },
    )
  }, 60_000)

  it('count a chat in one period only: [from, to) periods that meet add up', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, fc.integer({ min: 1, max: 3 * 86_400_000 }), async (chats, cut) => {
        const { stores } = await freshStores(() => createSqliteStores(':memory:'))
        try {
          await writeChats(stores, chats)
          await stores.db.transaction((t) => stores.analytics.refresh(t, FILTER.now, [...BOTS]))
          const all = await stores.analytics.metrics(FILTER, 'site')
          const early = await stores.analytics.metrics({ ...FILTER, toAt: T + cut }, 'site')
          const late = await stores.analytics.metrics({ ...FILTER, fromAt: T + cut }, 'site')
          const zero = { ...ZERO, key: null }
          expect(addSums([...early, ...late], zero)).toEqual(addSums(all, zero))
        } finally {
          await stores.db.close()
        }
      }),
      { numRuns: 25 },
    )
  }, 60_000)
})
