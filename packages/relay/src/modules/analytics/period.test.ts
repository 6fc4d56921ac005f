import { describe, expect, it } from 'vitest'
import { periodOf } from './period.ts'

describe("a period in the site's time zone", () => {
  it('starts and ends at local midnight: [from, to)', () => {
    const p = periodOf('2026-01-01', '2026-01-03', 'Europe/Moscow')
    expect(new Date(p.fromAt).toISOString()).toBe('2025-12-31T21:00:00.000Z')
    expect(new Date(p.toAt).toISOString()).toBe('2026-01-02T21:00:00.000Z')
    expect(p.days).toEqual(['2026-01-01', '2026-01-02'])
    expect(p.dayStarts.map((t) => new Date(t).toISOString())).toEqual([
      '2025-12-31T21:00:00.000Z',
      '2026-01-01T21:00:00.000Z',
    ])
  })

  it('has a 23-hour day where the clocks go forward and a 25-hour one where they go back', () => {
    const spring = periodOf('2026-03-08', '2026-03-09', 'America/New_York')
    expect(new Date(spring.fromAt).toISOString()).toBe('2026-03-08T05:00:00.000Z')
    expect(spring.toAt - spring.fromAt).toBe(23 * 3_600_000)
    const autumn = periodOf('2026-11-01', '2026-11-02', 'America/New_York')
    expect(autumn.toAt - autumn.fromAt).toBe(25 * 3_600_000)
  })

  it('refuses what is not a period: period_invalid', () => {
    for (const [from, to] of [
      ['2026-01-02', '2026-01-02'],
      ['2026-01-03', '2026-01-02'],
      ['2026-02-30', '2026-03-02'],
      ['2025-01-01', '2026-01-03'],
    ]) {
      expect(() => periodOf(from!, to!, 'UTC'), `${from}..${to}`).toThrow(
        expect.objectContaining({ code: 'period_invalid' }),
      )
    }
    expect(periodOf('2025-01-01', '2026-01-02', 'UTC').days).toHaveLength(366)
  })
})
