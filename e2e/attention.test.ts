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

/** Every distinct `document.title` seen during `ms`, sampled in the page. */
async function titlesDuring(page: Page, ms: number): Promise<string[]> {
  return page.evaluate(
    (ms) =>
      new Promise<string[]>((resolve) => {
        const seen = new Set([document.title])
        const timer = setInterval(() => seen.add(document.title), 100)
        setTimeout(() => {
          clearInterval(timer)
          resolve([...seen])
        }, ms)
      }),
    ms,
  )
}

test('a reply in a hidden tab beeps and blinks the title; the title comes back when the tab is visible again', async () => {
  const context = await browser.newContext()
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
  await page.goto(`${relay.url}/product.html`)
  const original = await page.title()
  const beeps = () => page.evaluate(() => (window as unknown as { __beeps: number }).__beeps)
  await openChat(page)
  await page.getByRole('textbox', { name: NAMES.message }).fill('Is the Tie Guan Yin roasted?')
  await page.getByRole('button', { name: NAMES.send }).click()
  await expect.poll(() => operator.conversations.length).toBe(1)
  const conversation = operator.conversations[0]!
  const log = page.getByRole('log')

  // Visible tab: the reply shows, the title stays, no sound.
  await operator.reply(conversation, 'Lightly roasted, the green style.')
  await expect.poll(() => log.innerText()).toContain('Lightly roasted, the green style.')
  expect(await titlesDuring(page, 1200)).toEqual([original])
  expect(await beeps()).toBe(0)

  // Hidden tab: the next reply beeps once and the title alternates with "(n) New message".
  await setHidden(page, true)
  await operator.reply(conversation, 'We also have a darker roast.')
  await expect.poll(() => log.innerText()).toContain('We also have a darker roast.')
  const blinking = await titlesDuring(page, 2500)
  expect(blinking).toContain(original)
  expect(blinking.filter((title) => title !== original)).toEqual([
    expect.stringMatching(/^\(\d+\) New message$/),
  ])
  expect(await beeps()).toBe(1)

  // Visible again: the page's title is back at once and stays.
  await setHidden(page, false)
  expect(await page.title()).toBe(original)
  expect(await titlesDuring(page, 1500)).toEqual([original])
  await screenshot(page, 'attention-reply-seen')
  await context.close()
})
