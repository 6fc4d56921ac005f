import type { PagePattern } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { matchPattern, matchWhere, matchWildcard } from './match-page.ts'

const URL = 'https://shop.example/catalog/shoes?color=red'
const PATH = '/catalog/shoes'

describe('matchWildcard', () => {
  it.each([
    ['/catalog/*', '/catalog/shoes', true],
    ['/catalog/*', '/catalog/', true],
    ['/catalog/*', '/catalog', false],
    ['*', '', true],
    ['*shoes', '/catalog/shoes', true],
    ['/c*/s*s', '/catalog/shoes', true],
    ['/c*/s*x', '/catalog/shoes', false],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['*a*a*a*', 'aa', false],
    ['/exact', '/exact', true],
    ['/exact', '/exactly', false],
    ['/a.b', '/axb', false],
    ['/a?b', '/a?b', true],
  ])('%s on %s is %s', (pattern, text, expected) => {
    expect(matchWildcard(pattern, text)).toBe(expected)
  })

  it('is linear on a hostile pattern and text', () => {
    const started = performance.now()
    expect(matchWildcard(`${'*a'.repeat(100)}b`, 'a'.repeat(5000))).toBe(false)
    expect(performance.now() - started).toBeLessThan(50)
  })
})

describe('matchPattern', () => {
  it.each<[PagePattern, boolean]>([
    [{ type: 'exact', value: PATH }, true],
    [{ type: 'exact', value: '/catalog' }, false],
    [{ type: 'exact', value: URL }, true],
    [{ type: 'prefix', value: '/catalog' }, true],
    [{ type: 'prefix', value: '/cart' }, false],
    [{ type: 'prefix', value: 'https://shop.example/' }, true],
    [{ type: 'prefix', value: 'https://other.example/' }, false],
    [{ type: 'wildcard', value: '/catalog/*' }, true],
    [{ type: 'wildcard', value: '*color=red' }, true],
    [{ type: 'wildcard', value: '/*/boots' }, false],
    [{ type: 'regex', value: '^/catalog/[a-z]+$' }, true],
    [{ type: 'regex', value: 'color=(red|blue)' }, true],
    [{ type: 'regex', value: '^/cart' }, false],
  ])('%j is %s', (pattern, expected) => {
    expect(matchPattern(pattern, URL, PATH)).toBe(expected)
  })

  it.each<PagePattern>([
    { type: 'regex', value: '[' },
    { type: 'regex', value: 'catalog(' },
    { type: 'nope' as 'exact', value: PATH },
  ])('a bad pattern %j never matches and never throws', (pattern) => {
    expect(matchPattern(pattern, URL, PATH)).toBe(false)
  })

  it('runs a regex from the config as given: the relay refused unsafe ones before', () => {
    expect(matchPattern({ type: 'regex', value: '^/catalog(?=/)' }, URL, PATH)).toBe(true)
  })
})

describe('matchWhere', () => {
  const page = { url: URL, path: PATH, enteredAt: 0 }

  it('matches every page when nothing is included', () => {
    expect(matchWhere({ include: [], exclude: [] }, page)).toBe(true)
  })

  it('matches only included pages', () => {
    expect(matchWhere({ include: [{ type: 'prefix', value: '/cart' }], exclude: [] }, page)).toBe(
      false,
    )
    expect(
      matchWhere(
        {
          include: [
            { type: 'prefix', value: '/cart' },
            { type: 'prefix', value: '/catalog' },
          ],
          exclude: [],
        },
        page,
      ),
    ).toBe(true)
  })

  it('lets an exclusion win over an inclusion', () => {
    const where = {
      include: [{ type: 'prefix', value: '/catalog' }],
      exclude: [{ type: 'wildcard', value: '/*/shoes' }],
    } satisfies Parameters<typeof matchWhere>[0]
    expect(matchWhere(where, page)).toBe(false)
  })
})
