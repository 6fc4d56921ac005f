import { accessibleName, deepText, getAllByRole, getByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { defineConsoleElements } from './elements.ts'
import type { ParleyReplyComposer } from './reply-composer.ts'
import { settle, typeInto } from './test/dom.ts'

defineConsoleElements()

let composer: ParleyReplyComposer
let sent: string[]

beforeEach(async () => {
  sent = []
  composer = document.createElement('parley-reply-composer')
  composer.canned = [
    {
      id: 'k1',
      shortcut: 'delivery',
      text: 'We deliver in 3–5 days.',
      scope: 'personal',
      updatedAt: 1,
    },
    {
      id: 'k2',
      shortcut: 'discount',
      text: '10% off with code TEA10.',
      scope: 'group',
      groupId: 'g1',
      updatedAt: 1,
    },
    { id: 'k3', shortcut: 'hours', text: 'We answer 9:00–18:00.', scope: 'personal', updatedAt: 1 },
  ]
  composer.addEventListener('reply-send', (event) => sent.push((event as CustomEvent).detail.text))
  document.body.append(composer)
  await settle(composer)
})

afterEach(() => composer.remove())

const reply = () => getByRole<HTMLTextAreaElement>(composer, 'textbox', { name: 'Reply' })
const press = async (key: string) => {
  reply().dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
  await settle(composer)
}
const options = () =>
  getAllByRole(getByRole(composer, 'listbox', { name: 'Canned responses' }), 'option')

test('/ and the start of a shortcut list the matches; arrows choose, Enter fills the draft', async () => {
  typeInto(reply(), '/d')
  await settle(composer)
  expect(options().map((o) => deepText(o))).toEqual([
    '/delivery We deliver in 3–5 days.',
    '/discount 10% off with code TEA10.',
  ])
  expect(options().map((o) => o.getAttribute('aria-selected'))).toEqual(['true', 'false'])
  await press('ArrowDown')
  expect(reply().getAttribute('aria-activedescendant')).toBe(options()[1]!.id)
  await press('Enter')
  // The text is in the draft to read or change; nothing is sent yet.
  expect(reply().value).toBe('10% off with code TEA10.')
  expect(sent).toEqual([])
  expect(queryByRole(composer, 'listbox')).toBeNull()
  await press('Enter')
  expect(sent).toEqual(['10% off with code TEA10.'])
})

test('Escape closes the list and Enter then sends what was typed; no match shows no list', async () => {
  typeInto(reply(), '/h')
  await settle(composer)
  expect(options().map(accessibleName)).toHaveLength(1)
  await press('Escape')
  expect(queryByRole(composer, 'listbox')).toBeNull()
  await press('Enter')
  expect(sent).toEqual(['/h'])
  typeInto(reply(), '/zzz')
  await settle(composer)
  expect(queryByRole(composer, 'listbox')).toBeNull()
  typeInto(reply(), 'see /delivery')
  await settle(composer)
  expect(queryByRole(composer, 'listbox')).toBeNull()
})
