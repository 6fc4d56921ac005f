import { describe, expect, it } from 'vitest'
import { validateAttributes, validateCallback, validateOffline, validatePrechat } from './fields.ts'
import type { WorkingHours } from './hours.ts'

const MOSCOW_OFFICE: WorkingHours = {
  timeZone: 'Europe/Moscow',
  days: {
    mon: ['09:00', '18:00'],
    tue: ['09:00', '18:00'],
    wed: ['09:00', '18:00'],
    thu: ['09:00', '18:00'],
    fri: ['09:00', '18:00'],
    sat: null,
    sun: null,
  },
}
const MONDAY_NOON = Date.parse('2024-01-15T09:00:00Z') // 12:00 in Moscow

describe('validateCallback', () => {
  const options = { locale: 'ru' as const, workingHours: MOSCOW_OFFICE, now: MONDAY_NOON }

  it('normalises the phone and trims the name', () => {
    expect(
      validateCallback({ name: ' Anna ', phone: '8 916 123-45-67', when: 'asap' }, options),
    ).toEqual({ ok: true, value: { name: 'Anna', phone: '+79161234567', when: 'asap' } })
  })

  it('accepts a slot inside working hours and keeps the comment', () => {
    const slot = Date.parse('2024-01-15T12:00:00Z') // 15:00 Moscow
    const result = validateCallback(
      { name: 'Anna', phone: '+79161234567', when: slot, comment: ' after lunch ' },
      options,
    )
    expect(result).toEqual({
      ok: true,
      value: { name: 'Anna', phone: '+79161234567', when: slot, comment: 'after lunch' },
    })
  })

  const invalid: [
    string,
    Parameters<typeof validateCallback>[0],
    { field: string; code: string }[],
  ][] = [
    [
      'an empty form',
      { name: ' ', phone: '', when: 'asap' },
      [
        { field: 'name', code: 'required' },
        { field: 'phone', code: 'required' },
      ],
    ],
    [
      'a long name and a bad phone',
      { name: 'x'.repeat(101), phone: '12345', when: 'asap' },
      [
        { field: 'name', code: 'too_long' },
        { field: 'phone', code: 'phone_invalid' },
      ],
    ],
    [
      'a slot on Sunday',
      { name: 'A', phone: '+79161234567', when: Date.parse('2024-01-14T09:00:00Z') + 7 * 864e5 },
      [{ field: 'when', code: 'slot_invalid' }],
    ],
    [
      'a slot that already ended',
      { name: 'A', phone: '+79161234567', when: MONDAY_NOON - 2 * 3600_000 },
      [{ field: 'when', code: 'slot_invalid' }],
    ],
    [
      'a slot a month ahead',
      { name: 'A', phone: '+79161234567', when: MONDAY_NOON + 28 * 864e5 },
      [{ field: 'when', code: 'slot_invalid' }],
    ],
    [
      'a long comment',
      { name: 'A', phone: '+79161234567', when: 'asap', comment: 'x'.repeat(1001) },
      [{ field: 'comment', code: 'too_long' }],
    ],
  ]
  for (const [name, input, fields] of invalid) {
    it(`refuses ${name} with field codes`, () => {
      expect(validateCallback(input, options)).toEqual({ ok: false, fields })
    })
  }

  it('accepts the current slot until it ends', () => {
    const started = MONDAY_NOON - 30 * 60_000
    expect(validateCallback({ name: 'A', phone: '+79161234567', when: started }, options).ok).toBe(
      true,
    )
  })

  it("reads a national number by the site's country, whatever the page language", () => {
    const input = { name: 'A', phone: '8 916 123-45-67', when: 'asap' as const }
    expect(validateCallback(input, { ...options, locale: 'en', country: 'RU' })).toEqual({
      ok: true,
      value: { name: 'A', phone: '+79161234567', when: 'asap' },
    })
    expect(validateCallback(input, { ...options, locale: 'ru', country: null })).toEqual({
      ok: false,
      fields: [{ field: 'phone', code: 'phone_invalid' }],
    })
  })

  it('reads a 10-digit number as Russian only in the ru locale when no country is given', () => {
    const input = { name: 'A', phone: '9161234567', when: 'asap' as const }
    expect(validateCallback(input, { ...options, locale: 'ru' }).ok).toBe(true)
    expect(validateCallback(input, { ...options, locale: 'en' })).toEqual({
      ok: false,
      fields: [{ field: 'phone', code: 'phone_invalid' }],
    })
  })
})

