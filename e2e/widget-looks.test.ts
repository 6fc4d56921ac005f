import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminApi,
  axeViolations,
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

// The visitor's side of the demo shop photographed in light, dark and on a 375 px phone:
// the omni-button's list and every form (callback, offline, pre-chat), into
// test-results/screenshots/widget-<surface>-<look>.png for a person to look at. Each shot
// is also checked: no axe violation (contrast of the buttons in the shop's green theme
// included), the submit button inside the panel and on top, English text on the English page.

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

const LOOK_NAMES = Object.keys(LOOKS) as Look[]

async function newPage(look: Look): Promise<Page> {
  const context = await browser.newContext(LOOKS[look])
  const page = await context.newPage()
  await page.goto(`${relay.url}/product.html`)
  return page
}

/** The submit button is drawn inside the panel and nothing covers its centre. */
async function submitInSight(dialog: Locator, name: string): Promise<void> {
  const button = dialog.getByRole('button', { name })
  const panel = (await dialog.boundingBox())!
  const box = (await button.boundingBox())!
  expect(box.y).toBeGreaterThanOrEqual(panel.y)
  expect(box.y + box.height).toBeLessThanOrEqual(panel.y + panel.height)
  expect(box.x).toBeGreaterThanOrEqual(panel.x)
  expect(box.x + box.width).toBeLessThanOrEqual(panel.x + panel.width)
  const onTop = await button.evaluate((el) => {
    const r = el.getBoundingClientRect()
    const root = el.getRootNode() as ShadowRoot
    return root.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === el
  })
  expect(onTop).toBe(true)
}

/** No Cyrillic on the English page: every string came from the English table. */
const english = async (dialog: Locator) => expect(await dialog.innerText()).not.toMatch(/[а-яё]/i)

test("the widget wears the demo shop's green: the launcher and the panel header", async () => {
  const page = await newPage('light')
  const launcher = page.getByRole('button', { name: NAMES.contact })
  await launcher.waitFor()
  const green = 'rgb(63, 125, 78)'
  expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(green)
  await openChat(page)
  const heading = page.getByRole('dialog', { name: 'Leave a message' }).getByRole('heading')
  const header = await heading.evaluate(
    (el) => getComputedStyle(el.closest('.header') ?? el).backgroundColor,
  )
  expect(header).toBe(green)
  await page.context().close()
})

for (const look of LOOK_NAMES) {
  test(`the omni-button's list, the callback and the offline form (${look})`, async () => {
    const page = await newPage(look)
    await page.getByRole('button', { name: NAMES.contact }).click()
    const list = page.getByRole('list', { name: NAMES.channels })
    const entries = list.getByRole('listitem')
    expect(await entries.count()).toBe(5)
    // Every entry is as wide as the widest ("Request a call back"), not as its own text.
    const widths = await list
      .locator('.channel')
      .evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().width)))
    expect(new Set(widths).size).toBe(1)
    // The shop's own storage banner is not drawn across the list (on a phone it moves up).
    const banner = (await page.getByRole('region', { name: 'Cookie consent' }).boundingBox())!
    const drawn = (await list.boundingBox())!
    const apart =
      banner.y + banner.height <= drawn.y ||
      drawn.y + drawn.height <= banner.y ||
      banner.x + banner.width <= drawn.x ||
      drawn.x + drawn.width <= banner.x
    expect(apart).toBe(true)
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `widget-omni-button-${look}`)

    await page.getByRole('button', { name: NAMES.callback }).click()
    const callback = page.getByRole('dialog', { name: 'Request a call back' })
    await callback.getByRole('textbox', { name: 'Name' }).waitFor()
    await submitInSight(callback, 'Request a call')
    await english(callback)
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `widget-callback-${look}`)
    await page.context().close()

    const offlinePage = await newPage(look)
    await openChat(offlinePage)
    const offline = offlinePage.getByRole('dialog', { name: 'Leave a message' })
    await offline.getByRole('textbox', { name: 'Name' }).waitFor()
    await offline.getByRole('checkbox', { name: /^I agree/ }).check()
    await submitInSight(offline, 'Send message')
    await english(offline)
    expect(await axeViolations(offlinePage)).toEqual([])
    await screenshot(offlinePage, `widget-offline-${look}`)
    await offlinePage.context().close()
  })
}

test('the pre-chat form, in every look', async () => {
  const operator = await operatorOnline(relay)
  await adminApi(relay, 'PUT', '/v1/admin/sites/demo', {
    prechat: { enabled: true, fields: ['name', 'phone', 'email'] },
  })
  try {
    for (const look of LOOK_NAMES) {
      const page = await newPage(look)
      await openChat(page)
      const dialog = page.getByRole('dialog', { name: 'Chai & Co support' })
      await dialog.getByRole('button', { name: 'Start chat' }).waitFor()
      await submitInSight(dialog, 'Start chat')
      await english(dialog)
      expect(await axeViolations(page)).toEqual([])
      await screenshot(page, `widget-prechat-${look}`)
      await page.context().close()
    }
  } finally {
    await adminApi(relay, 'PUT', '/v1/admin/sites/demo', {
      prechat: { enabled: false, fields: ['name', 'email'] },
    })
    operator.close()
  }
})
