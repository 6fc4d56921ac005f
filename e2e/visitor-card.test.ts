import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminApi,
  axeViolations,
  consoleLogin,
  launchBrowser,
  NAMES,
  openChat,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// What an operator knows about the visitor in front of them, and how a team works its leads.

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

/** Logs a person in to the console in a browser context of their own. */
async function logIn(email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto(`${relay.url}/console/`)
  await page.getByRole('textbox', { name: 'Email' }).fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor()
  return page
}

test('the visitor card shows the page they are on and where they came from, clean for axe', async () => {
  const operator = await consoleLogin(browser, relay)
  const visitor = await (await browser.newContext()).newPage()
  await visitor.goto(`${relay.url}/product.html?utm_source=newsletter`)
  await openChat(visitor)
  const text = 'Is the Tieguanyin fresh this season?'
  await visitor.getByRole('textbox', { name: NAMES.message }).fill(text)
  await visitor.getByRole('button', { name: NAMES.send }).click()

  await operator.getByRole('button', { name: new RegExp(text.replace('?', '\\?')) }).click()
  const toggle = operator.getByRole('button', { name: 'Visitor', exact: true })
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
  const card = operator.getByRole('region', { name: 'Visitor' })
  await card.getByText('Website chat').waitFor()
  const pageTitle = await visitor.title()
  expect(await card.getByRole('link', { name: pageTitle }).first().getAttribute('href')).toBe(
    `${relay.url}/product.html?utm_source=newsletter`,
  )
  expect(await card.innerText()).toMatch(/UTM source\s+newsletter/)
  expect(
    await card.getByRole('list', { name: 'Pages visited' }).getByRole('listitem').count(),
  ).toBe(1)
  expect(await axeViolations(operator)).toEqual([])
  await screenshot(operator, 'visitor-card-light')
})

test("a lead's status and assignee, set by one operator, reach a colleague's console at once", async () => {
  await adminApi(relay, 'POST', '/v1/admin/employees', {
    name: 'Vera',
    email: 'vera@example.com',
    role: 'supervisor',
    password: 'vera long password',
  })
  const config = (await (await fetch(`${relay.url}/v1/sites/demo/config`)).json()) as {
    agreement: { version: string }
  }
  const lead = await fetch(`${relay.url}/v1/sites/demo/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      cid: 'e2e-lead',
      name: 'Pavel',
      phone: '+7 916 555 01 02',
      when: 'asap',
      consent: { version: config.agreement.version },
    }),
  })
  expect(lead.status).toBe(200)

  const admin = await consoleLogin(browser, relay)
  const vera = await logIn('vera@example.com', 'vera long password')
  const pavel = (page: Page) => page.getByRole('button', { name: /^Pavel Callback / })
  await pavel(vera).waitFor()
  expect(await pavel(vera).innerText()).toMatch(/\bNew\b/)

  await pavel(admin).click()
  const form = admin.getByRole('form', { name: 'Lead' })
  await form.getByRole('combobox', { name: 'Assignee' }).selectOption({ label: 'Vera' })
  await form.getByRole('combobox', { name: 'Lead status' }).selectOption('in_progress')
  // Vera's list follows without a reload, in her queue too.
  await expect.poll(() => pavel(vera).innerText()).toMatch(/In progress · Vera/)
  await vera.getByRole('tab', { name: 'Waiting', exact: true }).click()
  expect(await vera.getByRole('tabpanel').getByRole('heading').first().innerText()).toMatch(/ · 1$/)
  await screenshot(vera, 'lead-queue-light')

  await form.getByRole('combobox', { name: 'Lead status' }).selectOption('done')
  // Done: out of the queue.
  await expect.poll(() => pavel(vera).count()).toBe(0)
  await vera.getByRole('tab', { name: 'All', exact: true }).click()
  await expect.poll(() => pavel(vera).innerText()).toMatch(/Done · Vera/)
})
