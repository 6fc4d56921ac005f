import type { Condition, ConditionGroup } from '@parley/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkGroup } from './conditions.ts'
import { matchWildcard } from './match-page.ts'
import { checkSchedule } from './schedule.ts'
import { facts, MONDAY_9_UTC as T } from './test/fixtures.ts'

type Schedule = Extract<Condition, { type: 'schedule' }>

const WEEK = 7 * 86_400_000
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

const condition = fc.oneof(
  fc.record({ type: fc.constant('timeOnSite'), seconds: fc.integer({ min: 0, max: 120 }) }),
  fc.record({ type: fc.constant('timeOnPage'), seconds: fc.integer({ min: 0, max: 120 }) }),
  fc.record({ type: fc.constant('device'), device: fc.constantFrom('desktop', 'mobile') }),
  fc.record({ type: fc.constant('customEvent'), name: fc.constantFrom('a', 'b') }),
) as fc.Arbitrary<Condition>
const inner = fc.oneof(
  fc.array(condition, { maxLength: 3 }).map((all) => ({ all })),
  fc.array(condition, { maxLength: 3 }).map((any) => ({ any })),
)
const group = fc.oneof(
  fc.array(fc.oneof(condition, inner), { maxLength: 4 }).map((all) => ({ all })),
  fc.array(fc.oneof(condition, inner), { maxLength: 4 }).map((any) => ({ any })),
) as fc.Arbitrary<ConditionGroup>

const clock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`)

describe('nextChangeAt', () => {
  it('a group keeps its value until its next change time', () => {
    fc.assert(
      fc.property(
        group,
        fc.integer({ min: 0, max: 120_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 10 }),
        fc.subarray(['a', 'b']),
        (g, elapsed, onPage, later, events) => {
          const base = facts({ events, now: T + elapsed })
          const at = (now: number) => ({
            ...base,
            now,
            page: { ...base.page, enteredAt: T + onPage },
          })
          const [value, next] = checkGroup(g, at(T + elapsed))
          expect(next).toBeGreaterThan(T + elapsed)
          for (const step of later) {
            const t = T + elapsed + step
            if (t < next) expect(checkGroup(g, at(t))[0]).toBe(value)
          }
        },
      ),
    )
  })

  it('a schedule keeps its value until its next change time, and changes there', () => {
    fc.assert(
      fc.property(
        fc.subarray([...DAYS], { minLength: 1 }),
        clock,
        clock,
        fc.integer({ min: 0, max: 4 * WEEK }),
        fc.array(fc.integer({ min: 1, max: WEEK }), { maxLength: 10 }),
        (days, from, to, offset, later) => {
          const s = { type: 'schedule', days, from, to, timeZone: 'Europe/Moscow' } as const
          const now = T + offset
          const [value, next] = checkSchedule(s, now)
          if (days.length === 7 && from === to) expect(next).toBe(Number.POSITIVE_INFINITY)
          else {
            expect(next).toBeGreaterThan(now)
            expect(checkSchedule(s, next)[0]).toBe(!value)
            expect(checkSchedule(s, next - 1)[0]).toBe(value)
          }
          for (const step of later) {
            if (now + step < next) expect(checkSchedule(s, now + step)[0]).toBe(value)
          }
        },
      ),
    )
  })
})

describe('nextChangeAt across daylight-saving changes (Berlin, March and October 2025)', () => {
  it.each([Date.UTC(2025, 2, 24), Date.UTC(2025, 9, 22)])(
    'is later than now and never later than the change (from %i)',
    (start) => {
      fc.assert(
        fc.property(
          fc.subarray([...DAYS], { minLength: 1 }),
          clock,
          clock,
          fc.integer({ min: 0, max: WEEK }),
          fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 10 }),
          (days, from, to, offset, minutes) => {
            const s = { type: 'schedule', days, from, to, timeZone: 'Europe/Berlin' } as const
            const now = start + offset
            const [value, next] = checkSchedule(s, now)
            expect(next).toBeGreaterThan(now)
            for (const m of minutes) {
              const t = Math.min(next, now + 2 * WEEK) - m * 60_000
              if (t > now) expect(checkSchedule(s, t)[0]).toBe(value)
            }
          },
        ),
        { numRuns: 300 },
      )
    },
  )

  it('wakes before a boundary that falls in the skipped hour', () => {
    const s: Schedule = {
      type: 'schedule',
      days: ['sun'],
      from: '02:30',
      to: '05:00',
      timeZone: 'Europe/Berlin',
    }
    const saturdayNight = Date.UTC(2025, 2, 29, 22, 0)
    const [value, next] = checkSchedule(s, saturdayNight)
    expect(value).toBe(false)
    // 03:00 CEST (01:00 UTC) is the first on moment; waking earlier is allowed.
    expect(next).toBeGreaterThan(saturdayNight)
    expect(next).toBeLessThanOrEqual(Date.UTC(2025, 2, 30, 1, 0))
    expect(checkSchedule(s, Date.UTC(2025, 2, 30, 1, 0))[0]).toBe(true)
  })
})

describe('matchWildcard', () => {
  it('agrees with the equivalent regular expression', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '/', '.', '?'), maxLength: 12 })
    const pattern = fc.string({ unit: fc.constantFrom('a', 'b', '/', '.', '*', '?'), maxLength: 8 })
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        const source = p
          .split('*')
          .map((part) => part.replace(/[.?/]/g, '\\$&'))
          .join('.*')
        expect(matchWildcard(p, t)).toBe(new RegExp(`^${source}$`, 's').test(t))
      }),
      { numRuns: 2000 },
    )
  })
})
