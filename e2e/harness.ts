/**
 * Shared pieces of the browser tests: a relay on port 0 with a fresh SQLite
 * database and the demo site, and Debian's Chromium driven by playwright-core.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildServer } from '@parley/relay'
import { type Browser, chromium, type Page } from 'playwright-core'

export const ADMIN = { email: 'admin@example.com', password: 'e2e-password-123' }

export interface Relay {
  url: string
  databasePath: string
  close(): Promise<void>
}

export async function startRelay(databasePath?: string): Promise<Relay> {
  const dir = databasePath ? undefined : mkdtempSync(join(tmpdir(), 'parley-e2e-'))
  const path = databasePath ?? join(dir!, 'e2e.db')
  const app = await buildServer({ databasePath: path, demo: true, admin: ADMIN, logger: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (typeof address !== 'object' || !address) throw new Error('relay has no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    databasePath: path,
    async close() {
      await app.close()
      if (dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

const shots = new URL('../test-results/screenshots/', import.meta.url).pathname

/** Saves a screenshot under test-results/ (ignored by git) for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true })
  await page.screenshot({ path: join(shots, `${name}.png`) })
}
