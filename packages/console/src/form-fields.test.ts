import { expect, test } from 'vitest'
import { formatWhen, formRows, formTitle } from './form-fields.ts'

test('form rows are labelled, known fields first in a fixed order, blanks left out', () => {
  const rows = formRows({
    source: 'footer',
    text: 'Do you ship to Riga?',
    email: 'anna@example.com',
    name: 'Anna',
    company: 'Chai & Co',
    phone: '  ',
  })
  expect(rows.map((row) => [row.label, row.value])).toEqual([
    ['Name', 'Anna'],
    ['Email', 'anna@example.com'],
    ['Message', 'Do you ship to Riga?'],
    ['company', 'Chai & Co'],
    ['source', 'footer'],
  ])
})

test('a callback time reads as "As soon as possible" or a local date, marked when passed', () => {
  const slot = new Date(2031, 2, 12, 14, 30).getTime()
  expect(formatWhen('asap')).toBe('As soon as possible')
  const later = formatWhen(String(slot), slot - 1000)
  expect(later).toContain('12')
  expect(later).not.toContain('passed')
  expect(formatWhen(new Date(slot).toISOString(), slot + 1000)).toMatch(/\(passed\)$/)
  expect(formatWhen('tomorrow morning')).toBe('tomorrow morning')
})

test("a callback slot reads in the operator's time zone, which it names", () => {
  // 09:00 UTC: noon in Moscow, 01:00 in Los Angeles.
  const slot = Date.parse('2031-01-14T09:00:00Z')
  const moscow = formatWhen(String(slot), slot - 1000, 'Europe/Moscow')
  const angeles = formatWhen(String(slot), slot - 1000, 'America/Los_Angeles')
  expect(moscow).toMatch(/12:00( PM)? \(Europe\/Moscow\)$/)
  expect(angeles).toMatch(/01:00( AM)? \(America\/Los_Angeles\)$/)
})

test('a form block is titled by the conversation kind, else by its fields', () => {
  expect(formTitle({ name: 'A' }, 'callback')).toBe('Callback request')
  expect(formTitle({ name: 'A' }, 'offline')).toBe('Offline message')
  expect(formTitle({ when: 'asap' }, undefined)).toBe('Callback request')
  expect(formTitle({ name: 'A' }, 'chat')).toBe('Form')
})
