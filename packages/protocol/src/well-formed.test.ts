import { describe, expect, it } from 'vitest'
import { toWellFormed, wellFormedStrings } from './well-formed.ts'

describe('toWellFormed', () => {
  it('replaces lone surrogates like String.prototype.toWellFormed, keeping pairs', () => {
    const samples = ['\uD800', '\uDC00', 'a\uDC00\uD800b', '😀', '\uD83D\uDE00\uD83D', 'plain', '']
    expect(samples.map(toWellFormed)).toEqual([
      '\uFFFD',
      '\uFFFD',
      'a\uFFFD\uFFFDb',
      '😀',
      '😀\uFFFD',
      'plain',
      '',
    ])
  })
})

describe('wellFormedStrings', () => {
  it('fixes strings at any depth, in arrays and in keys', () => {
    const value = JSON.parse(
      '{"a\\ud800":["\\udc00",{"b":"\\ud83d\\ude00\\ud800"}],"n":1,"z":null}',
    )
    expect(wellFormedStrings(value)).toEqual({
      'a\uFFFD': ['\uFFFD', { b: '😀\uFFFD' }],
      n: 1,
      z: null,
    })
  })

  it('keeps a "__proto__" key an own property instead of setting the prototype', () => {
    const value = wellFormedStrings(JSON.parse('{"__proto__":{"polluted":"\\ud800"}}'))
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({
      polluted: '\uFFFD',
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('handles nesting deeper than the call stack', () => {
    const depth = 200_000
    const value = JSON.parse(`${'['.repeat(depth)}"\\ud800"${']'.repeat(depth)}`)
    let inner: unknown = wellFormedStrings(value)
    for (let i = 0; i < depth; i++) inner = (inner as unknown[])[0]
    expect(inner).toBe('\uFFFD')
  })
})
