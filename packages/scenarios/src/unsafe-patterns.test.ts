import { describe, expect, it } from 'vitest'
import { scenario } from './test/fixtures.ts'
import { findUnsafePatterns } from './unsafe-patterns.ts'

describe('findUnsafePatterns', () => {
  it('finds nothing in a scenario without regular expressions or with safe ones', () => {
    expect(findUnsafePatterns(scenario())).toEqual([])
    const safe = scenario({
      where: { include: [{ type: 'regex', value: '^/catalog/\\d+$' }], exclude: [] },
    })
    expect(findUnsafePatterns(safe)).toEqual([])
  })

  it('points at every unsafe regex: pages, referrers, nested groups', () => {
    const unsafe = scenario({
      where: {
        include: [
          { type: 'wildcard', value: '(a+)+' },
          { type: 'regex', value: '(a+)+' },
        ],
        exclude: [{ type: 'regex', value: '(?<=x)y' }],
      },
      conditions: {
        any: [
          { type: 'referrer', pattern: { type: 'regex', value: '.*a.*b' } },
          {
            all: [
              { type: 'device', device: 'mobile' },
              { type: 'referrer', pattern: { type: 'regex', value: '(a|a)*' } },
            ],
          },
        ],
      },
    })
    expect(findUnsafePatterns(unsafe)).toEqual([
      '/where/include/1/value',
      '/where/exclude/0/value',
      '/conditions/any/0/pattern/value',
      '/conditions/any/1/all/1/pattern/value',
    ])
  })
})
