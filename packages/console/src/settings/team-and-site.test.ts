import type { Employee } from '@parley/protocol'
import { deepText, getByLabel, getByRole, queryByRole } from '@parley/test-dom'
import { afterEach, expect, test } from 'vitest'
import { createRestApi } from '../rest-api.ts'
import { settle } from '../test/dom.ts'
import { textOn } from './button-preview.ts'
import { defineSettingsElements } from './elements.ts'
import { embedSnippet } from './embed-snippet.ts'

defineSettingsElements()

const OLGA: Employee = {
  id: 'e_olga',
  name: 'Olga',
  email: 'olga@chai.example',
  role: 'operator',
  kind: 'human',
  active: true,
  hasPassword: true,
  createdAt: 1,
} as Employee

let mounted: HTMLElement | undefined
afterEach(() => mounted?.remove())

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

async function mount<E extends HTMLElement>(tag: string, setup: (el: E) => void): Promise<E> {
  const el = document.createElement(tag) as E
  setup(el)
  document.body.append(el)
  mounted = el
  for (let i = 0; i < 3; i++) await settle(el)
  return el
}

test('Employees shows the seats, and uploads a photo as multipart to the relay', async () => {
  const uploads: { path: string; method: string; file: unknown }[] = []
  let employees = [OLGA]
  const view = await mount<HTMLElement & { api: unknown; operator: unknown }>(
    'parley-employees-settings',
    (el) => {
      el.operator = { id: 'e_admin', name: 'Admin', email: 'a@x', role: 'admin' }
      el.api = createRestApi({
        fetch: (async (input: string, init?: RequestInit) => {
          if (init?.body instanceof FormData) {
            uploads.push({
              path: String(input),
              method: init.method!,
              file: init.body.get('photo'),
            })
            employees = [{ ...OLGA, photoUrl: '/v1/employees/e_olga/photo?v=2' }]
            return json(200, { employee: employees[0] })
          }
          return json(200, { employees, seats: { used: 1, limit: 3 } })
        }) as unknown as typeof fetch,
      })
    },
  )
  const root = view.shadowRoot!
  expect(deepText(root as unknown as HTMLElement)).toContain('1 of 3 seats used.')
  const input = getByLabel<HTMLInputElement>(root, 'Photo of Olga')
  expect(input.type).toBe('file')
  expect(input.accept).toBe('image/png,image/jpeg,image/webp')
  const photo = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'olga.png', {
    type: 'image/png',
  })
  Object.defineProperty(input, 'files', { value: [photo], configurable: true })
  input.dispatchEvent(new Event('change'))
  for (let i = 0; i < 3; i++) await settle(view)
  expect(uploads.map((u) => [u.method, u.path])).toEqual([
    ['PUT', '/v1/admin/employees/e_olga/photo'],
  ])
  expect((uploads[0]!.file as File).name).toBe('olga.png')
  expect(root.querySelector('img.photo')?.getAttribute('src')).toBe(
    '/v1/employees/e_olga/photo?v=2',
  )

  // Too big or not an image: said at once, nothing sent.
  const big = new File([new Uint8Array(1024 * 1024 + 1)], 'big.png', { type: 'image/png' })
  Object.defineProperty(input, 'files', { value: [big], configurable: true })
  input.dispatchEvent(new Event('change'))
  await settle(view)
  expect(deepText(getByRole(root, 'alert'))).toBe(
    'The photo of Olga is larger than 1 MB. Choose a smaller one.',
  )
  expect(uploads).toHaveLength(1)
})

test('the embed snippet is the script tag for the site, with a Copy button', async () => {
  expect(embedSnippet('https://chat.example.com', 'shop')).toBe(
    '<script async src="https://chat.example.com/widget/loader.js" data-site="shop"></script>',
  )
  expect(embedSnippet('https://x', 'a"b')).toContain('data-site="a&#34;b"')
  const copied: string[] = []
  Object.defineProperty(navigator, 'clipboard', {
    value: { writeText: async (text: string) => void copied.push(text) },
    configurable: true,
  })
  const snippet = await mount<HTMLElement & { siteId: string; origin: string }>(
    'parley-embed-snippet',
    (el) => {
      el.siteId = 'shop'
      el.origin = 'https://chat.example.com'
    },
  )
  const field = getByRole<HTMLTextAreaElement>(snippet.shadowRoot!, 'textbox', {
    name: 'Embed snippet',
  })
  expect(field.readOnly).toBe(true)
  expect(field.value).toBe(embedSnippet('https://chat.example.com', 'shop'))
  getByRole(snippet.shadowRoot!, 'button', { name: 'Copy snippet' }).click()
  await settle(snippet)
  expect(copied).toEqual([field.value])
  expect(deepText(getByRole(snippet.shadowRoot!, 'status'))).toBe('Copied.')
})

test("the button preview draws the label in the site's colour, with readable text on it", async () => {
  expect(textOn('#ffeb3b')).toBe('#000000')
  expect(textOn('#1a237e')).toBe('#ffffff')
  const preview = await mount<HTMLElement & { label: string; color: string; position: string }>(
    'parley-button-preview',
    (el) => {
      el.label = 'Ask us'
      el.color = '#1a237e'
      el.position = 'left'
    },
  )
  const img = getByRole(preview.shadowRoot!, 'img', {
    name: 'Preview: the button “Ask us” on the left of the page',
  })
  const button = img.querySelector('.button') as HTMLElement
  expect(button.style.background.replace(/\s/g, '')).toMatch(/#1a237e|rgb\(26,35,126\)/)
  expect(button.style.color.replace(/\s/g, '')).toMatch(/#ffffff|rgb\(255,255,255\)|white/)
  expect(deepText(button)).toContain('Ask us')
  expect(queryByRole(preview.shadowRoot!, 'button')).toBeNull()
})
