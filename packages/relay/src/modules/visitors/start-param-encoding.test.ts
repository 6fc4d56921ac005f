import { describe, expect, it } from 'vitest'
import { createStartParams } from './start-param.ts'

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

describe('start parameter encoding', () => {
  const params = createStartParams('relay-secret')

  // Visitor ids of three lengths, so the parameters end with 0, 2 and 4 unused bits
  // and one of them is a multiple of 4 characters long.
  const visitorIds = ['v_abc', 'v_abcd', 'v_abcde']

  it('verifies only the spelling it issued', () => {
    const accepted: string[] = []
    for (const visitorId of visitorIds) {
      const param = params.issue('shop', visitorId)
      const last = BASE64URL.indexOf(param.at(-1) ?? '')
      const altered = {
        'unused low bit of the last character set': `${param.slice(0, -1)}${BASE64URL[last ^ 1]}`,
        'unused second bit of the last character set': `${param.slice(0, -1)}${BASE64URL[last ^ 2]}`,
        'a character appended': `${param}A`,
        'two characters appended': `${param}AA`,
      }
      for (const [name, form] of Object.entries(altered)) {
        if (form !== param && params.verify('shop', form) !== undefined) {
          accepted.push(`${visitorId}: ${name}`)
        }
      }
      expect(params.verify('shop', param)).toBe(visitorId)
    }
    expect(accepted).toEqual([])
  })
})
