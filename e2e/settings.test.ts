import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  axeViolations,
  consoleLogin,
  launchBrowser,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// The console's settings, used as a site owner would: add a person, give them their
// one-time link, let them in, take them out again — no curl.

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

test('an admin adds an operator in Settings, the link lets them in, and deactivation takes them out', async () => {
  const admin = await consoleLogin(browser, relay)
  await admin
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click()
  const settings = admin.getByRole('navigation', { name: 'Settings' })
  await expect
    .poll(() => settings.getByRole('link', { name: 'Employees' }).getAttribute('aria-current'))
    .toBe('page')
  expect(admin.url()).toMatch(/#settings$/)
  await admin.getByText('1 seat used (no limit).').waitFor()

  await admin.getByRole('textbox', { name: 'Name' }).fill('Olga Petrova')
  await admin.getByRole('textbox', { name: 'Email' }).fill('olga@example.com')
  await admin.getByRole('combobox', { name: 'Role', exact: true }).selectOption('operator')
  await admin.getByRole('button', { name: 'Add employee' }).click()
  const link = admin.getByRole('textbox', { name: 'Set-password link for Olga Petrova' })
  const url = await link.inputValue()
  expect(url).toMatch(/\/console\/#set-password=[A-Za-z0-9_-]+$/)
  const olgaRow = admin.getByRole('row', { name: /Olga Petrova/ })
  await expect.poll(() => olgaRow.innerText()).toContain('Invited')
  await admin.getByText('2 seats used (no limit).').waitFor()
  expect(await axeViolations(admin)).toEqual([])
  await screenshot(admin, 'settings-employees')

  // Olga opens her link, chooses a password and logs in: an operator has no Settings.
  const olga = await browser.newPage()
  await olga.goto(url.replace(/^https?:\/\/[^/]+/, relay.url))
  await olga.getByLabel('New password').fill('olga long password')
  await olga.getByLabel('Repeat the password').fill('olga long password')
  await olga.getByRole('button', { name: 'Set password' }).click()
  await olga.getByText('Your password is set. Log in with it.').waitFor()
  await olga.getByRole('textbox', { name: 'Email' }).fill('olga@example.com')
  await olga.getByLabel('Password').fill('olga long password')
  await olga.getByRole('button', { name: 'Log in' }).click()
  await olga.getByRole('status').filter({ hasText: 'Connected' }).waitFor()
  const main = olga.getByRole('navigation', { name: 'Main' })
  expect(await main.getByRole('link').allInnerTexts()).toEqual(['Conversations'])

  await admin.reload()
  await expect.poll(() => olgaRow.innerText()).toContain('Active')
  await admin.getByRole('button', { name: 'Deactivate Olga Petrova' }).click()
  await expect.poll(() => olgaRow.innerText()).toContain('Deactivated')
  // Her open console is logged out at once.
  await olga.getByRole('button', { name: 'Log in' }).waitFor()

  // The last admin cannot demote themselves: the relay's reason is shown, nothing changes.
  await admin.getByRole('combobox', { name: 'Role of Admin' }).selectOption('operator')
  await expect.poll(() => admin.getByRole('alert').innerText()).toMatch(/admin/i)
  expect(await admin.getByRole('combobox', { name: 'Role of Admin' }).inputValue()).toBe('admin')

  await admin.setViewportSize({ width: 375, height: 740 })
  await screenshot(admin, 'settings-employees-375')
  await admin.context().close()
  await olga.close()
})
