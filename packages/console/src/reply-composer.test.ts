import { accessibleName, deepText, getAllByRole, getByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { defineConsoleElements } from './elements.ts'
import type { ParleyReplyComposer, ReplySendDetail } from './reply-composer.ts'
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

/** Plays the browser's file chooser: the file input the "Attach file" button opened. */
function chooseWith(button: HTMLElement, file: File): HTMLInputElement {
  const opened: HTMLInputElement[] = []
  const click = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(function (
    this: HTMLInputElement,
  ) {
    opened.push(this)
  })
  button.click()
  click.mockRestore()
  expect(opened).toHaveLength(1)
  const input = opened[0]!
  Object.defineProperty(input, 'files', { value: [file], configurable: true })
  input.dispatchEvent(new Event('change'))
  return input
}

const png = (name: string, bytes: number) =>
  new File([new Uint8Array(bytes)], name, { type: 'image/png' })

test('without attachable there is no Attach file button; with it, it picks one of the images the relay sends', async () => {
  expect(queryByRole(composer, 'button', { name: 'Attach file' })).toBeNull()
  composer.attachable = true
  await settle(composer)
  const input = chooseWith(
    getByRole(composer, 'button', { name: 'Attach file' }),
    png('lid.png', 2048),
  )
  expect(input.type).toBe('file')
  expect(input.accept).toBe('image/jpeg,image/png,image/webp,image/gif')
  await settle(composer)
  const chip = getByRole(composer, 'group', { name: 'Attached file' })
  expect(deepText(chip)).toBe('lid.png 2 KB ×')
  getByRole(chip, 'button', { name: 'Remove lid.png' }).click()
  await settle(composer)
  expect(queryByRole(composer, 'group', { name: 'Attached file' })).toBeNull()
  // Nothing to send: no text and no file.
  await press('Enter')
  expect(sent).toEqual([])
})

test('Send with a photo waits for its upload: cleared when it is stored, kept to retry when refused', async () => {
  composer.attachable = true
  await settle(composer)
  const details: ReplySendDetail[] = []
  let settleUpload: { resolve(): void; reject(error: Error): void } | undefined
  composer.addEventListener('reply-send', (event) => {
    const detail = (event as CustomEvent<ReplySendDetail>).detail
    details.push(detail)
    detail.waitUntil(
      new Promise<void>((resolve, reject) => {
        settleUpload = { resolve, reject }
      }),
    )
  })
  chooseWith(getByRole(composer, 'button', { name: 'Attach file' }), png('lid.png', 10))
  await settle(composer)
  typeInto(reply(), 'The lid')
  await press('Enter')
  expect(details.map((d) => [d.text, d.file?.name])).toEqual([['The lid', 'lid.png']])
  const send = () => getByRole<HTMLButtonElement>(composer, 'button', { name: 'Sending…' })
  expect(send().disabled).toBe(true)
  settleUpload!.reject(new Error('too large'))
  await settle(composer)
  expect(reply().value).toBe('The lid')
  expect(deepText(getByRole(composer, 'group', { name: 'Attached file' }))).toContain('lid.png')

  // The caption may be empty: the photo alone is a message.
  typeInto(reply(), '')
  await press('Enter')
  expect(details.map((d) => [d.text, d.file?.name])).toEqual([
    ['The lid', 'lid.png'],
    ['', 'lid.png'],
  ])
  settleUpload!.resolve()
  await settle(composer)
  expect(getByRole(composer, 'button', { name: 'Send' }).hasAttribute('disabled')).toBe(false)
  expect(queryByRole(composer, 'group', { name: 'Attached file' })).toBeNull()
  expect(reply().value).toBe('')
})
