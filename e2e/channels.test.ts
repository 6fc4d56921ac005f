import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildServer } from '@parley/relay'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  type FakeTelegram,
  startFakeTelegram,
  telegramText,
} from '../packages/relay/src/testing/fake-telegram.ts'
import {
  ADMIN,
  axeViolations,
  consoleLogin,
  LOOKS,
  launchBrowser,
  type Relay,
  screenshot,
} from './harness.ts'

// An admin connects a Telegram bot in Settings → Channels; a visitor writes to the bot, and
// the operator answers in the console: the fake Bot API receives the reply, the console says
// it was sent.

const TOKEN = '7012345678:AAHk-e2e-token'
let relay: Relay
let telegram: FakeTelegram
let browser: Browser

beforeAll(async () => {
  telegram = await startFakeTelegram({ tokens: [TOKEN] })
  const dir = mkdtempSync(join(tmpdir(), 'parley-e2e-channels-'))
  const app = await buildServer({
    databasePath: join(dir, 'e2e.db'),
    demo: true,
    admin: ADMIN,
    logger: false,
    publicUrl: 'https://chat.example.com',
    channels: { secretKey: 'ab'.repeat(32), telegramApiRoot: telegram.apiRoot },
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (typeof address !== 'object' || !address) throw new Error('relay has no address')
  relay = {
    url: `http://127.0.0.1:${address.port}`,
    databasePath: join(dir, 'e2e.db'),
    async close() {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await relay?.close()
  await telegram?.close()
})

test('an admin connects a Telegram bot, and an operator answers its visitor in the console', async () => {
  const admin = await consoleLogin(browser, relay)
  await admin.goto(`${relay.url}/console/#settings/channels`)
  await admin.getByRole('heading', { name: 'Channels', level: 2 }).waitFor()
  await admin.getByText('No bots yet.').waitFor()
  await admin.getByRole('button', { name: 'Add a bot' }).click()
  const form = admin.getByRole('form', { name: 'Add a bot' })
  await form.getByRole('textbox', { name: 'Name' }).fill('Chai Shop bot')
  await form.getByLabel('Bot token').fill(TOKEN)
  await screenshot(admin, 'channels-add-telegram')
  await form.getByRole('button', { name: 'Add bot' }).click()
  const row = admin.getByRole('row', { name: /Chai Shop bot/ })
  await expect.poll(() => row.innerText()).toContain('Webhook set')
  await admin.getByRole('status').filter({ hasText: 'Chai Shop bot is saved.' }).waitFor()
  const hook = telegram.webhook(TOKEN)!
  expect(hook.url).toMatch(/^https:\/\/chat\.example\.com\/v1\/channels\/cp_[\w-]+\/webhook$/)
  expect(await axeViolations(admin)).toEqual([])
  await screenshot(admin, 'channels-list-light')

  // The token is never shown again: the change form says only that it is set.
  await admin.getByRole('button', { name: 'Change Chai Shop bot' }).click()
  const token = admin.getByLabel('Bot token')
  expect(await token.inputValue()).toBe('')
  expect(await token.getAttribute('placeholder')).toBe('Set — type to replace')
  expect(await admin.content()).not.toContain(TOKEN)
  await admin.getByRole('button', { name: 'Cancel' }).click()

  for (const look of ['dark', 'narrow'] as const) {
    const page = await consoleLogin(browser, relay, LOOKS[look])
    await page.goto(`${relay.url}/console/#settings/channels`)
    await page.getByRole('row', { name: /Chai Shop bot/ }).waitFor()
    await screenshot(page, `channels-list-${look}`)
    await page.context().close()
  }

  // Telegram delivers a visitor's message to the webhook path, with the secret token.
  const path = new URL(hook.url).pathname
  const update = await fetch(`${relay.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': hook.secret!,
    },
    body: JSON.stringify(telegramText(4242, 'Do you deliver to Kazan?')),
  })
  expect(update.status).toBe(200)

  await admin.goto(`${relay.url}/console/#conversations`)
  const item = admin.getByRole('button', { name: /^Ivan Petrov/ })
  await expect.poll(() => item.innerText()).toContain('Telegram')
  await item.click()
  await expect.poll(() => admin.getByRole('log').innerText()).toContain('Do you deliver to Kazan?')
  await admin.getByRole('textbox', { name: 'Reply' }).fill('Yes, in two days.')
  await admin.getByRole('button', { name: 'Send', exact: true }).click()
  await expect.poll(() => telegram.callsOf('sendMessage').length).toBe(1)
  expect(telegram.callsOf('sendMessage')[0]!.params).toMatchObject({
    chat_id: '4242',
    text: 'Yes, in two days.',
  })
  const mine = admin.getByRole('log').getByRole('article').filter({ hasText: 'Yes, in two days.' })
  await expect.poll(() => mine.innerText()).toContain('Sent')
  expect(await axeViolations(admin)).toEqual([])
  await screenshot(admin, 'channels-conversation-telegram')
})
