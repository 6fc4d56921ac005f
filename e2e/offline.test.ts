import type { Browser, Locator, Page, Request, WebSocketRoute } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
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
  visitorWelcomed,
} from './harness.ts'

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
const LEAVE = 'Leave a message'

const offlineLeads = async () =>
  (await storedConversations(relay)).filter((c) => c.kind === 'offline')

/** Waits until the relay reports `count` operators online (sockets close asynchronously). */
async function operatorsOnline(count: number): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          (await (await fetch(`${relay.url}/v1/sites/demo/presence`)).json()) as {
            operatorsOnline: number
          }
        ).operatorsOnline,
      { timeout: 10_000 },
    )
    .toBe(count)
}

async function fillOffline(dialog: Locator, name: string, text?: string): Promise<void> {
  await dialog.getByRole('textbox', { name: 'Name' }).fill(name)
  await dialog.getByRole('textbox', { name: 'Email' }).fill(`${name.toLowerCase()}@example.com`)
  if (text !== undefined) await dialog.getByRole('textbox', { name: 'Message' }).fill(text)
  await dialog.getByRole('checkbox', { name: CONSENT }).check()
}

const confirmed = (dialog: Locator) =>
  expect
    .poll(
      () =>
        dialog
          .getByRole('status')
          .filter({ hasText: /^Thank you/ })
          .textContent(),
      { timeout: 15_000 },
    )
    .toBe('Thank you! We have your message and will get back to you.')

/** Finds the console row of a lead by the visitor's name under the Offline tab. */
async function consoleRow(operator: Page, name: string): Promise<Locator> {
  await operator.getByRole('tab', { name: 'Offline', exact: true }).click()
  const row = operator.getByRole('button', { name: new RegExp(name) })
  await row.first().waitFor()
  return row
}

test('with nobody online the visitor gets the offline form instead of the chat, and the operator finds the lead later', async () => {
  await operatorsOnline(0)
  const names = { light: 'Anna', dark: 'Boris', narrow: 'Vera' } as const
  for (const [look, options] of Object.entries(LOOKS)) {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    await page.goto(`${relay.url}/product.html`)
    await openChat(page)
    const dialog = page.getByRole('dialog', { name: LEAVE })
    await dialog.getByRole('textbox', { name: 'Name' }).waitFor()
    expect(await dialog.innerText()).toContain('Nobody is online right now.')
    // No chat: no message log, no chat composer.
    expect(await page.getByRole('log').count()).toBe(0)
    expect(await dialog.getByRole('button', { name: NAMES.send }).count()).toBe(0)
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `offline-form-${look}`)

    const name = names[look as keyof typeof names]
    await fillOffline(dialog, name, `Do you ship Gyokuro to Kazan? — ${name}`)
    await dialog.getByRole('button', { name: 'Send message' }).click()
    await confirmed(dialog)
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `offline-confirmation-${look}`)
    await context.close()
  }
  expect((await offlineLeads()).map((c) => c.visitorEmail).sort()).toEqual([
    'anna@example.com',
    'boris@example.com',
    'vera@example.com',
  ])

  // The operator comes back and sees the lead, with its badge, contact and text.
  const operator = await consoleLogin(browser, relay)
  const row = await consoleRow(operator, 'Anna')
  expect(await row.innerText()).toContain('Offline message')
  expect(await row.innerText()).toContain('anna@example.com')
  await row.click()
  const card = operator.getByRole('log').getByRole('group', { name: 'Offline message' })
  await expect
    .poll(() => card.getByRole('definition').allInnerTexts())
    .toEqual(['Anna', 'anna@example.com', 'Do you ship Gyokuro to Kazan? — Anna'])
  await screenshot(operator, 'offline-console')
  await operator.context().close()
  await operatorsOnline(0)
})

