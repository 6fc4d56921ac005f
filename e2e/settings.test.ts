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
  await settings.getByRole('link', { name: 'Employees' }).click()
  await expect
    .poll(() => settings.getByRole('link', { name: 'Employees' }).getAttribute('aria-current'))
    .toBe('page')
  expect(admin.url()).toMatch(/#settings\/employees$/)
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

  // Olga opens her link, chooses a password and logs in.
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
  // An operator's settings are their own canned responses, nothing of the site's.
  expect(await main.getByRole('link').allInnerTexts()).toEqual([
    'Conversations',
    'History',
    'Settings',
  ])
  await main.getByRole('link', { name: 'Settings' }).click()
  await expect
    .poll(() =>
      olga.getByRole('navigation', { name: 'Settings' }).getByRole('link').allInnerTexts(),
    )
    .toEqual(['Canned responses'])

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

test('an admin adds a group with its members and routing, changes what happens when nobody is online, and deletes it', async () => {
  const admin = await consoleLogin(browser, relay)
  await admin.goto(`${relay.url}/console/#settings/groups`)
  const table = admin.getByRole('table', { name: 'Groups' })
  await table.getByRole('row', { name: /General/ }).waitFor()
  // The default group comes first, and cannot be deleted: it has no Delete button.
  expect(await table.getByRole('row').nth(1).innerText()).toMatch(/^General/)
  expect(await admin.getByRole('button', { name: 'Delete General' }).count()).toBe(0)

  await admin.getByRole('button', { name: 'Add a group' }).click()
  const form = admin.getByRole('form', { name: 'Add a group' })
  await form.getByRole('textbox', { name: 'Name' }).fill('Wholesale')
  await form.getByRole('combobox', { name: 'Routing' }).selectOption('least_busy')
  await form.getByRole('spinbutton', { name: 'Conversations per member' }).fill('2')
  await form.getByRole('checkbox', { name: 'Admin' }).check()
  await form.getByRole('button', { name: 'Add group' }).click()
  await admin.getByRole('status').filter({ hasText: 'Wholesale is added.' }).waitFor()
  const row = table.getByRole('row', { name: /Wholesale/ })
  await expect.poll(() => row.innerText()).toMatch(/Least busy, 2 at a time[\s\S]*Admin/)

  await admin.getByRole('button', { name: 'Change Wholesale' }).click()
  const change = admin.getByRole('form', { name: 'Change Wholesale' })
  await change.getByRole('combobox', { name: 'When nobody is online' }).selectOption('fallback')
  await change.getByRole('combobox', { name: 'Other group' }).selectOption({ label: 'General' })
  await screenshot(admin, 'settings-groups-form')
  await change.getByRole('button', { name: 'Save group' }).click()
  await admin.getByRole('status').filter({ hasText: 'Wholesale is saved.' }).waitFor()
  await expect.poll(() => row.innerText()).toContain('Go to General')
  expect(await axeViolations(admin)).toEqual([])
  await screenshot(admin, 'settings-groups')

  await admin.getByRole('button', { name: 'Delete Wholesale' }).click()
  await admin.getByRole('status').filter({ hasText: 'Wholesale is deleted.' }).waitFor()
  expect(await row.count()).toBe(0)
  await admin.context().close()
})

test('an admin changes what visitors see on the Site screen; a wrong INN is named and nothing is saved', async () => {
  const admin = await consoleLogin(browser, relay)
  await admin
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click()
  const form = admin.getByRole('form', { name: 'Site settings' })
  await form.getByRole('textbox', { name: 'Chat title' }).fill('Chai & Co — ask a tea sommelier')
  await form.getByRole('checkbox', { name: /only in working hours/ }).check()
  await form.getByRole('textbox', { name: 'Time zone' }).fill('Europe/Moscow')
  await form.getByRole('checkbox', { name: 'Open on Saturday' }).uncheck()
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
    await form.getByRole('textbox', { name: `${day} from` }).fill('09:00')
    await form.getByRole('textbox', { name: `${day} to` }).fill('18:00')
  }
  await form.getByRole('textbox', { name: 'INN' }).fill('1234')
  await form.getByRole('button', { name: 'Save site' }).click()
  await expect
    .poll(() => admin.getByRole('alert').innerText())
    .toBe('Not saved: INN is not valid (10 or 12 digits with the right check digit).')
  const before = await (await fetch(`${relay.url}/v1/sites/demo/config`)).json()
  expect(before.chat.title).toBe('Chai & Co support')

  await form.getByRole('textbox', { name: 'INN' }).fill('7707083893')
  await form.getByRole('button', { name: 'Save site' }).click()
  await admin.getByRole('status').filter({ hasText: 'is saved' }).waitFor()
  await screenshot(admin, 'settings-site')
  const after = await (await fetch(`${relay.url}/v1/sites/demo/config`)).json()
  expect(after.chat.title).toBe('Chai & Co — ask a tea sommelier')
  expect(after.workingHours.timeZone).toBe('Europe/Moscow')
  expect(after.workingHours.days.sat).toBeNull()
  expect(after.workingHours.days.mon).toEqual(['09:00', '18:00'])
  expect(await axeViolations(admin)).toEqual([])
  await admin.context().close()
})
