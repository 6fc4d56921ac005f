import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  type FakeTelegram,
  startFakeTelegram,
  telegramText,
} from '../packages/relay/src/testing/fake-telegram.ts'
import {
  adminApi,
  consoleLogin,
  launchBrowser,
  NAMES,
  openChat,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// A visitor chats on the demo site, then picks Telegram in the omni-button: the bot link
// carries the widget's signed start parameter, Telegram sends the bot `/start <it>`, and the
// operator sees the Telegram chat as the same visitor's, next to their site chat.

const TOKEN = '7012345678:AAHk-e2e-start'
let relay: Relay
let telegram: FakeTelegram
let browser: Browser

beforeAll(async () => {
  telegram = await startFakeTelegram({ tokens: [TOKEN] })
  relay = await startRelay(undefined, {
    publicUrl: 'https://chat.example.com',
    channels: { secretKey: 'cd'.repeat(32), telegramApiRoot: telegram.apiRoot },
  })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await relay?.close()
  await telegram?.close()
})

test('a visitor who goes on in Telegram is the same visitor to the operator, with the site chat beside it', async () => {
  await adminApi(relay, 'POST', '/v1/admin/contact-points', {
    kind: 'telegram',
    siteId: 'demo',
    name: 'Chai Shop bot',
    credentials: { token: TOKEN },
  })
  const operator = await consoleLogin(browser, relay)

  const context = await browser.newContext()
  // t.me is not reached: the messenger's page is a stub; its address is what counts.
  await context.route(/^https:\/\/t\.me\//, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<title>Telegram</title>' }),
  )
  const visitor = await context.newPage()
  await visitor.goto(`${relay.url}/product.html`)
  await openChat(visitor)
  const siteText = 'Is the Tieguanyin fresh this season?'
  await visitor.getByRole('textbox', { name: NAMES.message }).fill(siteText)
  await visitor.getByRole('button', { name: NAMES.send }).click()
  await operator.getByRole('button', { name: new RegExp(siteText.replace('?', '\\?')) }).waitFor()

  // The visitor picks Telegram in the omni-button.
  await visitor.getByRole('button', { name: NAMES.closeChat }).click()
  await visitor.getByRole('button', { name: NAMES.contact }).click()
  const link = visitor.getByRole('list', { name: NAMES.channels }).getByRole('link', {
    name: 'Telegram',
    exact: true,
  })
  await expect.poll(async () => (await link.getAttribute('href')) ?? '').toMatch(/\?start=/)
  const [popup] = await Promise.all([visitor.waitForEvent('popup'), link.click()])
  const opened = new URL(popup.url())
  expect(opened.origin + opened.pathname).toBe('https://t.me/parley_demo_bot')
  const start = opened.searchParams.get('start')!
  expect(start).toMatch(/^[A-Za-z0-9_-]{8,64}$/)

  // Telegram: the visitor pressed Start (the bot gets `/start <parameter>`), then writes. The
  // updates go to the webhook path Telegram was given, on this relay, with its secret token.
  const hook = telegram.webhook(TOKEN)!
  const deliver = (update: unknown) =>
    fetch(`${relay.url}${new URL(hook.url).pathname}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': hook.secret!,
      },
      body: JSON.stringify(update),
    })
  expect((await deliver(telegramText(4242, `/start ${start}`))).status).toBe(200)
  const telegramTextSent = 'Writing from Telegram now: can you ship today?'
  expect((await deliver(telegramText(4242, telegramTextSent))).status).toBe(200)

  const item = operator.getByRole('button', { name: /Writing from Telegram now/ })
  await expect.poll(() => item.innerText()).toContain('Telegram')
  await item.click()
  const log = operator.getByRole('log')
  await expect.poll(() => log.innerText()).toContain(telegramTextSent)
  const toggle = operator.getByRole('button', { name: 'Visitor', exact: true })
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
  const card = operator.getByRole('region', { name: 'Visitor' })
  // The site visitor's own history: the page they were on, and their site chat.
  await card.getByRole('list', { name: 'Pages visited' }).waitFor()
  expect(
    await card
      .getByRole('list', { name: 'Pages visited' })
      .getByRole('link')
      .first()
      .getAttribute('href'),
  ).toBe(`${relay.url}/product.html`)
  const earlier = card.getByRole('list', { name: 'Earlier conversations' })
  await expect.poll(() => earlier.innerText()).toContain(siteText)
  await screenshot(operator, 'telegram-start-same-visitor')
  await earlier.getByRole('button').filter({ hasText: siteText }).click()
  await expect.poll(() => log.innerText()).toContain(siteText)
  expect(await log.innerText()).not.toContain(telegramTextSent)
  await context.close()
})