test('a visitor chatting when the last operator leaves is told, and the unsent text moves into the offline form', async () => {
  const operator = await operatorOnline(relay)
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${relay.url}/product.html`)
  const welcomed = visitorWelcomed(page)
  await openChat(page)
  const chat = page.getByRole('dialog', { name: 'Chai & Co support' })
  const composer = chat.getByRole('textbox', { name: NAMES.message })
  await composer.fill('Could you hold 2 kg of Sencha for me until Friday?')
  // The visitor is connected (the welcome says an operator is here) before the operator leaves.
  await welcomed

  operator.close()
  const dialog = page.getByRole('dialog', { name: LEAVE })
  await dialog.waitFor({ timeout: 10_000 })
  await expect
    .poll(() => dialog.getByRole('status').textContent())
    .toBe('Our operators have just left. Leave a message and we will get back to you.')
  const message = dialog.getByRole('textbox', { name: 'Message' })
  expect(await message.inputValue()).toBe('Could you hold 2 kg of Sencha for me until Friday?')
  expect(await axeViolations(page)).toEqual([])
  await screenshot(page, 'offline-operators-left')

  await fillOffline(dialog, 'Dmitry')
  await dialog.getByRole('button', { name: 'Send message' }).click()
  await confirmed(dialog)
  const lead = (await offlineLeads()).find((c) => c.visitorName === 'Dmitry')
  expect(lead?.lastText).toContain('Could you hold 2 kg of Sencha for me until Friday?')
  await context.close()
})

/**
 * A network switch for one page: offline, HTTP fails (`setOffline`) and the visitor socket
 * is cut and cannot reconnect (Chromium's offline mode leaves open sockets alone).
 * `loseAck` cuts the connection when the relay acks the first frame of that type, so
 * the relay stored it but the page never hears so.
 */
async function networkSwitch(page: Page, options: { loseAck?: string } = {}) {
  let online = true
  let watched: string | undefined
  const open = new Set<WebSocketRoute>()
  const offline = async () => {
    online = false
    await page.context().setOffline(true)
    for (const ws of open) await ws.close({ code: 1012, reason: 'network down' })
    open.clear()
  }
  await page.routeWebSocket(/\/v1\/visitor/, (ws) => {
    if (!online) {
      void ws.close({ code: 1012, reason: 'network down' })
      return
    }
    const server = ws.connectToServer()
    open.add(ws)
    ws.onClose(() => open.delete(ws))
    ws.onMessage((raw) => {
      const frame = JSON.parse(String(raw)) as { t: string; cid?: string }
      if (options.loseAck && frame.t === options.loseAck && !watched) watched = frame.cid
      server.send(raw)
    })
    server.onMessage((raw) => {
      const frame = JSON.parse(String(raw)) as { t: string; cid?: string }
      if (watched && frame.t === 'ack' && frame.cid === watched) {
        watched = undefined
        options.loseAck = undefined
        void offline()
        return
      }
      ws.send(raw)
    })
  })
  return {
    offline,
    async online() {
      online = true
      await page.context().setOffline(false)
    },
    get isOnline() {
      return online
    },
  }
}

/**
 * The page's HTTP fallback posts of forms: how many are in flight, and how many
 * have failed (no network). Listens from the call on.
 */
function formPosts(page: Page) {
  const isForm = (request: Request) =>
    request.method() === 'POST' && /\/v1\/sites\/[^/]+\/(offline|callback)$/.test(request.url())
  const posts = { inFlight: 0, failed: 0 }
  page.on('request', (request) => {
    if (isForm(request)) posts.inFlight += 1
  })
  page.on('requestfinished', (request) => {
    if (isForm(request)) posts.inFlight -= 1
  })
  page.on('requestfailed', (request) => {
    if (!isForm(request)) return
    posts.inFlight -= 1
    posts.failed += 1
  })
  return posts
}

async function leaveOfflineForm(name: string, text: string, loseAck?: string) {
  await operatorsOnline(0)
  const context = await browser.newContext()
  const page = await context.newPage()
  const posts = formPosts(page)
  const network = await networkSwitch(page, { loseAck })
  await page.goto(`${relay.url}/product.html`)
  const welcomed = visitorWelcomed(page)
  await openChat(page)
  const dialog = page.getByRole('dialog', { name: LEAVE })
  // Opening the chat connects the widget; wait for the relay's welcome.
  await welcomed
  await fillOffline(dialog, name, text)
  return { context, page, dialog, network, posts }
}

/**
 * Exactly one lead from `name` on the relay and in the console's Offline tab, once
 * the page is done delivering: its outbox is empty (every socket send acknowledged)
 * and no HTTP post of the form is in flight, so no copy can still be on its way.
 */
async function deliveredOnce(
  page: Page,
  posts: ReturnType<typeof formPosts>,
  name: string,
): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem('parley:demo:outbox')))
    .toBe('[]')
  await expect.poll(() => posts.inFlight).toBe(0)
  expect((await offlineLeads()).filter((c) => c.visitorName === name)).toHaveLength(1)
  const operator = await consoleLogin(browser, relay)
  const rows = await consoleRow(operator, name)
  expect(await rows.count()).toBe(1)
  await operator.context().close()
}

test('a form sent while the visitor is offline is kept, and delivered exactly once when the connection is back', async () => {
  const { context, page, dialog, network, posts } = await leaveOfflineForm(
    'Elena',
    'Sent from a train with patchy signal',
  )
  await network.offline()
  await dialog.getByRole('button', { name: 'Send message' }).click()
  // The visitor sees it is on its way, not a false confirmation; the relay has nothing yet,
  // after the socket failed and the HTTP fallback (tried after three failed connects) too.
  await dialog.getByRole('button', { name: 'Sending…' }).waitFor()
  await expect.poll(() => posts.failed, { timeout: 20_000 }).toBeGreaterThan(0)
  expect(
    await dialog
      .getByRole('status')
      .filter({ hasText: /^Thank you/ })
      .count(),
  ).toBe(0)
  expect((await offlineLeads()).filter((c) => c.visitorName === 'Elena')).toEqual([])
  await screenshot(page, 'offline-sending-while-offline')

  await network.online()
  await confirmed(dialog)
  await deliveredOnce(page, posts, 'Elena')
  await context.close()
})

test('when the connection drops after the relay stored the form but before the ack, the resend does not make a second lead', async () => {
  const { context, page, dialog, network, posts } = await leaveOfflineForm(
    'Fyodor',
    'Please call after 18:00',
    'offline',
  )
  await dialog.getByRole('button', { name: 'Send message' }).click()
  await expect.poll(() => network.isOnline).toBe(false)
  await expect
    .poll(async () => (await offlineLeads()).filter((c) => c.visitorName === 'Fyodor').length)
    .toBe(1)
  await network.online()
  await confirmed(dialog)
  await deliveredOnce(page, posts, 'Fyodor')
  await context.close()
})
