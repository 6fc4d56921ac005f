import { afterEach, expect, test } from 'vitest'
import { accessibleDescription, getByRole, queryAllByRole, queryByRole } from './by-role.ts'

afterEach(() => {
  document.body.replaceChildren()
})

function render(html: string): HTMLElement {
  const host = document.createElement('div')
  document.body.append(host)
  const root = host.attachShadow({ mode: 'open' })
  root.innerHTML = html
  return host
}

test('controls are found by implicit role and the name a person reads or hears', () => {
  const host = render(`
    <h2>Chat</h2>
    <button aria-label="Close chat"><svg></svg></button>
    <button>Send <span aria-hidden="true">→</span></button>
    <label for="n">Name</label><input id="n">
    <label><input type="checkbox"> I agree</label>
    <p id="hint">Digits only</p><input type="tel" aria-labelledby="phone-label" aria-describedby="hint">
    <span id="phone-label">Phone</span>
    <textarea aria-label="Message"></textarea>
    <select aria-label="When"><option>Now</option></select>
    <a href="https://t.me/x">Telegram</a><a>no href</a>
    <ul aria-label="Ways"><li>One</li></ul>
    <fieldset><legend>Rate</legend></fieldset>
    <form aria-label="Callback"></form><form></form>
  `)
  expect(getByRole(host, 'heading', { level: 2 }).textContent).toBe('Chat')
  expect(getByRole(host, 'button', { name: 'Close chat' })).toBeDefined()
  expect(getByRole(host, 'button', { name: 'Send' })).toBeDefined()
  expect(getByRole<HTMLInputElement>(host, 'textbox', { name: 'Name' }).id).toBe('n')
  expect(getByRole(host, 'checkbox', { name: 'I agree' })).toBeDefined()
  expect(accessibleDescription(getByRole(host, 'textbox', { name: 'Phone' }))).toBe('Digits only')
  expect(getByRole(host, 'textbox', { name: 'Message' }).tagName).toBe('TEXTAREA')
  expect(getByRole(host, 'combobox', { name: 'When' })).toBeDefined()
  expect(queryAllByRole(host, 'link').map((a) => a.textContent)).toEqual(['Telegram'])
  expect(getByRole(host, 'list', { name: 'Ways' })).toBeDefined()
  expect(queryAllByRole(host, 'listitem')).toHaveLength(1)
  expect(getByRole(host, 'group', { name: 'Rate' })).toBeDefined()
  expect(queryAllByRole(host, 'form')).toHaveLength(1)
  expect(getByRole(host, 'button', { name: /^Cl/ })).toBeDefined()
})

test('hidden elements are left out unless asked for, and shadow roots are searched inside shadow roots', () => {
  const host = render(`<div role="dialog" aria-label="Panel" hidden><button>Inside</button></div>
    <div id="inner"></div>`)
  const inner = host.shadowRoot!.getElementById('inner')!.attachShadow({ mode: 'open' })
  inner.innerHTML = '<div role="status">Online</div>'
  expect(queryByRole(host, 'dialog')).toBeNull()
  expect(queryByRole(host, 'button', { name: 'Inside' })).toBeNull()
  expect(getByRole(host, 'dialog', { name: 'Panel', hidden: true })).toBeDefined()
  expect(getByRole(host, 'status').textContent).toBe('Online')
})

test('a missing element or more than one is an error that lists what is there', () => {
  const host = render('<button>One</button><button>Two</button>')
  expect(() => getByRole(host, 'button', { name: 'Three' })).toThrow(
    /button "One"\n {2}button "Two"/,
  )
  expect(() => queryByRole(host, 'button')).toThrow('2 elements with role "button"')
})
