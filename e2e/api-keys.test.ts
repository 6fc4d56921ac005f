import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  axeViolations,
  consoleLogin,
  launchBrowser,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// An admin makes a key for a CRM in Settings, the CRM reads with it, and revoking it stops it.

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

test('an admin creates an API key with scopes, an integration pages with it, and a revoked key is refused', async () => {
  const admin = await consoleLogin(browser, relay)
  await admin.goto(`${relay.url}/console/#settings/api-keys`)
  await admin.getByRole('heading', { name: 'API keys', level: 2 }).waitFor()
  await admin.getByText('No API keys yet.').waitFor()

  const form = admin.getByRole('form', { name: 'Create an API key' })
  await form.getByRole('textbox', { name: 'Name' }).fill('Bitrix24 sync')
  await form.getByRole('checkbox', { name: /^leads:read/ }).uncheck()
  await form.getByRole('checkbox', { name: /^visitors:read/ }).check()
  await form.getByRole('button', { name: 'Create key' }).click()
  const secret = admin.getByRole('textbox', { name: 'API key Bitrix24 sync' })
  const key = await secret.inputValue()
  expect(key.length).toBeGreaterThan(20)
  expect(await secret.getAttribute('readonly')).not.toBeNull()
  const row = admin.getByRole('row', { name: /Bitrix24 sync/ })
  await expect.poll(() => row.innerText()).toContain('visitors:read')
  expect(await row.innerText()).toContain('Never')
  expect(await axeViolations(admin)).toEqual([])
  await screenshot(admin, 'settings-api-keys')

  const call = (path: string) =>
    fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${key}` } })
  const page = await call('/v1/integrations/visitors?limit=10')
  expect(page.status).toBe(200)
  expect(await page.json()).toMatchObject({ items: expect.any(Array), nextCursor: null })
  const refused = await call('/v1/integrations/leads')
  expect(refused.status).toBe(403)
  expect(await refused.json()).toMatchObject({ code: 'forbidden' })

  await admin.getByRole('button', { name: 'Done' }).click()
  await admin.reload()
  await expect.poll(() => row.innerText()).not.toContain('Never')
  await admin.getByRole('button', { name: 'Revoke Bitrix24 sync' }).click()
  await admin
    .getByRole('form', { name: 'Revoke Bitrix24 sync' })
    .getByRole('button', { name: 'Revoke for good' })
    .click()
  await admin.getByText('No API keys yet.').waitFor()
  expect((await call('/v1/integrations/visitors')).status).toBe(401)
  await admin.context().close()
})
