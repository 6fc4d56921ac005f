import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminApi,
  axeViolations,
  consoleLogin,
  launchBrowser,
  NAMES,
  openChat,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// The operator's day in the console: their status, a waiting chat accepted from a broadcast
// group, and a transfer with a note that the next operator reads and the visitor never sees.

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

test('an operator accepts a waiting chat, then transfers it with a note to a colleague', async () => {
  // Broadcast: every member sees a new chat waiting until one of them accepts it.
  const { groups } = await adminApi<{ groups: { id: string }[] }>(
    relay,
    'GET',
    '/v1/admin/sites/demo/groups',
  )
  for (const group of groups) {
    await adminApi(relay, 'PATCH', `/v1/admin/groups/${group.id}`, { strategy: 'broadcast' })
  }
  await adminApi(relay, 'POST', '/v1/admin/employees', {
    name: 'Ivan',
    email: 'ivan@example.com',
    role: 'operator',
    password: 'ivan long password',
  })

  const admin = await consoleLogin(browser, relay)
  const status = admin.getByRole('combobox', { name: 'Your status' })
  await expect.poll(() => status.inputValue()).toBe('online')
  await status.selectOption('pause')
  await admin.getByText('No new chats').waitFor()
  await status.selectOption('online')
  await expect.poll(() => admin.getByText('No new chats').count()).toBe(0)

  const visitor = await browser.newPage()
  await visitor.goto(`${relay.url}/product.html`)
  await openChat(visitor)
  const chat = visitor.getByRole('dialog', { name: 'Chai & Co support' })
  await chat.getByRole('textbox', { name: NAMES.message }).fill('Do you have Da Hong Pao?')
  await chat.getByRole('button', { name: NAMES.send }).click()

  await admin.getByRole('tab', { name: 'Waiting' }).click()
  const waiting = admin.getByRole('button', { name: /Waiting/ }).filter({ hasText: 'Da Hong Pao' })
  await waiting.click()
  await admin.getByText(/Waiting since \d/).waitFor()
  await admin.getByRole('button', { name: 'Accept' }).click()
  await admin.getByText('Assigned to Admin').waitFor()
  expect(await admin.getByRole('button', { name: 'Accept' }).count()).toBe(0)

  // Ivan comes online in his own console.
  const ivan = await browser.newPage()
  const scripts: string[] = []
  ivan.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname)
  })
  await ivan.goto(`${relay.url}/console/`)
  await ivan.getByRole('textbox', { name: 'Email' }).fill('ivan@example.com')
  await ivan.getByLabel('Password').fill('ivan long password')
  await ivan.getByRole('button', { name: 'Log in' }).click()
  await ivan.getByRole('status').filter({ hasText: 'Connected' }).waitFor()

  await admin.getByRole('button', { name: 'Transfer…' }).click()
  const form = admin.getByRole('form', { name: 'Transfer the conversation' })
  const to = form.getByRole('combobox', { name: 'To' })
  await expect
    .poll(() => to.locator('option').allInnerTexts())
    .toEqual(['General', 'Sales', 'Ivan — online, 0 open'])
  await to.selectOption({ label: 'Ivan — online, 0 open' })
  await form.getByRole('textbox', { name: /Note for them/ }).fill('Regular customer, wants 200 g')
  await screenshot(admin, 'workspace-transfer')
  expect(await axeViolations(admin)).toEqual([])
  await form.getByRole('button', { name: 'Transfer' }).click()
  await admin.getByRole('status').filter({ hasText: 'Transferred to Ivan.' }).waitFor()

  // The visitor is told who is with them now; the note is not on their page.
  await chat.getByText(/Ivan is now with you|С вами теперь Ivan/).waitFor()
  expect(await visitor.getByText('Regular customer').count()).toBe(0)

  // Ivan has it, with the note.
  await ivan.getByRole('button', { name: /Da Hong Pao/ }).click()
  await ivan.getByText('Assigned to Ivan').waitFor()
  await expect
    .poll(() => ivan.getByRole('note', { name: 'Transfer note' }).innerText())
    .toContain('Regular customer, wants 200 g')
  await screenshot(ivan, 'workspace-transferred')
  // An operator who never opens Settings never downloads its screens: the scripts are the shell
  // (the shell, and the visitor card's chunk once a card showed; never the settings chunk).
  expect(
    scripts.filter((path) => !/\/assets\/(index|visitor-card)-[\w-]{8}\.js$/.test(path)),
  ).toEqual([])
  expect(scripts.filter((path) => /\/assets\/index-/.test(path))).toHaveLength(1)
  await Promise.all([admin.context().close(), ivan.close(), visitor.close()])
})

