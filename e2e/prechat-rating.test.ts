import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminApi,
  axeViolations,
  consoleLogin,
  LOOKS,
  launchBrowser,
  NAMES,
  openChat,
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

test('with the pre-chat form enabled, the visitor introduces themself (with consent) before the first message', async () => {
  await adminApi(relay, 'PUT', '/v1/admin/sites/demo', {
    prechat: { enabled: true, fields: ['name', 'email'] },
  })
  try {
    const names = { light: 'Irina', dark: 'Kirill', narrow: 'Lidia' } as const
    for (const [look, options] of Object.entries(LOOKS)) {
      const context = await browser.newContext(options)
      const page = await context.newPage()
      await page.goto(`${relay.url}/product.html`)
      await openChat(page)
      const dialog = page.getByRole('dialog', { name: 'Chai & Co support' })
      const start = dialog.getByRole('button', { name: 'Start chat' })
      await start.waitFor()
      expect(await dialog.getByRole('textbox', { name: NAMES.message }).count()).toBe(0)
      expect(await start.isDisabled()).toBe(true)
      expect(await axeViolations(page)).toEqual([])
      await screenshot(page, `prechat-form-${look}`)

      const name = names[look as keyof typeof names]
      await dialog.getByRole('textbox', { name: 'Name' }).fill(name)
      const email = dialog.getByRole('textbox', { name: 'Email' })
      await email.fill('not-an-email')
      await dialog.getByRole('checkbox', { name: /^I agree/ }).check()
      await start.click()
      await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true')
      await email.fill(`${name.toLowerCase()}@example.com`)
      await start.click()

      const composer = dialog.getByRole('textbox', { name: NAMES.message })
      await composer.waitFor({ timeout: 10_000 })
      await composer.fill(`Hello, this is ${name}`)
      await dialog.getByRole('button', { name: NAMES.send }).click()
      await expect
        .poll(async () =>
          (await storedConversations(relay))
            .filter((c) => c.lastText === `Hello, this is ${name}`)
            .map((c) => [c.visitorName, c.visitorEmail]),
        )
        .toEqual([[name, `${name.toLowerCase()}@example.com`]])
      await context.close()
    }
  } finally {
    await adminApi(relay, 'PUT', '/v1/admin/sites/demo', {
      prechat: { enabled: false, fields: ['name', 'email'] },
    })
  }
})

/** What the visitor reads once they rated 4 of 5. */
const RATED = 'You rated the conversation: 4/5'

test('when the operator closes the conversation in the console, the visitor rates it 4 of 5 and the console shows "Rated 4 out of 5"', async () => {
  const operatorPage = await consoleLogin(browser, relay)
  for (const [look, options] of Object.entries(LOOKS)) {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    await page.goto(`${relay.url}/product.html`)
    await openChat(page)
    const text = `Thanks for the help (${look})`
    await page.getByRole('textbox', { name: NAMES.message }).fill(text)
    await page.getByRole('button', { name: NAMES.send }).click()

    const row = operatorPage.getByRole('button', {
      name: new RegExp(text.replace(/[()]/g, '\\$&')),
    })
    await row.click()
    await operatorPage.getByRole('button', { name: 'Close conversation' }).click()
    await operatorPage
      .getByRole('form', { name: 'Close the conversation' })
      .getByRole('button', { name: 'Close', exact: true })
      .click()

    const rating = page.getByRole('group', { name: 'Rate the conversation' })
    await rating.waitFor({ timeout: 10_000 })
    const log = page.getByRole('log')
    await expect.poll(() => log.innerText()).toMatch(/\S closed the conversation/)
    // A closed conversation takes no more messages: the composer gives way to the rating.
    expect(await page.getByRole('textbox', { name: NAMES.message }).count()).toBe(0)
    expect(await rating.getByRole('button', { name: /^Rate \d of 5$/ }).count()).toBe(5)
    // The stars are drawn as the widget's own comfortable targets, not bare browser buttons.
    for (const star of await rating.getByRole('button', { name: /^Rate \d of 5$/ }).all()) {
      const box = (await star.boundingBox())!
      expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(36)
    }
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `rating-${look}`)

    await rating.getByRole('button', { name: 'Rate 4 of 5' }).click()
    // The relay's rating event is the one confirmation: each fact appears once.
    await expect.poll(() => log.getByText(RATED, { exact: true }).count()).toBe(1)
    expect(await rating.count()).toBe(0)
    expect(await log.innerText()).not.toContain('The operator closed')
    // The operator reads both events in the console's words, from the same facts.
    const consoleLog = operatorPage.getByRole('log', { name: 'Messages' })
    await expect.poll(() => consoleLog.innerText()).toContain('Rated 4/5')
    expect(await consoleLog.innerText()).toMatch(/Conversation closed by \S/)
    // The rating note sits centred like "… closed the conversation", not as the visitor's bubble.
    const lines = await page.getByRole('log').evaluate((log) =>
      [...log.children].map((line) => {
        const box = line.getBoundingClientRect()
        return { text: line.textContent ?? '', center: Math.round(box.left + box.width / 2) }
      }),
    )
    const closedLine = lines.find((line) => line.text.endsWith(' closed the conversation'))
    const ratedLine = lines.find((line) => line.text === RATED)
    expect(ratedLine, JSON.stringify(lines)).toBeDefined()
    expect(Math.abs(ratedLine!.center - closedLine!.center)).toBeLessThanOrEqual(2)
    await screenshot(page, `rating-done-${look}`)
    await page.getByRole('button', { name: 'Start a new conversation' }).click()
    await expect.poll(() => page.getByRole('textbox', { name: NAMES.message }).count()).toBe(1)
    await expect
      .poll(() => row.getByRole('img', { name: 'Rated 4 out of 5' }).count(), { timeout: 10_000 })
      .toBe(1)
    await context.close()
  }
  await screenshot(operatorPage, 'rating-console')
  await operatorPage.context().close()
})
