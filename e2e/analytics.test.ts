import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { seedHistory } from '../packages/relay/src/modules/analytics/seed.ts'
import { createSqliteStores } from '../packages/relay/src/stores.ts'
import {
  axeViolations,
  consoleLogin,
  LOOKS,
  launchBrowser,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// The Analytics area over three weeks of seeded history, as a supervisor would read it.

let relay: Relay
let browser: Browser

beforeAll(async () => {
  relay = await startRelay()
  // The history goes into the relay's own database, beside it (SQLite in WAL mode).
  const stores = createSqliteStores(relay.databasePath)
  const groups = await stores.groups.list('demo')
  await seedHistory(stores, {
    siteId: 'demo',
    groupIds: groups.map((g) => g.id),
    timeZone: 'Europe/Moscow',
    days: 21,
    perDay: 30,
    now: Date.now(),
  })
  await stores.db.close()
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await relay?.close()
})

test('a supervisor reads the tiles, chart and tables, downloads a CSV and opens monitoring', async () => {
  for (const look of ['light', 'dark', 'narrow'] as const) {
    const page = await consoleLogin(browser, relay, LOOKS[look])
    const nav = page.getByRole('navigation', { name: 'Main' })
    await (look === 'narrow'
      ? page.goto(`${relay.url}/console/#analytics`)
      : nav.getByRole('link', { name: 'Analytics' }).click())
    await page.getByRole('button', { name: 'Last 30 days' }).click()
    const tiles = page.getByRole('list', { name: 'Totals' })
    await expect.poll(() => tiles.innerText()).toMatch(/\d+\s*Received/)
    const table = page.getByRole('table', { name: 'Operator metrics by Operator' })
    await expect.poll(() => table.innerText()).toContain('Olga Petrova')
    await page.locator('parley-chart canvas').first().waitFor()
    await screenshot(page, `analytics-operators-${look}`)
    if (look === 'light') {
      expect(await axeViolations(page)).toEqual([])
      const download = page.waitForEvent('download')
      await page.getByRole('button', { name: 'Download CSV: Operator metrics by Operator' }).click()
      expect((await download).suggestedFilename()).toMatch(
        /^metrics-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/,
      )
    }
    await page.getByRole('link', { name: 'Channels' }).click()
    await page.getByRole('table', { name: /Channel effectiveness by Channel/ }).waitFor()
    await screenshot(page, `analytics-channels-${look}`)
    await page.getByRole('link', { name: 'Funnel' }).click()
    await page.getByRole('table', { name: 'Funnel by Site' }).waitFor()
    if (look === 'light') expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `analytics-funnel-${look}`)
    await page.getByRole('link', { name: 'Monitoring' }).click()
    await page.getByRole('table', { name: 'Queues now' }).waitFor()
    if (look === 'light') expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `analytics-monitoring-${look}`)
    await page.context().close()
  }
}, 120_000)
