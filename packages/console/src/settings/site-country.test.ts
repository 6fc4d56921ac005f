import type { SiteSettings } from '@parley/protocol'
import { deepText, getByRole } from '@parley/test-dom'
import { afterEach, expect, test } from 'vitest'
import { createRestApi } from '../rest-api.ts'
import { settle } from '../test/dom.ts'
import { defineSettingsElements } from './elements.ts'

defineSettingsElements()

const SHOP: SiteSettings = {
  siteId: 'shop',
  name: 'Chai & Co',
  locale: 'en',
  storage: 'consent',
  defaultCountry: 'RU',
  allowedOrigins: [],
  theme: { accent: '#2f7d4f', position: 'right' },
  chat: { title: 'Chat', greeting: 'Hi' },
  button: { label: 'Contact us', position: 'right', offsetX: 20, offsetY: 20, color: '#2f7d4f' },
  channels: { chat: true, callback: true },
  workingHours: null,
  prechat: { enabled: false, fields: ['name', 'email'] },
  agreementTemplate: null,
  agreement: null,
  identityVerification: 'off',
  identitySecretSet: false,
}

let mounted: HTMLElement | undefined
afterEach(() => mounted?.remove())

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** The Site screen over a fake relay that answers `put` to every PUT and records the bodies. */
async function siteScreen(put: (body: Record<string, unknown>) => Response) {
  const sent: Record<string, unknown>[] = []
  const el = document.createElement('parley-site-settings') as HTMLElement & { api: unknown }
  el.api = createRestApi({
    fetch: (async (input: string, init?: RequestInit) => {
      if (init?.method === 'PUT') {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>
        sent.push(body)
        return put(body)
      }
      if (String(input) === '/v1/admin/sites')
        return json(200, { sites: [{ id: 'shop', name: 'Chai & Co' }] })
      return json(200, SHOP)
    }) as unknown as typeof fetch,
  })
  document.body.append(el)
  mounted = el
  for (let i = 0; i < 4; i++) await settle(el)
  const root = el.shadowRoot!
  const select = getByRole<HTMLSelectElement>(root, 'combobox', {
    name: /^Phone numbers without \+/,
  })
  const save = async () => {
    getByRole<HTMLButtonElement>(root, 'button', { name: 'Save site' }).click()
    for (let i = 0; i < 4; i++) await settle(el)
  }
  return { el, root, select, save, sent }
}

const chosen = (select: HTMLSelectElement) =>
  `${select.value}: ${select.options[select.selectedIndex]?.textContent?.trim()}`

test("the Site screen shows the site's default phone country by name and saves another one, or none", async () => {
  const screen = await siteScreen((body) => json(200, { ...SHOP, ...body }))
  expect(chosen(screen.select)).toBe('RU: Read as Russia numbers')
  // Every assigned country and the choice of none.
  expect(screen.select.options.length).toBe(250)

  screen.select.value = 'KZ'
  screen.select.dispatchEvent(new Event('change', { bubbles: true }))
  await screen.save()
  expect(screen.sent.map((b) => b.defaultCountry)).toEqual(['KZ'])
  expect(chosen(screen.select)).toBe('KZ: Read as Kazakhstan numbers')

  screen.select.value = ''
  await screen.save()
  expect(screen.sent.map((b) => b.defaultCountry)).toEqual(['KZ', null])
  expect(chosen(screen.select)).toBe(': Must start with + (no country)')
})

test("the relay's refusal of the country is said in words", async () => {
  const screen = await siteScreen(() =>
    json(400, {
      code: 'field_invalid',
      message: 'Invalid: defaultCountry (country_invalid)',
      fields: [{ field: 'defaultCountry', code: 'country_invalid' }],
    }),
  )
  await screen.save()
  expect(deepText(getByRole(screen.root, 'alert'))).toBe(
    'Not saved: Phone numbers without + is not a known country.',
  )
})
