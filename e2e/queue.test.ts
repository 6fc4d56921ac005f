import type { Browser, Page, WebSocketRoute } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  axeViolations,
  LOOKS,
  launchBrowser,
  NAMES,
  type OperatorSocket,
  openChat,
  operatorSocket,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// The notice itself, driven frame by frame: the visitor's socket goes to the real relay
// through a route that also lets the test send `queue` frames of its choosing (estimates
// included). e2e/routing.test.ts has the relay's own queue.

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

/**
 * The demo page with the visitor's socket passed through to the relay; `queue` sends the
 * page a queue frame for the conversation the relay opened for the first message.
 */
async function visitorPage(look: keyof typeof LOOKS = 'light') {
  const context = await browser.newContext(LOOKS[look])
  const page = await context.newPage()
  let socket: WebSocketRoute | undefined
  let conversationId: string | undefined
  await page.routeWebSocket(/\/v1\/visitor/, (ws) => {
    socket = ws
    const server = ws.connectToServer()
    server.onMessage((raw) => {
      const frame = JSON.parse(String(raw)) as { t: string; conversationId?: string }
      if (frame.t === 'ack' && frame.conversationId) conversationId ??= frame.conversationId
      ws.send(raw)
    })
  })
  await page.goto(`${relay.url}/product.html`)
  await openChat(page)
  await page.getByRole('textbox', { name: NAMES.message }).fill('Is the oolong still in stock?')
  await page.getByRole('button', { name: NAMES.send }).click()
  await expect.poll(() => conversationId).toBeDefined()
  return {
    page,
    conversationId: conversationId!,
    queue(position: number | null, waitSeconds: number | null) {
      socket!.send(JSON.stringify({ t: 'queue', conversationId, position, waitSeconds }))
    },
    close: () => context.close(),
  }
}

/** The chat panel's live region: what a screen reader announces politely. */
const notice = (page: Page) =>
  page.getByRole('dialog', { name: 'Chai & Co support' }).getByRole('status')

test('a waiting visitor reads their place and the estimated wait, and the notice ends with an operator reply', async () => {
  const visitor = await visitorPage()
  const { page } = visitor
  await expect.poll(() => notice(page).innerText()).toBe('')

  visitor.queue(3, 170)
  await expect
    .poll(() => notice(page).innerText())
    .toBe('You are number 3 in the queue. Estimated wait: about 3 min.')
  await screenshot(page, 'queue-light')
  expect(await axeViolations(page)).toEqual([])

  // The estimate is gone: the place alone, no made-up wait.
  visitor.queue(1, null)
  await expect.poll(() => notice(page).innerText()).toBe('You are next in the queue.')

  await operator.reply(visitor.conversationId, 'Hello! Yes, we have it.')
  await expect.poll(() => page.getByRole('log').innerText()).toContain('Hello! Yes, we have it.')
  await expect.poll(() => notice(page).innerText()).toBe('')
  await visitor.close()
})

test('the relay saying an operator took the conversation ends the notice; in the dark it stays clean for axe', async () => {
  const visitor = await visitorPage('dark')
  const { page } = visitor
  visitor.queue(2, 30)
  await expect
    .poll(() => notice(page).innerText())
    .toBe('You are number 2 in the queue. Estimated wait: less than a minute.')
  expect(await axeViolations(page)).toEqual([])
  await screenshot(page, 'queue-dark')
  visitor.queue(null, null)
  await expect.poll(() => notice(page).innerText()).toBe('')
  await visitor.close()
})
