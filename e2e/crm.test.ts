import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startFakeBitrix24 } from '../packages/relay/src/testing/fake-bitrix24.ts'
import {
  axeViolations,
  consoleLogin,
  LOOKS,
  launchBrowser,
  NAMES,
  openChannel,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// A site owner connects Bitrix24 in Settings → CRM; a visitor's callback request arrives in the
// portal as a lead with the conversation's link, and the delivery log shows it delivered.

let relay: Relay
let browser: Browser
let portal: Awaited<ReturnType<typeof startFakeBitrix24>>

beforeAll(async () => {
  portal = await startFakeBitrix24()
  // The fake portal listens on 127.0.0.1, which the SSRF guard refuses unless allowed.
  relay = await startRelay(undefined, { webhooks: { allowPrivateNetworks: ['127.0.0.1'] } })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await relay?.close()
  await portal?.close()
})

const CONSENT = 'I agree to the processing of my personal data under the user agreement'

test('an admin connects Bitrix24 in the console and a callback request arrives there as a lead', async () => {
  const admin = await consoleLogin(browser, relay)
  await admin.goto(`${relay.url}/console/#settings/crm`)
  await admin.getByRole('heading', { name: 'CRM', level: 2 }).waitFor()
  await admin.getByText('No CRM connected yet.').waitFor()
  await admin.getByRole('button', { name: 'Connect Bitrix24' }).click()
  const form = admin.getByRole('form', { name: 'Connect Bitrix24' })
  await form.getByRole('textbox', { name: 'Incoming webhook URL' }).fill(portal.webhookUrl)
  const mapping = admin.getByRole('table', { name: /what Parley puts in each Bitrix24 field/ })
  expect(await mapping.getByRole('rowheader').allInnerTexts()).toContain('COMMENTS')
  expect(await axeViolations(admin)).toEqual([])
  await screenshot(admin, 'settings-crm-connect-light')
  await form.getByRole('button', { name: 'Connect Bitrix24', exact: true }).click()
  await admin.getByRole('status').filter({ hasText: 'Bitrix24 is connected' }).waitFor()
  const row = admin.getByRole('row', { name: /Bitrix24/ })
  expect(await row.innerText()).toContain(portal.origin)
  // The webhook URL holds the portal's secret code: never shown again.
  expect(await admin.content()).not.toContain(portal.webhookUrl)

  const visitor = await (await browser.newContext()).newPage()
  await visitor.goto(`${relay.url}/contacts.html`)
  await openChannel(visitor, NAMES.callback)
  const dialog = visitor.getByRole('dialog', { name: 'Request a call back' })
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Anna')
  await dialog.getByRole('textbox', { name: 'Phone' }).fill('+7 916 123-45-67')
  await dialog.getByRole('checkbox', { name: CONSENT }).check()
  await dialog.getByRole('button', { name: 'Request a call' }).click()
  await expect
    .poll(() => dialog.getByRole('status').textContent(), { timeout: 10_000 })
    .toBe('Thank you! We will call you back soon.')

  await expect.poll(() => portal.leads.size, { timeout: 10_000 }).toBe(1)
  const lead = portal.leads.get(1)!
  expect(lead).toMatchObject({
    TITLE: 'Callback request: Anna (+79161234567)',
    NAME: 'Anna',
    PHONE: [{ VALUE: '+79161234567', VALUE_TYPE: 'WORK' }],
    SOURCE_ID: 'WEB',
  })
  const link = /Conversation: (\S+)/.exec(lead.COMMENTS!)![1]!
  expect(link).toMatch(/\/console\/#conversation=c_/)
  expect(lead.COMMENTS).toContain('Anna: (form) Callback request')

  await admin.getByRole('button', { name: `Delivery log of Bitrix24 ${portal.origin}` }).click()
  const log = admin.getByRole('table', { name: `Deliveries to Bitrix24 ${portal.origin}` })
  await expect.poll(() => log.innerText()).toContain('Delivered')
  expect(await log.innerText()).toContain('lead 1 created')
  await screenshot(admin, 'settings-crm-log-light')

  // The lead's link opens the conversation in the console.
  await admin.goto(`${relay.url}${link.slice(link.indexOf('/console/'))}`)
  await admin.getByRole('textbox', { name: /Reply/ }).waitFor()
  await visitor.context().close()
  await admin.context().close()

  for (const look of ['dark', 'narrow'] as const) {
    const page = await consoleLogin(browser, relay, LOOKS[look])
    await page.goto(`${relay.url}/console/#settings/crm`)
    await page.getByRole('button', { name: 'Connect amoCRM' }).click()
    await page.getByRole('table', { name: /what Parley puts in each amoCRM field/ }).waitFor()
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `settings-crm-connect-${look}`)
    await page.context().close()
  }
})
