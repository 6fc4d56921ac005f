import type { Browser, BrowserContext, Locator, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminApi,
  axeViolations,
  LOOKS,
  launchBrowser,
  NAMES,
  operatorOnline,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

/** The demo site's seeded scenario `gift-help`: /catalog…, after 3 s on the site, once per session. */
const MESSAGE = 'Looking for a gift? Our tea sommelier can help you choose.'
const SHOWS_AFTER_MS = 3000
/** Time on the page, longer than the scenario's 3 s, after which it would have shown. */
const NEVER_WAIT_MS = 5000
/** The visitor's clock starts here, paused (`pauseClock`). */
const T0 = Date.parse('2026-03-02T10:00:00Z')

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

interface Stats {
  scenarios: {
    scenarioId: string
    impressions: number
    clicks: number
    conversions: { chat: number; total: number }
  }[]
}

const invitation = (page: Page): Locator => page.getByRole('dialog', { name: 'Invitation' })

/**
 * Pauses the visitor's clock (Date, timers, idle callbacks) before the first page loads:
 * from then on, time on the site passes only when the test runs it (`page.clock.runFor`).
 */
async function pauseClock(page: Page): Promise<void> {
  await page.clock.install({ time: T0 })
  await page.clock.pauseAt(T0 + 60_000)
}

const isScenariosChunk = (response: Response) =>
  /\/widget\/chunks\/scenarios-[\w-]+\.js$/.test(response.url())

/**
 * Loads a page (`navigate`) and resolves once the widget's scenarios have started
 * on it, so their session and timers count from the clock's time at that moment.
 */
async function scenariosStarted(page: Page, navigate: () => Promise<unknown>): Promise<void> {
  const chunk = page.waitForResponse(isScenariosChunk)
  await navigate()
  // The loader waits for an idle moment; on a paused clock that idle callback is due now.
  await page.clock.runFor(0)
  await page.getByRole('button', { name: NAMES.contact }).waitFor()
  // A second import of the chunk settles only after the widget's own import, made first,
  // whose callback starts the scenarios.
  await page.evaluate(`import(${JSON.stringify((await chunk).url())}).then(() => {})`)
}

/** Opens a demo page on a paused clock; resolves once the scenarios have started. */
async function visit(page: Page, path: string): Promise<void> {
  await pauseClock(page)
  await scenariosStarted(page, () => page.goto(`${relay.url}${path}`))
}

/**
 * Runs the visitor's clock `ms` past the moment the scenarios started and asserts that
 * no invitation appeared: every timer due in that time has fired, and what it showed
 * was drawn before `runFor` returned (the widget renders in microtasks).
 */
async function neverShows(page: Page, ms: number): Promise<void> {
  await page.clock.runFor(ms)
  expect(await invitation(page).count()).toBe(0)
}

test('on the catalog the invitation shows after 3 s on the site, Reply opens the chat, the conversation goes to sales and counts for the scenario, and a reload in the session does not show it again', async () => {
  const context = await browser.newContext(LOOKS.light)
  const page = await context.newPage()
  await visit(page, '/catalog.html')
  // The session starts when the scenarios start: not shown at 1 s, nor a millisecond
  // before 3 s; shown at 3 s.
  await page.clock.runFor(1000)
  expect(await invitation(page).count()).toBe(0)
  await page.clock.runFor(SHOWS_AFTER_MS - 1000 - 1)
  expect(await invitation(page).count()).toBe(0)
  await page.clock.runFor(1)
  const dialog = invitation(page)
  await dialog.waitFor()
  // From here the page's time flows as usual (axe and the chat run on timers).
  await page.clock.resume()
  const text = await dialog.innerText()
  expect(text).toContain(MESSAGE)
  expect(text).toContain('Olga')
  expect(text).toContain('Tea sommelier')
  expect(await dialog.getByRole('button', { name: 'Dismiss invitation' }).isVisible()).toBe(true)
  expect(await axeViolations(page)).toEqual([])

  await dialog.getByRole('button', { name: 'Reply', exact: true }).click()
  const composer = page.getByRole('textbox', { name: NAMES.message })
  await composer.waitFor()
  await dialog.waitFor({ state: 'detached' })
  const log = page.getByRole('log')
  await expect.poll(() => log.innerText()).toContain(MESSAGE)
  await composer.fill('A gift for my mother, she likes oolong.')
  await page.getByRole('button', { name: NAMES.send }).click()
  await expect.poll(() => log.innerText()).toContain('A gift for my mother, she likes oolong.')
  await expect.poll(() => log.innerText()).not.toMatch(/Sending…|Отправляется…/)
  // The stored invitation replaces the local card: the visitor reads it once, as Olga's
  // message, and never the scenario's internal name.
  await expect.poll(() => log.getByText(MESSAGE).count()).toBe(1)
  expect(await log.innerText()).not.toContain('Gift help on the catalog')
  await screenshot(page, 'scenarios-chat-after-reply-light')

  const { conversations } = await adminApi<{
    conversations: { id: string; group?: string; lastText?: string }[]
  }>(relay, 'GET', '/v1/conversations')
  const conversation = conversations.find((c) => c.lastText?.includes('oolong'))
  // `routing.group: 'sales'` names the demo's Sales group: the conversation is in it.
  const { groups } = await adminApi<{ groups: { id: string; name: string }[] }>(
    relay,
    'GET',
    '/v1/admin/sites/demo/groups',
  )
  expect(conversation?.group).toBe(groups.find((g) => g.name === 'Sales')?.id)
  const events = await adminApi<{
    events: { seq: number; kind: string; text: string; data?: Record<string, string> }[]
  }>(relay, 'GET', `/v1/conversations/${conversation!.id}/events`)
  // Stored as facts, not prose, and naming the scenario by id only.
  expect(events.events.map((e) => [e.seq, e.kind, e.text, e.data])).toEqual([
    [
      1,
      'system',
      '',
      {
        type: 'invitation',
        scenarioId: 'gift-help',
        message: MESSAGE,
        operator: 'Olga',
        position: 'Tea sommelier',
      },
    ],
    [2, 'message', 'A gift for my mother, she likes oolong.', undefined],
  ])
  await expect
    .poll(async () => {
      const stats = await adminApi<Stats>(relay, 'GET', '/v1/admin/sites/demo/scenarios/stats')
      return stats.scenarios.find((s) => s.scenarioId === 'gift-help')
    })
    .toMatchObject({
      impressions: expect.toSatisfy((n: number) => n >= 1),
      clicks: expect.toSatisfy((n: number) => n >= 1),
      conversions: { chat: 1, total: 1 },
    })

  // Same context: the same session, kept in the visitor's storage once the chat started.
  await scenariosStarted(page, () => page.reload())
  await neverShows(page, NEVER_WAIT_MS)
  await context.close()
})

test('a visitor on the home page never sees the catalog invitation', async () => {
  const context = await browser.newContext(LOOKS.light)
  const page = await context.newPage()
  await visit(page, '/index.html')
  await neverShows(page, NEVER_WAIT_MS)
  await context.close()
})

test('the invitation in three looks: light, dark and a narrow phone screen', async () => {
  for (const [look, options] of Object.entries(LOOKS)) {
    const context: BrowserContext = await browser.newContext(options)
    const page = await context.newPage()
    await visit(page, '/catalog.html')
    await page.clock.runFor(SHOWS_AFTER_MS)
    const dialog = invitation(page)
    await dialog.waitFor()
    // axe runs on timers: let the page's time flow again.
    await page.clock.resume()
    // Inside the viewport, even on a 375 px screen.
    const viewport = page.viewportSize()!
    const box = (await dialog.boundingBox())!
    expect(box.x).toBeGreaterThanOrEqual(0)
    expect(box.x + box.width).toBeLessThanOrEqual(viewport.width)
    await screenshot(page, `scenarios-invitation-${look}`)
    if (look !== 'light') expect(await axeViolations(page)).toEqual([])
    await context.close()
  }
})
