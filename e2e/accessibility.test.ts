import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  axeViolations,
  launchBrowser,
  NAMES,
  openChat as openChatPanel,
  operatorOnline,
  type Relay,
  screenshot,
  startRelay,
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

const SCHEMES = ['light', 'dark'] as const

async function openChat(page: Page) {
  await page.goto(`${relay.url}/product.html`)
  await openChatPanel(page)
  await page.getByRole('textbox', { name: NAMES.message }).fill('Is this tea organic?')
  await page.getByRole('button', { name: NAMES.send }).click()
  await expect.poll(() => page.getByRole('log').innerText()).toContain('Is this tea organic?')
}

for (const colorScheme of SCHEMES) {
  test(`the chat has no WCAG 2.1 AA violations (${colorScheme})`, async () => {
    const context = await browser.newContext({ colorScheme })
    const page = await context.newPage()
    await page.goto(`${relay.url}/product.html`)
    await page.getByRole('button', { name: NAMES.contact }).waitFor()
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `launcher-${colorScheme}`)
    await openChat(page)
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `chat-${colorScheme}`)
    await context.close()
  })
}

test('on a narrow screen the chat fills the screen and its input does not zoom the page', async () => {
  const context = await browser.newContext({
    viewport: { width: 375, height: 740 },
    isMobile: true,
    hasTouch: true,
  })
  const page = await context.newPage()
  await openChat(page)
  const dialog = page.getByRole('dialog')
  const box = await dialog.boundingBox()
  expect(box?.width).toBeGreaterThanOrEqual(370)
  const fontSize = await page
    .getByRole('textbox', { name: NAMES.message })
    .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize))
  expect(fontSize).toBeGreaterThanOrEqual(16)
  expect(await axeViolations(page)).toEqual([])
  await screenshot(page, 'chat-narrow')
  await context.close()
})
