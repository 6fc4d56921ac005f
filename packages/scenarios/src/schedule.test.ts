import type { Condition } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { checkSchedule } from './schedule.ts'

type Schedule = Extract<Condition, { type: 'schedule' }>
const schedule = (overrides: Partial<Schedule> = {}): Schedule => ({
  type: 'schedule',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '18:00',
  timeZone: 'Europe/Moscow',
  ...overrides,
})
/** Moscow is UTC+3 all year. */
const msk = (day: number, hour: number, minute = 0) => Date.UTC(2025, 0, day, hour - 3, minute)
const NEVER = Number.POSITIVE_INFINITY

describe('checkSchedule', () => {
  it('is on during working hours and switches off at their end', () => {
    expect(checkSchedule(schedule(), msk(6, 10))).toEqual([true, msk(6, 18)])
  })

  it('includes the start and excludes the end', () => {
    expect(checkSchedule(schedule(), msk(6, 9))[0]).toBe(true)
    expect(checkSchedule(schedule(), msk(6, 18))[0]).toBe(false)
  })

  it('is off before hours and switches on at their start', () => {
    expect(checkSchedule(schedule(), msk(6, 8, 30))).toEqual([false, msk(6, 9)])
  })

  it('skips days not listed: Friday evening waits for Monday', () => {
    expect(checkSchedule(schedule(), msk(10, 19))).toEqual([false, msk(13, 9)])
  })

  it('reads the wall clock in the given time zone', () => {
    const utc = Date.UTC(2025, 0, 6, 7, 0)
    expect(checkSchedule(schedule({ timeZone: 'UTC' }), utc)[0]).toBe(false)
    expect(checkSchedule(schedule(), utc)[0]).toBe(true)
  })

  it('spans midnight when the end is before the start', () => {
    const night = schedule({ days: ['fri'], from: '22:00', to: '02:00' })
    expect(checkSchedule(night, msk(10, 23))).toEqual([true, msk(11, 2)])
    expect(checkSchedule(night, msk(11, 1))).toEqual([true, msk(11, 2)])
    expect(checkSchedule(night, msk(11, 23))[0]).toBe(false)
    expect(checkSchedule(night, msk(9, 1))[0]).toBe(false)
  })

  it('is on the whole listed day when start equals end', () => {
    const saturday = schedule({ days: ['sat'], from: '00:00', to: '00:00' })
    expect(checkSchedule(saturday, msk(11, 0))).toEqual([true, msk(12, 0)])
    expect(checkSchedule(saturday, msk(10, 12))).toEqual([false, msk(11, 0)])
  })

  it('never switches when every day is on', () => {
    const always = schedule({
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      from: '00:00',
      to: '00:00',
    })
    expect(checkSchedule(always, msk(6, 12))).toEqual([true, NEVER])
  })

  it('wakes exactly at the boundary across a daylight-saving change', () => {
    // Berlin moves from 02:00 to 03:00 on 2025-03-30 (UTC+1 -> UTC+2).
    const s = schedule({ days: ['sun'], from: '10:00', to: '12:00', timeZone: 'Europe/Berlin' })
    const saturdayNoon = Date.UTC(2025, 2, 29, 11, 0)
    expect(checkSchedule(s, saturdayNoon)).toEqual([false, Date.UTC(2025, 2, 30, 8, 0)])
  })

  it('switches off where the clocks fall back out of the span, not at its end an hour later', () => {
    // Berlin goes back from 03:00 to 02:00 on 2025-10-26 (UTC+2 -> UTC+1): at 02:06 CEST the
    // span 02:06–03:00 is on, and at 01:00 UTC the wall clock reads 02:00 again, before it.
    const s = schedule({ days: ['sun'], from: '02:06', to: '03:00', timeZone: 'Europe/Berlin' })
    expect(checkSchedule(s, Date.UTC(2025, 9, 26, 0, 6))).toEqual([
      true,
      Date.UTC(2025, 9, 26, 1, 0),
    ])
  })

  it('is off, without throwing, for an unknown time zone or a malformed clock', () => {
    expect(checkSchedule(schedule({ timeZone: 'Mars/Olympus' }), msk(6, 10))).toEqual([
      false,
      NEVER,
    ])
    expect(checkSchedule(schedule({ from: 'nine' }), msk(6, 10))[0]).toBe(false)
  })
})
