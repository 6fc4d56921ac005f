import { describe, expect, it } from 'vitest'
import { isValidEmail, isValidHttpUrl, normalizePhone } from './phone.ts'

describe('normalizePhone', () => {
  const cases: [string, string | null, string | null][] = [
    ['+7 916 123-45-67', 'RU', '+79161234567'],
    ['8 (916) 123-45-67', 'RU', '+79161234567'],
    ['89161234567', 'RU', '+79161234567'],
    ['79161234567', 'RU', '+79161234567'],
    ['9161234567', 'RU', '+79161234567'],
    ['916.123.45.67', 'RU', '+79161234567'],
    ['+44 20 7946 0958', 'RU', '+442079460958'],
    ['+44 20 7946 0958', null, '+442079460958'],
    ['0044 20 7946 0958', null, '+442079460958'],
    ['+1 (212) 555-0123', null, '+12125550123'],
    ['+7 916 123-45-67', null, '+79161234567'],
    ['9161234567', null, null],
    ['89161234567', null, null],
    ['1234567', 'RU', null],
    ['+7 916 123 45', 'RU', null],
    ['+1234567', null, null],
    ['+1234567890123456', null, null],
    ['+0123456789', null, null],
    ['916-CALL-ME', 'RU', null],
    ['7+9161234567', 'RU', null],
    ['++79161234567', 'RU', null],
    ['8 916 123-45-67', 'KZ', '+79161234567'],
    ['8 701 123 45 67', 'KZ', '+77011234567'],
    ['(212) 555-0123', 'US', '+12125550123'],
    ['1 212 555 0123', 'US', '+12125550123'],
    ['416 555 0199', 'CA', '+14165550199'],
    ['8 212 555 0123', 'US', null],
    ['+1 212 555 012', 'US', null],
    ['9161234567', 'GB', null],
    ['+44 20 7946 0958', 'GB', '+442079460958'],
    ['', 'RU', null],
    ['   ', null, null],
  ]
  for (const [raw, country, expected] of cases) {
    it(`normalises ${JSON.stringify(raw)} (${country}) to ${expected}`, () => {
      expect(normalizePhone(raw, country)).toBe(expected)
    })
  }
})

describe('isValidEmail', () => {
  const cases: [string, boolean][] = [
    ['anna@example.com', true],
    ['  anna.petrova+shop@mail.example.ru ', true],
    ['anna@example', false],
    ['anna@@example.com', false],
    ['anna example@example.com', false],
    ['@example.com', false],
    ['anna@.example.com', false],
    ['anna@example..com', false],
    [`${'a'.repeat(65)}@example.com`, false],
    [`a@${'b'.repeat(250)}.com`, false],
  ]
  for (const [email, valid] of cases) {
    it(`says ${JSON.stringify(email)} is ${valid ? 'valid' : 'invalid'}`, () => {
      expect(isValidEmail(email)).toBe(valid)
    })
  }
})

describe('isValidHttpUrl', () => {
  const cases: [string, boolean][] = [
    ['https://shop.example', true],
    ['http://127.0.0.1:8080/path?q=1', true],
    ['ftp://shop.example', false],
    ['javascript:alert(1)', false],
    ['shop.example', false],
    ['', false],
  ]
  for (const [url, valid] of cases) {
    it(`says ${JSON.stringify(url)} is ${valid ? 'valid' : 'invalid'}`, () => {
      expect(isValidHttpUrl(url)).toBe(valid)
    })
  }
})
