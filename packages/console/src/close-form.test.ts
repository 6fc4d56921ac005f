import { MAX_TAG_LENGTH, MAX_TAGS } from '@parley/protocol'
import { deepText, getByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import type { ParleyCloseForm } from './close-form.ts'
import { parseTags, TAG_LIMITS } from './close-form.ts'
import { defineConsoleElements } from './elements.ts'
import { settle, typeInto } from './test/dom.ts'

defineConsoleElements()

let form: ParleyCloseForm
let confirmed: string[][]
beforeEach(() => {
  confirmed = []
  form = document.createElement('parley-close-form')
  form.addEventListener('close-confirm', (e) =>
    confirmed.push((e as CustomEvent<{ tags: string[] }>).detail.tags),
  )
  document.body.append(form)
})
afterEach(() => form.remove())

test("the console checks the relay's own tag limits", () => {
  expect(TAG_LIMITS).toEqual({ tags: MAX_TAGS, length: MAX_TAG_LENGTH })
})

test('tags are split at commas, trimmed, lower case and distinct', () => {
  expect(parseTags(' Refund ,, VIP  client, refund ')).toEqual(['refund', 'vip client'])
})

test('too many or too long tags are refused before anything is sent', async () => {
  await settle(form)
  const field = getByRole<HTMLInputElement>(form, 'textbox', {
    name: 'Tags (optional, separated by commas)',
  })
  typeInto(field, Array.from({ length: 11 }, (_, i) => `t${i}`).join(','))
  getByRole(form, 'button', { name: 'Close' }).click()
  await settle(form)
  expect(deepText(getByRole(form, 'alert'))).toBe('At most 10 tags.')
  typeInto(field, 'x'.repeat(33))
  getByRole(form, 'button', { name: 'Close' }).click()
  await settle(form)
  expect(deepText(getByRole(form, 'alert'))).toMatch(/^A tag is at most 32 characters/)
  expect(confirmed).toEqual([])
  typeInto(field, 'ok')
  getByRole(form, 'button', { name: 'Close' }).click()
  expect(confirmed).toEqual([['ok']])
})
