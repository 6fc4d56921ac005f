import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminApi,
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

// The relay's own routing: one operator who takes one conversation at a time, so the next
// visitors wait in the queue and read their place from the relay's `queue` frames.

let relay: Relay
let browser: Browser
let operator: OperatorSocket

beforeAll(async () => {
  relay = await startRelay()
  const { groups } = await adminApi<{ groups: { id: string; isDefault: boolean }[] }>(
    relay,
    'GET',
    '/v1/admin/sites/demo/groups',
  )
  const general = groups.find((g) => g.isDefault)!
  await adminApi(relay, 'PATCH', `/v1/admin/groups/${general.id}`, { capacity: 1 })
  operator = await operatorSocket(relay)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  operator?.close()
  await relay?.close()
})

/** A visitor on the demo page who has written `text`; returns the page and its chat's id. */
async function visitor(text: string) {
  const context = await browser.newContext(LOOKS.light)
  const page = await context.newPage()
  let conversationId: string | undefined
  page.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { t: string; conversationId?: string }
      if (frame.t === 'ack' && frame.conversationId) conversationId ??= frame.conversationId
    })
  })
  await page.goto(`${relay.url}/product.html`)
  await openChat(page)
  await page.getByRole('textbox', { name: NAMES.message }).fill(text)
  await page.getByRole('button', { name: NAMES.send }).click()
  await expect.poll(() => conversationId).toBeDefined()
  return { page, conversationId: conversationId!, close: () => context.close() }
}

const notice = (page: Page) =>
  page.getByRole('dialog', { name: 'Chai & Co support' }).getByRole('status')

test('visitors wait in line for the one operator, read their place counting down, then the reply', async () => {
  const first = await visitor('Do you ship to Kazan?')
  // The operator has room for one: the first visitor is not queued.
  await expect.poll(() => notice(first.page).innerText()).toBe('')
  const second = await visitor('Is the oolong in stock?')
  await expect.poll(() => notice(second.page).innerText()).toBe('You are next in the queue.')
  const third = await visitor('Can I pay by card?')
  await expect.poll(() => notice(third.page).innerText()).toBe('You are number 2 in the queue.')
  await screenshot(third.page, 'routing-queue-number-2')

  await operator.closeConversation(first.conversationId)
  // The second visitor's chat is the operator's now; the third moves up.
  await expect.poll(() => notice(second.page).innerText()).toBe('')
  await expect.poll(() => notice(third.page).innerText()).toBe('You are next in the queue.')
  await operator.reply(second.conversationId, 'Yes, we have it!')
  await expect.poll(() => second.page.getByRole('log').innerText()).toContain('Yes, we have it!')
  await screenshot(second.page, 'routing-after-reply')
  for (const v of [first, second, third]) await v.close()
})
