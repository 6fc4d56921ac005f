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

test('a form block is titled by the conversation kind, else by its fields', () => {
  expect(formTitle({ name: 'A' }, 'callback')).toBe('Callback request')
  expect(formTitle({ name: 'A' }, 'offline')).toBe('Offline message')
  expect(formTitle({ when: 'asap' }, undefined)).toBe('Callback request')
  expect(formTitle({ name: 'A' }, 'chat')).toBe('Form')
})