test('on a phone the list and the conversation take the screen in turn, and "New" marks survive a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const ivan = await context.newPage()
  await ivan.goto(`${relay.url}/console/`)
  await ivan.getByRole('textbox', { name: 'Email' }).fill('ivan@example.com')
  await ivan.getByLabel('Password').fill('ivan long password')
  await ivan.getByRole('button', { name: 'Log in' }).click()
  await ivan.getByRole('status').filter({ hasText: 'Connected' }).waitFor()

  const item = ivan.getByRole('button', { name: /Da Hong Pao/ })
  await item.click()
  const reply = ivan.getByRole('textbox', { name: 'Reply' })
  await reply.waitFor()
  expect(await item.isVisible()).toBe(false)
  // Nothing is cut off: the composer and its button fit the screen.
  const send = await ivan.getByRole('button', { name: 'Send' }).boundingBox()
  expect(send!.x + send!.width).toBeLessThanOrEqual(375)
  await screenshot(ivan, 'workspace-375-conversation')
  await ivan.getByRole('button', { name: '← Conversations' }).click()
  await item.waitFor()
  await screenshot(ivan, 'workspace-375-list')

  await ivan.reload()
  await item.waitFor()
  expect(await item.innerText()).not.toContain('New')
  await context.close()
})

test('an operator saves a canned response and calls it up with / in a reply', async () => {
  const page = await browser.newPage()
  await page.goto(`${relay.url}/console/#settings/canned`)
  await page.getByRole('textbox', { name: 'Email' }).fill('ivan@example.com')
  await page.getByLabel('Password').fill('ivan long password')
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('button', { name: 'Add a response' }).click()
  const form = page.getByRole('form', { name: 'Add a response' })
  await form.getByRole('textbox', { name: 'Shortcut' }).fill('delivery')
  await form
    .getByRole('textbox', { name: 'Text' })
    .fill('We ship across Russia in 3–5 days; from 3,000 ₽ it is free.')
  await form.getByRole('button', { name: 'Add response' }).click()
  await page.getByRole('status').filter({ hasText: '/delivery is saved.' }).waitFor()
  await page
    .getByRole('table', { name: 'Your responses' })
    .getByRole('row', { name: /delivery/ })
    .waitFor()
  expect(await axeViolations(page)).toEqual([])
  await screenshot(page, 'settings-canned')

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Conversations' })
    .click()
  await page.getByRole('button', { name: /Da Hong Pao/ }).click()
  const reply = page.getByRole('textbox', { name: 'Reply' })
  await reply.fill('/de')
  const suggestions = page.getByRole('listbox', { name: 'Canned responses' })
  await expect
    .poll(() => suggestions.getByRole('option').allInnerTexts())
    .toEqual([expect.stringContaining('/delivery')])
  await screenshot(page, 'workspace-canned')
  await reply.press('Enter')
  expect(await reply.inputValue()).toBe(
    'We ship across Russia in 3–5 days; from 3,000 ₽ it is free.',
  )
  expect(await suggestions.count()).toBe(0)
  await reply.press('Enter')
  await page
    .getByRole('log', { name: 'Messages' })
    .getByText('We ship across Russia in 3–5 days; from 3,000 ₽ it is free.')
    .waitFor()
  await page.close()
})

