import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  launchBrowser,
  NAMES,
  type OperatorSocket,
  openChat,
  operatorSocket,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

/** The page's clock starts here, paused. */
const T0 = Date.parse('2026-03-02T10:00:00Z')

let relay: Relay
let browser: Browser
let operator: OperatorSocket

beforeAll(async () => {
  relay = await startRelay()
  operator = await operatorSocket(relay)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  operator?.close()
  await relay?.close()
})

/** Makes the tab look hidden or visible to the page (headless tabs are always visible). */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden })
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (hidden ? 'hidden' : 'visible'),
    })
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

/**
 * Records every title the page shows, in order, from the first: a mutation observer on
 * the document, installed before the page's scripts run.
 */
function recordTitles(): void {
  const w = window as unknown as { __titles: string[] }
  w.__titles = []
  new MutationObserver(() => {
    if (document.title !== w.__titles.at(-1)) w.__titles.push(document.title)
  }).observe(document, { subtree: true, childList: true, characterData: true })
}

const titles = (page: Page) =>
  page.evaluate(() => (window as unknown as { __titles: string[] }).__titles)

test('a reply in a hidden tab beeps and blinks the title; the title comes back when the tab is visible again', async () => {
  const context = await browser.newContext()
  await context.addInitScript(recordTitles)
  await context.addInitScript(() => {
    const w = window as unknown as { __beeps: number }
    w.__beeps = 0
    const create = AudioContext.prototype.createOscillator
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.__beeps++
      return create.call(this)
    }
  })
  const page = await context.newPage()
  // The page's time (the blink's 1 s interval too) passes only when the test runs it.
  await page.clock.install({ time: T0 })
  await page.clock.pauseAt(T0 + 60_000)
  await page.goto(`${relay.url}/product.html`)
  // The loader waits for an idle moment; on the paused clock that idle callback is due now.
  await page.clock.runFor(0)
  const original = await page.title()
  const beeps = () => page.evaluate(() => (window as unknown as { __beeps: number }).__beeps)
  await openChat(page)
  await page.getByRole('textbox', { name: NAMES.message }).fill('Is the Tie Guan Yin roasted?')
  await page.getByRole('button', { name: NAMES.send }).click()
  await expect.poll(() => operator.conversations.length).toBe(1)
  const conversation = operator.conversations[0]!
  const log = page.getByRole('log')

  // Visible tab: the reply shows; five seconds on, the title never changed and nothing beeped.
  await operator.reply(conversation, 'Lightly roasted, the green style.')
  await expect.poll(() => log.innerText()).toContain('Lightly roasted, the green style.')
  await page.clock.runFor(5000)
  expect(await titles(page)).toEqual([original])
  expect(await beeps()).toBe(0)

  // Hidden tab: the next reply beeps once and, every second from then on, the title
  // alternates between "(n) New message" and the page's own.
  await setHidden(page, true)
  await operator.reply(conversation, 'We also have a darker roast.')
  await expect.poll(() => log.innerText()).toContain('We also have a darker roast.')
  expect(await titles(page)).toEqual([original])
  await page.clock.runFor(5000)
  const blinked = await titles(page)
  const alert = blinked[1]
  expect(alert).toMatch(/^\(\d+\) New message$/)
  expect(blinked).toEqual([original, alert, original, alert, original, alert])
  expect(await beeps()).toBe(1)

  // Visible again: the page's title is back at once and stays.
  await setHidden(page, false)
  expect(await page.title()).toBe(original)
  await page.clock.runFor(5000)
  expect(await titles(page)).toEqual([...blinked, original])
  await screenshot(page, 'attention-reply-seen')
  await context.close()
})
