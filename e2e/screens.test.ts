import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminApi,
  consoleLogin,
  LOOKS,
  type Look,
  launchBrowser,
  NAMES,
  openChat,
  operatorOnline,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// Every console screen photographed in light, dark and on a 375 px phone, into
// test-results/screenshots/screen-<name>-<look>.png, for a person to look at. Each shot also
// checks the screen's width fits the window (nothing pushes the page sideways).

let relay: Relay
let browser: Browser
let online: { close(): void } | undefined

const SETTINGS = [
  'site',
  'employees',
  'groups',
  'scenarios',
  'privacy',
  'consents',
  'audit',
  'canned',
  'api-keys',
  'webhooks',
]

beforeAll(async () => {
  relay = await startRelay()
  browser = await launchBrowser()
  // Something to show: a chat, a callback lead, a scenario.
  const config = (await (await fetch(`${relay.url}/v1/sites/demo/config`)).json()) as {
    agreement: { version: string }
  }
  await fetch(`${relay.url}/v1/sites/demo/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      cid: 'screens-lead',
      name: 'Pavel',
      phone: '+7 916 555 01 02',
      when: 'asap',
      consent: { version: config.agreement.version },
    }),
  })
  await adminApi(relay, 'POST', '/v1/admin/sites/demo/scenarios', {
    name: 'Catalog helper',
    enabled: true,
    priority: 0,
    where: { include: [{ type: 'prefix', value: '/catalog' }], exclude: [] },
    conditions: { all: [{ type: 'timeOnSite', seconds: 20 }] },
    action: { type: 'bubble', message: 'Need help choosing?' },
    rules: { oncePerSession: true },
    routing: { group: 'General' },
  })
  // An operator online, so the widget offers the chat.
  online = await operatorOnline(relay)
  const visitor = await (await browser.newContext()).newPage()
  await visitor.goto(`${relay.url}/product.html?utm_source=newsletter`)
  await openChat(visitor)
  await visitor.getByRole('textbox', { name: NAMES.message }).fill('Do you ship to Kazan?')
  await visitor.getByRole('button', { name: NAMES.send }).click()
  // Stored before any screen looks for it (a loaded machine may take a while to connect).
  const stored = async () =>
    (
      await adminApi<{ conversations: { lastText?: string }[] }>(relay, 'GET', '/v1/conversations')
    ).conversations.some((c) => c.lastText === 'Do you ship to Kazan?')
  const deadline = Date.now() + 30_000
  while (!(await stored())) {
    if (Date.now() > deadline) throw new Error("the visitor's message was not stored in 30 s")
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}, 60_000)

afterAll(async () => {
  online?.close()
  await browser?.close()
  await relay?.close()
})

for (const look of Object.keys(LOOKS) as Look[]) {
  test(`every screen in the ${look} look`, async () => {
    const page = await consoleLogin(browser, relay, LOOKS[look])
    const fits = async (name: string) => {
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow, `${name} (${look}) is wider than the window`).toBe(0)
    }
    await page.getByRole('button', { name: /^Visitor \w+ .*Do you ship to Kazan\?/ }).waitFor()
    await screenshot(page, `screen-inbox-${look}`)
    await fits('inbox')
    await page.getByRole('button', { name: /Do you ship to Kazan\?/ }).click()
    const card = page.getByRole('button', { name: 'Visitor', exact: true })
    if ((await card.getAttribute('aria-expanded')) !== 'true') await card.click()
    await page.getByRole('region', { name: 'Visitor' }).getByText('Website chat').waitFor()
    await screenshot(page, `screen-visitor-card-${look}`)
    await fits('visitor card')
    if (look === 'narrow') {
      await page.getByRole('button', { name: '← Back to the conversation' }).click()
    }
    await screenshot(page, `screen-conversation-${look}`)
    await page.getByRole('button', { name: 'Close conversation' }).click()
    await page.getByRole('form', { name: 'Close the conversation' }).waitFor()
    await screenshot(page, `screen-close-form-${look}`)
    await page.getByRole('button', { name: 'Cancel' }).click()
    if (look === 'narrow') await page.getByRole('button', { name: '← Conversations' }).click()
    await page.getByRole('button', { name: /^Pavel Callback / }).click()
    await page.getByRole('form', { name: 'Lead' }).waitFor()
    await screenshot(page, `screen-lead-${look}`)
    if (look === 'narrow') await page.getByRole('button', { name: '← Conversations' }).click()
    await page.getByRole('tab', { name: 'Waiting', exact: true }).click()
    await screenshot(page, `screen-queue-${look}`)
    await page.keyboard.press('?')
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
    await screenshot(page, `screen-shortcuts-${look}`)
    await page.keyboard.press('Escape')
    for (const id of SETTINGS) {
      await page.evaluate((hash) => {
        location.hash = hash
      }, `#settings/${id}`)
      await page.getByRole('heading', { level: 2 }).first().waitFor()
      // Each screen loads its data; the shot waits for its loading line to go.
      await expect.poll(() => page.getByText('Loading…').count()).toBe(0)
      await screenshot(page, `screen-settings-${id}-${look}`)
      await fits(`settings/${id}`)
      if (id === 'scenarios') {
        await page.getByRole('button', { name: 'Edit Catalog helper' }).click()
        await page.getByRole('form', { name: 'Edit Catalog helper' }).waitFor()
        await screenshot(page, `screen-settings-scenario-editor-${look}`)
        await fits('the scenario editor')
        await page.getByRole('button', { name: 'Cancel' }).click()
      }
    }
  }, 120_000)
}