test('the keyboard moves between conversations, writes, and lists its shortcuts under ?', async () => {
  const admin = await consoleLogin(browser, relay)
  // A second chat, so there is somewhere to move to.
  const visitor = await browser.newPage()
  await visitor.goto(`${relay.url}/product.html`)
  await openChat(visitor)
  const chat = visitor.getByRole('dialog', { name: 'Chai & Co support' })
  await chat.getByRole('textbox', { name: NAMES.message }).fill('Is Sencha in stock?')
  await chat.getByRole('button', { name: NAMES.send }).click()

  const list = admin.getByRole('list', { name: /Conversations/ })
  await list.getByRole('button', { name: /Sencha in stock/ }).waitFor()
  await admin.keyboard.press('Alt+ArrowDown')
  const header = admin.getByRole('main').getByRole('heading', { level: 2 })
  const first = await header.innerText()
  await admin.keyboard.press('Alt+ArrowDown')
  await expect.poll(() => header.innerText()).not.toBe(first)
  await admin.keyboard.press('Alt+ArrowUp')
  await expect.poll(() => header.innerText()).toBe(first)
  await admin.keyboard.press('Alt+KeyR')
  await expect
    .poll(() => admin.evaluate(() => document.activeElement?.tagName))
    .toBe('PARLEY-CONSOLE')
  expect(
    await admin.getByRole('textbox', { name: 'Reply' }).evaluate((e) => e.matches(':focus')),
  ).toBe(true)

  // ? in the reply box is a character; outside it, the list of shortcuts.
  await admin.keyboard.type('?')
  expect(await admin.getByRole('dialog', { name: 'Keyboard shortcuts' }).count()).toBe(0)
  await admin.getByRole('textbox', { name: 'Reply' }).fill('')
  await admin.getByRole('main').getByRole('heading', { level: 2 }).click()
  await admin.keyboard.press('?')
  const sheet = admin.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await sheet.waitFor()
  expect(await sheet.getByRole('term').allInnerTexts()).toContain('Alt + A')
  expect(await axeViolations(admin)).toEqual([])
  await screenshot(admin, 'workspace-shortcuts')
  await admin.keyboard.press('Escape')
  await expect.poll(() => sheet.count()).toBe(0)
  await Promise.all([admin.context().close(), visitor.close()])
})

test('a new conversation while the console is in another tab shows a desktop notification', async () => {
  // Without the service worker the page shows it (pwa.test.ts: the worker's, when it runs).
  const context = await browser.newContext({ serviceWorkers: 'block' })
  await context.grantPermissions(['notifications'], { origin: relay.url })
  await context.addInitScript(() => {
    // Headless Chromium keeps every tab visible: the test says when the operator looks away.
    const away = () => (window as unknown as { away?: boolean }).away === true
    Object.defineProperty(Document.prototype, 'hidden', { get: away })
    Object.defineProperty(Document.prototype, 'visibilityState', {
      get: () => (away() ? 'hidden' : 'visible'),
    })
    const Real = window.Notification
    const shown: { title: string; body?: string }[] = []
    ;(window as unknown as { shown: typeof shown }).shown = shown
    window.Notification = new Proxy(Real, {
      construct(target, [title, options]: [string, NotificationOptions?]) {
        shown.push({ title, body: options?.body })
        return new target(title, options)
      },
    })
  })
  const admin = await context.newPage()
  await admin.goto(`${relay.url}/console/`)
  await admin.getByRole('textbox', { name: 'Email' }).fill('admin@example.com')
  await admin.getByLabel('Password').fill('e2e-password-123')
  await admin.getByRole('button', { name: 'Log in' }).click()
  await admin.getByRole('status').filter({ hasText: 'Connected' }).waitFor()
  // The operator looks at another tab.
  await admin.evaluate(() => {
    ;(window as unknown as { away: boolean }).away = true
  })
  expect(await admin.evaluate(() => document.visibilityState)).toBe('hidden')

  const visitor = await browser.newPage()
  await visitor.goto(`${relay.url}/product.html`)
  await openChat(visitor)
  const chat = visitor.getByRole('dialog', { name: 'Chai & Co support' })
  await chat.getByRole('textbox', { name: NAMES.message }).fill('Do you sell gift boxes?')
  await chat.getByRole('button', { name: NAMES.send }).click()
  await expect
    .poll(() => admin.evaluate(() => (window as unknown as { shown: unknown[] }).shown))
    .toEqual([
      {
        title: expect.stringMatching(/^New conversation: Visitor /),
        body: 'Do you sell gift boxes?',
      },
    ])
  await Promise.all([context.close(), visitor.close()])
})
