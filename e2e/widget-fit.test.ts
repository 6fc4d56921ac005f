import type { Browser, Locator } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchBrowser, openChat, type Relay, startRelay, storedConversations } from './harness.ts'

// The forms' submit button is in sight and takes a click where it is drawn, on a laptop
// screen and on a small phone, without the visitor scrolling the panel to find it.

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

const CONSENT = 'I agree to the processing of my personal data under the user agreement'

interface Box {
  x: number
  y: number
  width: number
  height: number
}

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height

/** Whether the element drawn at the button's centre is the button (nothing covers it). */
const onTop = (button: Locator) =>
  button.evaluate((el) => {
    const r = el.getBoundingClientRect()
    return (
      (el.getRootNode() as ShadowRoot).elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) ===
      el
    )
  })

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 375, height: 667 },
]) {
  test(`at ${viewport.width}×${viewport.height} the offline form's Send message is inside the panel and the window, and a click on it sends`, async () => {
    const context = await browser.newContext({ viewport })
    const page = await context.newPage()
    await page.goto(`${relay.url}/product.html`)
    await openChat(page)
    const dialog = page.getByRole('dialog', { name: 'Leave a message' })
    const name = `Fit ${viewport.width}`
    await dialog.getByRole('textbox', { name: 'Name' }).fill(name)
    await dialog.getByRole('textbox', { name: 'Email' }).fill('fit@example.com')
    await dialog.getByRole('textbox', { name: 'Message' }).fill('Do you ship to Kazan?')
    await dialog.getByRole('checkbox', { name: CONSENT }).check()

    const button = dialog.getByRole('button', { name: 'Send message' })
    const panel = (await dialog.boundingBox())!
    const box = (await button.boundingBox())!
    expect(inside(box, panel)).toBe(true)
    expect(inside(box, { x: 0, y: 0, ...viewport })).toBe(true)
    expect(await onTop(button)).toBe(true)

    // The mouse goes where the button is drawn: no scrolling first.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await expect
      .poll(() => dialog.getByRole('status').textContent(), { timeout: 15_000 })
      .toBe('Thank you! We have your message and will get back to you.')
    expect(
      (await storedConversations(relay)).filter((c) => c.visitorName === name).map((c) => c.kind),
    ).toEqual(['offline'])
    await context.close()
  })
}

test('in a window too short for the whole form the Send message button stays in sight while the fields scroll', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 560 } })
  const page = await context.newPage()
  await page.goto(`${relay.url}/product.html`)
  await openChat(page)
  const dialog = page.getByRole('dialog', { name: 'Leave a message' })
  await dialog.getByRole('textbox', { name: 'Name' }).waitFor()
  const button = dialog.getByRole('button', { name: 'Send message' })
  expect(inside((await button.boundingBox())!, (await dialog.boundingBox())!)).toBe(true)
  expect(await onTop(button)).toBe(true)
  await context.close()
})
