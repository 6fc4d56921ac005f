import { expect, test } from 'vitest'
import { formatPhone } from './phone-format.ts'

test('formats Russian and North American numbers as their people write them', () => {
  expect(formatPhone('+79161234567')).toBe('+7 916 123-45-67')
  expect(formatPhone('+12125550100')).toBe('+1 212 555-0100')
})

test('leaves numbers of other plans, and what is not E.164, as they are', () => {
  expect(formatPhone('+442079460958')).toBe('+442079460958')
  expect(formatPhone('+7916123')).toBe('+7916123')
  expect(formatPhone('8 916 123')).toBe('8 916 123')
})
