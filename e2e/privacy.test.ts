import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchBrowser, NAMES, type Relay, startRelay, widgetSettles } from './harness.ts'

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

test('before the visitor interacts, the widget stores nothing and opens no socket; opening the chat does both', async () => {
  const context = await browser.newContext()
  const visitor = await context.newPage()
  const sockets: string[] = []
  visitor.on('websocket', (ws) => sockets.push(ws.url()))
  const settled = widgetSettles(visitor)
  await visitor.goto(`${relay.url}/catalog.html`)
  const launcher = visitor.getByRole('button', { name: NAMES.contact })
  await launcher.waitFor()
  // The widget at rest: config and presence answered, nothing in flight, a frame drawn.
  await settled()
  const stored = () =>
    visitor.evaluate(() => ({
      local: Object.keys(localStorage),
      session: Object.keys(sessionStorage),
      cookie: document.cookie,
    }))
  expect(await stored()).toEqual({ local: [], session: [], cookie: '' })
  expect(await context.cookies()).toEqual([])
  expect(sockets).toEqual([])

  await launcher.click()
  await visitor.getByRole('button', { name: NAMES.onlineChat }).click()
  await expect.poll(() => sockets.length).toBe(1)
  expect(sockets[0]).toContain('/v1/visitor?site=demo')
  await expect.poll(async () => (await stored()).local.length).toBeGreaterThan(0)
  await context.close()
})
