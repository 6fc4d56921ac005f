import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminApi,
  axeViolations,
  consoleLogin,
  LOOKS,
  launchBrowser,
  NAMES,
  openChat,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// History search as an operator uses it: a word a visitor wrote long ago in a conversation,
// found from the History area, opened at that message.

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

/** Searches History for `words` and waits for the results. */
async function searchHistory(page: Page, words: string) {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'History' })
    .click()
  const form = page.getByRole('search', { name: 'Search the history' })
  await form.getByRole('searchbox', { name: 'Words to find' }).fill(words)
  await form.getByRole('button', { name: 'Search' }).click()
  return page.getByRole('list', { name: 'Results' })
}

test('finds a word a visitor sent and opens the conversation with that message in view', async () => {
  const admin = await consoleLogin(browser, relay)
  const visitor = await browser.newPage()
  await visitor.goto(`${relay.url}/product.html`)
  await openChat(visitor)
  const chat = visitor.getByRole('dialog', { name: 'Chai & Co support' })
  const say = async (text: string) => {
    await chat.getByRole('textbox', { name: NAMES.message }).fill(text)
    await chat.getByRole('button', { name: NAMES.send }).click()
    await chat.getByText(text).waitFor()
  }
  await say('Здравствуйте, у меня вопрос')
  await admin
    .getByRole('button', { name: /у меня вопрос/ })
    .first()
    .waitFor()
  const { conversations } = await adminApi<{ conversations: { id: string }[] }>(
    relay,
    'GET',
    '/v1/conversations',
  )
  const id = conversations[0]!.id
  // A long conversation: the message is in its middle, far from the latest ones.
  const replies = async (from: number) => {
    for (let i = from; i < from + 20; i++) {
      await adminApi(relay, 'POST', `/v1/conversations/${id}/messages`, {
        cid: `reply-${i}`,
        text: `Later reply number ${i} about tea and delivery times`,
      })
    }
  }
  await replies(1)
  await say('Нужен медный самовар на 5 литров, артикул 4711')
  await replies(21)

  const results = await searchHistory(admin, 'САМОВАР')
  const hit = results.getByRole('button', { name: /самовар на 5 литров/ })
  await hit.waitFor()
  expect(await results.getByRole('listitem').count()).toBe(1)
  expect(await hit.locator('mark').allInnerTexts()).toEqual(['самовар'])
  await expect
    .poll(() => admin.getByRole('status').filter({ hasText: 'whole history' }).count())
    .toBe(1)
  expect(await axeViolations(admin)).toEqual([])
  await screenshot(admin, 'history-results')

  await hit.click()
  const log = admin.getByRole('log', { name: 'Messages' })
  const found = log.locator('article[aria-current="true"]')
  await found.waitFor()
  expect(await found.innerText()).toContain('Нужен медный самовар на 5 литров')
  // In view: inside the visible part of the log (42 messages), scrolled away from both ends.
  await expect
    .poll(() =>
      found.evaluate((article) => {
        const scroller = article.closest('[role="log"]')!.parentNode as ShadowRoot
        const host = scroller.host as HTMLElement
        const box = article.getBoundingClientRect()
        const view = host.getBoundingClientRect()
        const atEnd = host.scrollTop + host.clientHeight >= host.scrollHeight - 1
        return host.scrollTop > 0 && !atEnd && box.top >= view.top && box.bottom <= view.bottom
      }),
    )
    .toBe(true)
  expect(await admin.evaluate(() => location.hash)).toBe('')
  await screenshot(admin, 'history-opened')
  await admin.context().close()
  await visitor.close()
})

test('the History area in dark mode and on a 375 px phone', async () => {
  for (const look of ['dark', 'narrow'] as const) {
    const page = await consoleLogin(browser, relay, LOOKS[look])
    const results = await searchHistory(page, 'later delivery')
    await results.getByRole('listitem').first().waitFor()
    await page.getByRole('button', { name: 'Load more' }).waitFor()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width, look).toBeLessThanOrEqual(look === 'narrow' ? 375 : 1280)
    expect(await axeViolations(page), look).toEqual([])
    await screenshot(page, `history-${look}`)
    await page.context().close()
  }
})
