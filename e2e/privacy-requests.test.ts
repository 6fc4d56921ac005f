import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  axeViolations,
  consoleLogin,
  launchBrowser,
  openChat,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// A visitor asks for their data, then for its erasure: the admin answers both from the
// console, as 152-FZ art. 14 and 21 (and GDPR art. 15, 17) ask.

let relay: Relay
let browser: Browser

beforeAll(async () => {
  relay = await startRelay()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await relay?.close()
})

const CONSENT = 'I agree to the processing of my personal data under the user agreement'

test('an admin finds a visitor by e-mail, downloads their data, erases it, and the conversation leaves the console', async () => {
  // Nobody is online: the visitor leaves an offline message with her e-mail.
  const visitor = await browser.newPage()
  await visitor.goto(`${relay.url}/product.html`)
  await openChat(visitor)
  const form = visitor.getByRole('dialog', { name: 'Leave a message' })
  await form.getByRole('textbox', { name: 'Name' }).fill('Marina Sokolova')
  await form.getByRole('textbox', { name: 'Email' }).fill('marina@example.com')
  await form
    .getByRole('textbox', { name: 'Message' })
    .fill('Please call me about the Pu-erh order 5531')
  await form.getByRole('checkbox', { name: CONSENT }).check()
  await form.getByRole('button', { name: 'Send message' }).click()
  await form
    .getByRole('status')
    .filter({ hasText: /^Thank you/ })
    .waitFor()
  await visitor.close()

  const admin = await consoleLogin(browser, relay, { acceptDownloads: true })
  await admin.getByRole('tab', { name: 'Offline', exact: true }).click()
  const lead = admin.getByRole('button', { name: /Marina Sokolova/ })
  await lead.waitFor()

  await admin.goto(`${relay.url}/console/#settings/privacy`)
  await admin
    .getByRole('textbox', { name: 'Visitor id, e-mail or phone' })
    .fill('MARINA@example.com')
  await admin.getByRole('button', { name: 'Find' }).click()
  const row = admin.getByRole('row', { name: /Marina Sokolova/ })
  await expect.poll(() => row.innerText()).toContain('1 conversation, 1 consent')

  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByRole('button', { name: /Download the data of Marina Sokolova/ }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(/^visitor-.+\.json$/)
  const exported = JSON.parse(
    await new Promise<string>((resolve, reject) => {
      download.createReadStream().then((stream) => {
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
        stream.on('error', reject)
      }, reject)
    }),
  )
  expect(JSON.stringify(exported)).toContain('Please call me about the Pu-erh order 5531')
  expect(exported.consents).toHaveLength(1)
  expect(await axeViolations(admin)).toEqual([])
  await screenshot(admin, 'settings-privacy-found')

  await admin.getByRole('button', { name: /^Erase Marina Sokolova/ }).click()
  const confirm = admin.getByRole('form', { name: /Erase Marina Sokolova/ })
  await confirm.getByRole('textbox', { name: /Reason/ }).fill('Request by e-mail of 2 Dec 2026')
  await screenshot(admin, 'settings-privacy-erase')
  await confirm.getByRole('button', { name: 'Erase for good' }).click()
  await admin
    .getByRole('status')
    .filter({ hasText: /Erased v_/ })
    .waitFor()
  expect(await row.count()).toBe(0)

  // The register keeps the anonymised fact of consent; the audit log has both actions.
  await admin
    .getByRole('navigation', { name: 'Settings' })
    .getByRole('link', { name: 'Consents' })
    .click()
  await admin.getByRole('table', { name: 'Consents' }).getByText('Erased').waitFor()
  await admin
    .getByRole('navigation', { name: 'Settings' })
    .getByRole('link', { name: 'Audit log' })
    .click()
  const audit = admin.getByRole('table', { name: 'Audit log' })
  await audit.getByText('Erased data').waitFor()
  expect(await audit.getByText('Exported data').count()).toBeGreaterThan(0)
  expect(await audit.innerText()).toContain('Request by e-mail of 2 Dec 2026')
  await screenshot(admin, 'settings-audit')

  // The console lists the lead no more, live and after a reload.
  await admin
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Conversations' })
    .click()
  await admin.getByRole('tab', { name: 'Offline', exact: true }).click()
  await expect.poll(() => lead.count()).toBe(0)
  await admin.reload()
  await admin.getByRole('status').filter({ hasText: 'Connected' }).waitFor()
  await admin.getByRole('tab', { name: 'Offline', exact: true }).click()
  expect(await admin.getByText('Marina').count()).toBe(0)
  await admin.context().close()
})
