import { describe, expect, it } from 'vitest'
import {
  isWithinWorkingHours,
  nextSlots,
  validateWorkingHours,
  type WorkingHours,
} from './hours.ts'

const office = (timeZone: string): WorkingHours => ({
  timeZone,
  days: {
    mon: ['09:00', '18:00'],
    tue: ['09:00', '18:00'],
    wed: ['09:00', '18:00'],
    thu: ['09:00', '18:00'],
    fri: ['09:00', '18:00'],
    sat: ['10:00', '16:00'],
    sun: null,
  },
})
const at = (iso: string) => Date.parse(iso)

describe('isWithinWorkingHours', () => {
  const cases: [string, WorkingHours | null, string, boolean][] = [
    [
      'Moscow, Monday 09:00 (opening minute)',
      office('Europe/Moscow'),
      '2024-01-15T06:00:00Z',
      true,
    ],
    ['Moscow, Monday 08:59', office('Europe/Moscow'), '2024-01-15T05:59:00Z', false],
    ['Moscow, Monday 17:59', office('Europe/Moscow'), '2024-01-15T14:59:00Z', true],
    [
      'Moscow, Monday 18:00 (end is exclusive)',
      office('Europe/Moscow'),
      '2024-01-15T15:00:00Z',
      false,
    ],
    ['Moscow, Saturday 15:30', office('Europe/Moscow'), '2024-01-20T12:30:00Z', true],
    ['Moscow, Saturday 16:30', office('Europe/Moscow'), '2024-01-20T13:30:00Z', false],
    ['Moscow, Sunday noon (closed)', office('Europe/Moscow'), '2024-01-21T09:00:00Z', false],
    [
      'Tokyo, Monday 09:30 while UTC is still Monday 00:30',
      office('Asia/Tokyo'),
      '2024-01-15T00:30:00Z',
      true,
    ],
    [
      'Tokyo, Monday 08:30 while UTC is Sunday',
      office('Asia/Tokyo'),
      '2024-01-14T23:30:00Z',
      false,
    ],
    [
      'New York in summer time, Monday 09:00 EDT',
      office('America/New_York'),
      '2024-07-15T13:00:00Z',
      true,
    ],
    [
      'New York in winter, 13:00Z is 08:00 EST',
      office('America/New_York'),
      '2024-01-15T13:00:00Z',
      false,
    ],
    ['Kolkata (+05:30), Monday 09:00', office('Asia/Kolkata'), '2024-01-15T03:30:00Z', true],
    ['no hours at all means always open', null, '2024-01-21T03:00:00Z', true],
  ]
  for (const [name, hours, iso, expected] of cases) {
    it(`is ${expected} for ${name}`, () => {
      expect(isWithinWorkingHours(hours, at(iso))).toBe(expected)
    })
  }

  const night: WorkingHours = {
    timeZone: 'Europe/Moscow',
    days: {
      mon: null,
      tue: null,
      wed: null,
      thu: null,
      fri: ['22:00', '02:00'],
      sat: null,
      sun: null,
    },
  }
  it('runs an overnight span past midnight into the next day', () => {
    expect(isWithinWorkingHours(night, at('2024-01-19T19:30:00Z'))).toBe(true) // Fri 22:30
    expect(isWithinWorkingHours(night, at('2024-01-19T22:30:00Z'))).toBe(true) // Sat 01:30
    expect(isWithinWorkingHours(night, at('2024-01-19T23:00:00Z'))).toBe(false) // Sat 02:00
    expect(isWithinWorkingHours(night, at('2024-01-19T18:59:00Z'))).toBe(false) // Fri 21:59
  })

  it('treats 24:00 as the end of the day', () => {
    const always: WorkingHours = {
      timeZone: 'Europe/Moscow',
      days: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00', '24:00']]),
      ) as WorkingHours['days'],
    }
    expect(isWithinWorkingHours(always, at('2024-01-21T20:59:00Z'))).toBe(true) // Sun 23:59
    expect(isWithinWorkingHours(always, at('2024-01-21T21:00:00Z'))).toBe(true) // Mon 00:00
  })
})

describe('nextSlots', () => {
  it('skips from Friday evening to Saturday morning in the site zone', () => {
    const slots = nextSlots(office('Europe/Moscow'), at('2024-01-19T14:10:00Z'), 3)
    expect(slots.map((s) => new Date(s).toISOString())).toEqual([
      '2024-01-20T07:00:00.000Z',
      '2024-01-20T08:00:00.000Z',
      '2024-01-20T09:00:00.000Z',
    ])
  })

  it('keeps each slot wholly inside the hours (no 17:00 slot on Saturday)', () => {
    const slots = nextSlots(office('Europe/Moscow'), at('2024-01-20T12:00:00Z'), 2)
    expect(slots.map((s) => new Date(s).toISOString())).toEqual([
      '2024-01-22T06:00:00.000Z',
      '2024-01-22T07:00:00.000Z',
    ])
  })

  it('aligns to local hours in a half-hour zone', () => {
    const hours: WorkingHours = {
      ...office('Asia/Kolkata'),
      days: { ...office('Asia/Kolkata').days, mon: ['09:00', '11:00'] },
    }
    const slots = nextSlots(hours, at('2024-01-15T00:00:00Z'), 3)
    expect(slots.map((s) => new Date(s).toISOString())).toEqual([
      '2024-01-15T03:30:00.000Z',
      '2024-01-15T04:30:00.000Z',
      '2024-01-16T03:30:00.000Z',
    ])
  })

  it('offers every hour when the site has no hours', () => {
    expect(nextSlots(null, at('2024-01-21T03:10:00Z'), 2)).toEqual([
      at('2024-01-21T04:00:00Z'),
      at('2024-01-21T05:00:00Z'),
    ])
  })

  it('returns nothing when the site is never open', () => {
    const closed: WorkingHours = {
      timeZone: 'UTC',
      days: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null },
    }
    expect(nextSlots(closed, at('2024-01-21T03:10:00Z'), 2)).toEqual([])
  })
})

describe('validateWorkingHours', () => {
  it('accepts an office week', () => {
    expect(validateWorkingHours(office('Europe/Moscow'))).toEqual([])
  })

  it('names a bad zone and each malformed day', () => {
    const hours = {
      timeZone: 'Mars/Olympus',
      days: {
        ...office('UTC').days,
        mon: ['9:00', '18:00'],
        tue: ['09:00', '09:00'],
        wed: ['24:00', '10:00'],
        thu: ['09:00', '25:00'],
      },
    } as WorkingHours
    expect(validateWorkingHours(hours)).toEqual([
      { field: 'timeZone', code: 'timezone_invalid' },
      { field: 'days.mon', code: 'hours_invalid' },
      { field: 'days.tue', code: 'hours_invalid' },
      { field: 'days.wed', code: 'hours_invalid' },
      { field: 'days.thu', code: 'hours_invalid' },
    ])
  })
})
