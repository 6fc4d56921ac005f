import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminApi,
  axeViolations,
  LOOKS,
  launchBrowser,
  NAMES,
  openChannel,
  operatorOnline,
  type Relay,
  screenshot,
  startRelay,
  storedConversations,
} from './harness.ts'

let relay: Relay
let browser: Browser
let operator: { close(): void }

beforeAll(async () => {
  relay = await startRelay()
  operator = await operatorOnline(relay)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  operator?.close()
  await relay?.close()
})

const CONSENT = 'I agree to the processing of my personal data under the user agreement'

/** The demo company's template as the relay seeds it (relay/src/config.ts DEMO_SITE). */
const DEMO_AGREEMENT = {
  company: 'Chai & Co LLC',
  inn: '7701234560',
  ogrn: '1177746123455',
  legalAddress: '12 Chainaya St, office 3, Moscow, 101000',
  email: 'privacy@chai-and-co.example',
  siteUrl: 'https://chai-and-co.example',
}

async function openCallback(page: Page): Promise<Locator> {
  await page.goto(`${relay.url}/contacts.html`)
  await openChannel(page, NAMES.callback)
  const dialog = page.getByRole('dialog', { name: 'Request a call back' })
  await dialog.getByRole('textbox', { name: 'Name' }).waitFor()
  return dialog
}

const agreementVersion = async () =>
  (
    (await (await fetch(`${relay.url}/v1/sites/demo/config`)).json()) as {
      agreement: { version: string }
    }
  ).agreement.version

/** Clicks the consent label's "user agreement" link and returns the page it opens. */
async function openAgreement(page: Page, dialog: Locator): Promise<Page> {
  const popup = page.waitForEvent('popup')
  await dialog.getByRole('link', { name: 'user agreement' }).click()
  const agreement = await popup
  await agreement.waitForLoadState()
  return agreement
}

test('the "user agreement" link opens the agreement with the demo company\'s details, in the widget\'s language', async () => {
  for (const [look, options] of Object.entries(LOOKS)) {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    const dialog = await openCallback(page)
    const link = dialog.getByRole('link', { name: 'user agreement' })
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(new URL((await link.getAttribute('href'))!).searchParams.get('lang')).toBe('en')
    // Following the link ticks nothing.
    const agreement = await openAgreement(page, dialog)
    expect(await dialog.getByRole('checkbox', { name: CONSENT }).isChecked()).toBe(false)

    await agreement
      .getByRole('heading', { name: 'Consent to the processing of personal data' })
      .waitFor()
    const text = await agreement.getByRole('main').innerText()
    expect(text).toContain('Chai & Co LLC')
    expect(text).toContain('taxpayer number (INN) 7701234560')
    expect(text).toContain('OGRN 1177746123455')
    expect(text).toContain('12 Chainaya St, office 3, Moscow, 101000')
    expect(text).toContain('privacy@chai-and-co.example')
    expect(text).toContain('https://chai-and-co.example')
    expect(await axeViolations(agreement)).toEqual([])
    await screenshot(agreement, `consent-agreement-page-${look}`)
    await context.close()
  }
})

test('after the admin changes the agreement, a form consented under the old one is refused, the visitor is asked again, and can then send it', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const dialog = await openCallback(page)
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Galina')
  await dialog.getByRole('textbox', { name: 'Phone' }).fill('+7 916 765-43-21')
  const consent = dialog.getByRole('checkbox', { name: CONSENT })
  await consent.check()

  // The company moved: the admin updates the template, so the agreement's version changes.
  const before = await agreementVersion()
  await adminApi(relay, 'PUT', '/v1/admin/sites/demo', {
    agreement: { ...DEMO_AGREEMENT, legalAddress: '7 Samovarnaya St, Moscow, 101001' },
  })
  expect(await agreementVersion()).not.toBe(before)

  const submit = dialog.getByRole('button', { name: 'Request a call' })
  await submit.click()
  const alert = dialog.getByRole('alert')
  await expect
    .poll(() => alert.textContent(), { timeout: 10_000 })
    .toBe('The user agreement has changed. Please read it and agree again.')
  expect(await consent.isChecked()).toBe(false)
  expect(await submit.isDisabled()).toBe(true)
  expect((await storedConversations(relay)).filter((c) => c.kind === 'callback')).toEqual([])
  expect(await axeViolations(page)).toEqual([])
  await screenshot(page, 'consent-changed')

  // The link now leads to the new text.
  const agreement = await openAgreement(page, dialog)
  expect(await agreement.getByRole('main').innerText()).toContain(
    '7 Samovarnaya St, Moscow, 101001',
  )
  await agreement.close()

  await consent.check()
  await submit.click()
  await expect
    .poll(() => dialog.getByRole('status').textContent(), { timeout: 10_000 })
    .toBe('Thank you! We will call you back soon.')
  const stored = (await storedConversations(relay)).filter((c) => c.kind === 'callback')
  expect(stored.map((c) => [c.visitorName, c.visitorPhone])).toEqual([['Galina', '+79167654321']])
  await context.close()
})
