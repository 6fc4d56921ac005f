import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  ADMIN,
  launchBrowser,
  NAMES,
  openChat,
  type Relay,
  screenshot,
  startRelay,
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

test('a visitor message reaches the operator console, the reply reaches the visitor, and history survives a reload', async () => {
  const operatorContext = await browser.newContext()
  const operator = await operatorContext.newPage()
  await operator.goto(`${relay.url}/console/`)
  await operator.getByRole('textbox', { name: 'Email' }).fill(ADMIN.email)
  await operator.getByLabel('Password').fill(ADMIN.password)
  await operator.getByRole('button', { name: 'Log in' }).click()
  await operator.getByRole('status').filter({ hasText: 'Connected' }).waitFor()

  const visitorContext = await browser.newContext()
  const visitor = await visitorContext.newPage()
  await visitor.goto(`${relay.url}/catalog.html`)
  await openChat(visitor)
  await visitor
    .getByRole('textbox', { name: NAMES.message })
    .fill('Do you have green tea in stock?')
  await visitor.getByRole('button', { name: NAMES.send }).click()
  const log = visitor.getByRole('log')
  await expect.poll(() => log.innerText()).toContain('Do you have green tea in stock?')
  await screenshot(visitor, 'chat-visitor-sent')

  await operator.getByRole('button', { name: /Do you have green tea in stock\?/ }).click()
  await expect
    .poll(() => operator.getByRole('log').innerText())
    .toContain('Do you have green tea in stock?')
  await operator
    .getByRole('textbox', { name: 'Reply' })
    .fill('Yes, Sencha and Gyokuro are both in stock.')
  await operator.getByRole('button', { name: 'Send', exact: true }).click()
  await screenshot(operator, 'chat-console-replied')

  await expect.poll(() => log.innerText()).toContain('Yes, Sencha and Gyokuro are both in stock.')
  await screenshot(visitor, 'chat-visitor-got-reply')

  await visitor.reload()
  const toggle = visitor.getByRole('button', {
    name: new RegExp(`${NAMES.contact.source}|${NAMES.closeChat.source}`),
  })
  await toggle.waitFor()
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await openChat(visitor)
  const history = visitor.getByRole('log')
  await expect.poll(() => history.innerText()).toContain('Do you have green tea in stock?')
  await expect
    .poll(() => history.innerText())
    .toContain('Yes, Sencha and Gyokuro are both in stock.')
  await screenshot(visitor, 'chat-visitor-after-reload')

  await visitorContext.close()
  await operatorContext.close()
})
