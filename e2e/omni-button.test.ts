import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  axeViolations,
  LOOKS,
  launchBrowser,
  NAMES,
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

const CHANNELS = /^(Ways to contact us|Способы связи)$/

/** Whether the element (inside the widget's shadow root or not) has focus. */
const focused = (locator: Locator) => locator.evaluate((el) => el.matches(':focus'))

async function demoPage(page: Page): Promise<Locator> {
  await page.goto(`${relay.url}/product.html`)
  const launcher = page.getByRole('button', { name: NAMES.contact })
  await launcher.waitFor()
  return launcher
}

test('the omni-button expands into the channels and collapses again, saying so with aria-expanded', async () => {
  for (const [look, options] of Object.entries(LOOKS)) {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    const launcher = await demoPage(page)
    expect(await launcher.getAttribute('aria-expanded')).toBe('false')
    expect(await page.getByRole('list', { name: CHANNELS }).count()).toBe(0)

    await launcher.click()
    // The button keeps its place and its role; its name becomes "Close" only for an open panel.
    expect(await launcher.getAttribute('aria-expanded')).toBe('true')
    const menu = page.getByRole('list', { name: CHANNELS })
    await menu.waitFor()
    for (const name of ['Online chat', 'Request a call back']) {
      expect(await menu.getByRole('button', { name, exact: true }).isVisible()).toBe(true)
    }
    for (const name of ['Telegram', 'VK', 'Viber']) {
      expect(await menu.getByRole('link', { name, exact: true }).isVisible()).toBe(true)
    }
    // Every channel is inside the viewport, even on a 375 px screen.
    const viewport = page.viewportSize()!
    for (const item of await menu.getByRole('listitem').all()) {
      const box = (await item.boundingBox())!
      expect(box.x).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width)
    }
    // One column of pills of one width, buttons and links alike (the in-widget channels
    // used to be as narrow as their words, the messenger links as wide as the list).
    const widths = new Set<number>()
    for (const name of ['Online chat', 'Request a call back', 'Telegram', 'VK', 'Viber']) {
      const entry = menu.getByRole(name.includes(' ') ? 'button' : 'link', { name, exact: true })
      widths.add(Math.round((await entry.boundingBox())!.width))
    }
    expect(widths.size).toBe(1)
    if (look === 'light') expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `omni-button-expanded-${look}`)

    await launcher.click()
    expect(await launcher.getAttribute('aria-expanded')).toBe('false')
    await menu.waitFor({ state: 'detached' })
    await context.close()
  }
})

test('the omni-button works from the keyboard: Tab reaches it, Enter opens, Escape closes and returns focus', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const launcher = await demoPage(page)
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  let presses = 0
  while (!(await focused(launcher))) {
    expect(++presses, 'Tab never reached the omni-button').toBeLessThan(40)
    await page.keyboard.press('Tab')
  }
  // Focus is visible: the focus ring is drawn (outline or box-shadow).
  const ring = await launcher.evaluate((el) => {
    const style = getComputedStyle(el)
    return { outline: style.outlineStyle, width: style.outlineWidth, shadow: style.boxShadow }
  })
  expect(
    (ring.outline !== 'none' && ring.width !== '0px') || ring.shadow !== 'none',
    JSON.stringify(ring),
  ).toBe(true)
  await screenshot(page, 'omni-button-keyboard-focus')

  await page.keyboard.press('Enter')
  expect(await launcher.getAttribute('aria-expanded')).toBe('true')
  const menu = page.getByRole('list', { name: CHANNELS })
  await menu.waitFor()
  await page.keyboard.press('Escape')
  await menu.waitFor({ state: 'detached' })
  expect(await launcher.getAttribute('aria-expanded')).toBe('false')
  expect(await focused(launcher)).toBe(true)

  // Tab into the list: Escape from a channel also collapses and returns focus to the button.
  await page.keyboard.press('Enter')
  await menu.waitFor()
  const chat = page.getByRole('button', { name: NAMES.onlineChat })
  presses = 0
  while (!(await focused(chat))) {
    expect(++presses, 'Tab never reached "Online chat"').toBeLessThan(10)
    await page.keyboard.press('Tab')
  }
  await page.keyboard.press('Escape')
  await menu.waitFor({ state: 'detached' })
  expect(await focused(launcher)).toBe(true)

  // Enter on "Online chat" opens the panel; Escape closes it and focus is back on the button.
  await page.keyboard.press('Enter')
  await menu.waitFor()
  while (!(await focused(chat))) await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'Chai & Co support' })
  await dialog.waitFor()
  const close = page.getByRole('button', { name: NAMES.closeChat })
  expect(await close.getAttribute('aria-expanded')).toBe('true')
  await expect.poll(() => focused(page.getByRole('textbox', { name: NAMES.message }))).toBe(true)
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  const again = page.getByRole('button', { name: NAMES.contact })
  expect(await again.getAttribute('aria-expanded')).toBe('false')
  expect(await focused(again)).toBe(true)
  await context.close()
})

test('messenger links carry the signed start parameter once the visitor is connected, and none before', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  // Until the gate opens the relay cannot be reached: the socket is closed at once.
  let blocked = true
  let sockets = 0
  await page.routeWebSocket(/\/v1\/visitor/, (ws) => {
    sockets++
    if (blocked) void ws.close({ code: 1011, reason: 'blocked by the test' })
    else ws.connectToServer()
  })
  const launcher = await demoPage(page)
  const link = (name: string) => page.getByRole('link', { name, exact: true })

  await launcher.click()
  await expect.poll(() => sockets).toBeGreaterThan(0)
  expect(await link('Telegram').getAttribute('href')).toBe('https://t.me/parley_demo_bot')
  expect(await link('VK').getAttribute('href')).toBe('https://vk.me/parley_demo')
  expect(await link('Viber').getAttribute('href')).toBe('viber://pa?chatURI=parleydemo')

  await page.getByRole('button', { name: NAMES.onlineChat }).click()
  await page.getByRole('dialog', { name: 'Chai & Co support' }).waitFor()
  blocked = false
  await page.getByRole('button', { name: NAMES.closeChat }).click()
  await page.getByRole('button', { name: NAMES.contact }).click()
  await expect
    .poll(async () => (await link('Telegram').getAttribute('href')) ?? '', { timeout: 15_000 })
    .toMatch(/^https:\/\/t\.me\/parley_demo_bot\?start=[A-Za-z0-9_-]{8,64}$/)
  const telegram = (await link('Telegram').getAttribute('href'))!
  const param = new URL(telegram).searchParams.get('start')!
  expect(await link('VK').getAttribute('href')).toBe(`https://vk.me/parley_demo?ref=${param}`)
  expect(await link('Viber').getAttribute('href')).toBe(
    `viber://pa?chatURI=parleydemo&context=${param}`,
  )
  // The links open the messenger in a new tab, not over the shop.
  expect(await link('Telegram').getAttribute('target')).toBe('_blank')
  await context.close()
})