describe('validateOffline', () => {
  it('accepts an email-only lead', () => {
    expect(
      validateOffline(
        { name: 'Anna', email: ' anna@example.com ', text: 'Call me' },
        { locale: 'en' },
      ),
    ).toEqual({ ok: true, value: { name: 'Anna', email: 'anna@example.com', text: 'Call me' } })
  })

  it('accepts a phone-only lead, normalised', () => {
    const result = validateOffline(
      { name: 'Anna', phone: '89161234567', text: 'hi' },
      { locale: 'ru' },
    )
    expect(result).toEqual({ ok: true, value: { name: 'Anna', phone: '+79161234567', text: 'hi' } })
  })

  it('asks for a contact when neither email nor phone is given', () => {
    expect(validateOffline({ name: 'Anna', email: ' ', text: 'hi' }, { locale: 'ru' })).toEqual({
      ok: false,
      fields: [{ field: 'email', code: 'contact_required' }],
    })
  })

  it('checks every given field and the text length', () => {
    expect(
      validateOffline(
        { name: '', email: 'anna@', phone: 'abc', text: 'x'.repeat(11) },
        { locale: 'ru', maxTextLength: 10 },
      ),
    ).toEqual({
      ok: false,
      fields: [
        { field: 'name', code: 'required' },
        { field: 'email', code: 'email_invalid' },
        { field: 'phone', code: 'phone_invalid' },
        { field: 'text', code: 'too_long' },
      ],
    })
  })

  it('requires the text', () => {
    expect(validateOffline({ name: 'A', email: 'a@b.co', text: ' ' }, { locale: 'en' })).toEqual({
      ok: false,
      fields: [{ field: 'text', code: 'required' }],
    })
  })
})

describe('validatePrechat', () => {
  it('requires exactly the fields the site asks for', () => {
    expect(validatePrechat({}, { locale: 'en', fields: ['name', 'email'] })).toEqual({
      ok: false,
      fields: [
        { field: 'name', code: 'required' },
        { field: 'email', code: 'required' },
      ],
    })
  })

  it('still checks an optional field that was given', () => {
    expect(validatePrechat({ phone: '12' }, { locale: 'ru', fields: ['name'] })).toEqual({
      ok: false,
      fields: [
        { field: 'name', code: 'required' },
        { field: 'phone', code: 'phone_invalid' },
      ],
    })
  })

  it('returns only the normalised fields given', () => {
    expect(
      validatePrechat(
        { name: 'Anna', phone: '8 916 123 45 67' },
        { locale: 'ru', fields: ['phone'] },
      ),
    ).toEqual({ ok: true, value: { name: 'Anna', phone: '+79161234567' } })
  })
})

describe('validateAttributes', () => {
  it('accepts 50 short keys with strings, numbers and booleans', () => {
    const attributes = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`k${i}`, i % 3 === 0 ? 'v' : i % 3 === 1 ? i : true]),
    )
    expect(validateAttributes(attributes)).toEqual([])
  })

  it('refuses a 51st key, a long key, a long value and a non-finite number', () => {
    const attributes: Record<string, string | number | boolean> = Object.fromEntries(
      Array.from({ length: 47 }, (_, i) => [`k${i}`, 1]),
    )
    attributes['k'.repeat(65)] = 1
    attributes.plan = 'x'.repeat(257)
    attributes.score = Number.NaN
    attributes.ok = 'x'.repeat(256)
    expect(validateAttributes(attributes)).toEqual([
      { field: 'attributes', code: 'too_many' },
      { field: `attributes.${'k'.repeat(64)}`, code: 'too_long' },
      { field: 'attributes.plan', code: 'too_long' },
      { field: 'attributes.score', code: 'value_invalid' },
    ])
  })
})
