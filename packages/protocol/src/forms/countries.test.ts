import { describe, expect, it } from 'vitest'
import { COUNTRY_CODES, isCountryCode } from './countries.ts'

describe('isCountryCode', () => {
  it('knows the 249 assigned codes, each once', () => {
    expect(COUNTRY_CODES.length).toBe(249)
    expect(new Set(COUNTRY_CODES).size).toBe(249)
  })

  it('accepts assigned upper-case codes and refuses anything else', () => {
    expect(['RU', 'KZ', 'US', 'CA', 'GB', 'DE'].map(isCountryCode)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ])
    expect(['ru', 'XX', 'EU', 'UK', 'RUS', '', 'R'].map(isCountryCode)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ])
  })
})
