import { describe, expect, it } from 'vitest'
import { isSafeRegex } from './safe-regex.ts'

describe('isSafeRegex', () => {
  it.each([
    '^/catalog$',
    '^/catalog/.*$',
    '^/product/\\d+$',
    '^/(en|ru)/pricing',
    '^/blog/[a-z0-9-]+$',
    '/(sale|promo)?/items',
    '^/p/[0-9]{4}/x{2,2}$',
    '^/(?:docs|help)/',
    '^/a\\.b\\*c$',
    '^/(?<lang>en|ru)/$',
    '[)(|*+]',
  ])('accepts %s', (source) => {
    expect(isSafeRegex(source)).toBe(true)
  })

  it.each([
    ['(a+)+', 'nested quantifier'],
    ['(a*)*', 'nested quantifier'],
    ['(.*)*', 'nested quantifier'],
    ['(a+){2}', 'repeated group that repeats'],
    ['((a+)b)*', 'quantifier deeper inside a repeated group'],
    ['(a|a)*', 'repeated alternation'],
    ['(a|aa)+$', 'repeated alternation'],
    ['(a|b){3,}', 'repeated alternation'],
    ['(x+)?y+', 'optional group that repeats, then another repetition'],
    ['.*a.*b', 'two repetitions (polynomial)'],
    ['\\d+\\d+x', 'two repetitions (polynomial)'],
    ['a{1,50}b{1,50}', 'two ranges'],
    ['(a)\\1', 'backreference'],
    ['(?<x>a)\\k<x>', 'named backreference'],
    ['foo(?=bar)', 'lookahead'],
    ['foo(?!bar)', 'negative lookahead'],
    ['(?<=foo)bar', 'lookbehind'],
    ['(?<!foo)bar', 'negative lookbehind'],
    ['(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)(m|n)', 'too many branches'],
    ['(', 'does not compile'],
    ['a**', 'does not compile'],
    [`^/${'a'.repeat(200)}`, 'longer than 200'],
  ])('refuses %s (%s)', (source) => {
    expect(isSafeRegex(source)).toBe(false)
  })

  it('accepts a source of exactly 200 characters', () => {
    expect(isSafeRegex(`^/${'a'.repeat(198)}`)).toBe(true)
  })

  // No stopwatch: a catastrophic source on 2 KB backtracks for hours, so finishing
  // at all, within the test timeout, is the property; how fast depends on the machine.
  it('accepted sources finish on a hostile 2 KB path, and a catastrophic one is refused', () => {
    const accepted = ['^/.*x$', '.*a', '(a|b)?(a|b)?(a|b)?a+c', 'a?a?a?a?a?a?a*c']
    // 2048 characters, a run of a's that no accepted source can match to the end.
    const hostile = `/${'a'.repeat(2046)}!`
    const results = accepted.map((source) => {
      expect(isSafeRegex(source)).toBe(true)
      return new RegExp(source).test(hostile)
    })
    expect(results).toEqual([false, true, false, false])
    // On the same path `(a+)+$` tries every split of the 2046 a's before it fails.
    expect(isSafeRegex('(a+)+$')).toBe(false)
  })
})
