import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  consoleLogin,
  launchBrowser,
  type PageServer,
  type Relay,
  screenshot,
  servePages,
  startRelay,
} from './harness.ts'

// The whole of Parley as a new site owner and their first operator meet it, in one go and
// only through what they see: the owner sets the site up in Settings and pastes the
// snippet into their own page; a visitor there writes; the operator (whose browser speaks
// Russian) takes the chat from the queue, answers with a canned response and hands it on
// to another group; the owner finds the message in History and the visitor's consent in
// Consents; the settings are still there after a reload.

let relay: Relay
let shop: PageServer
let browser: Browser
/** The owner's site, served from its own origin; its page is written once the snippet is copied. */
const shopPages: Parameters<typeof servePages>[0] = {}

beforeAll(async () => {
  ;[relay, shop, browser] = await Promise.all([
    startRelay(),
    servePages(shopPages),
    launchBrowser(),
  ])
})

afterAll(async () => {
  await browser?.close()
  await shop?.close()
  await relay?.close()
})

const OPERATOR = { name: 'Иван Петров', email: 'ivan@example.com', password: 'ivan long password' }
const QUESTION = 'Do you have Da Hong Pao in 100 g tins?'
const CANNED = 'We answer every day, around the clock. Let me check the shelf for you.'
const WEEK = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
const NOTE = 'Wants ten tins, invoice to a company'

async function openSettings(page: Page, section: string): Promise<void> {
  const link = page
    .getByRole('navigation', { name: 'Settings' })
    .getByRole('link', { name: section })
  await link.click()
  // The section is on screen (the one before it is gone) once its link is the current page.
  await expect.poll(() => link.getAttribute('aria-current')).toBe('page')
}

/** The operator opens their one-time link, sets a password and logs in; their browser speaks Russian. */
async function operatorSignsUp(link: string): Promise<Page> {
  const ivan = await (await browser.newContext({ locale: 'ru-RU' })).newPage()
  await ivan.goto(link.replace(/^https?:\/\/[^/]+/, relay.url))
  await ivan.getByLabel('New password').fill(OPERATOR.password)
  await ivan.getByLabel('Repeat the password').fill(OPERATOR.password)
  await ivan.getByRole('button', { name: 'Set password' }).click()
  await ivan.getByText('Your password is set. Log in with it.').waitFor()
  await ivan.getByRole('textbox', { name: 'Email' }).fill(OPERATOR.email)
  await ivan.getByLabel('Password').fill(OPERATOR.password)
  await ivan.getByRole('button', { name: 'Log in' }).click()
  await ivan.getByRole('status').filter({ hasText: 'Connected' }).waitFor()
  return ivan
}

/** A visitor on the owner's page introduces themself, agrees to the agreement, and writes. */
async function visitorWrites() {
  const visitor = await (await browser.newContext()).newPage()
  await visitor.goto(`${shop.url}/`)
  await visitor.getByRole('button', { name: 'Contact us' }).click()
  await visitor.getByRole('button', { name: 'Online chat' }).click()
  const chat = visitor.getByRole('dialog', { name: 'Samovar & Sons' })
  await chat.getByRole('textbox', { name: 'Name' }).fill('Marina')
  await chat.getByRole('checkbox', { name: /^I agree/ }).check()
  await chat.getByRole('button', { name: 'Start chat' }).click()
  await chat.getByRole('textbox', { name: 'Message' }).fill(QUESTION)
  await chat.getByRole('button', { name: 'Send' }).click()
  await chat.getByText('You are next in the queue.').waitFor()
  await screenshot(visitor, 'journey-3-visitor')
  return { visitor, chat }
}

test('a site owner sets up the site, a visitor on their page chats, the operator answers and hands on, and the owner finds it', async () => {
  const admin = await consoleLogin(browser, relay)
  await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: relay.url,
  })
  await admin
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click()

  // Site: the user agreement's details, a pre-chat form that asks for it, working hours.
  const site = admin.getByRole('form', { name: 'Site settings' })
  await site.getByRole('textbox', { name: 'Chat title' }).fill('Samovar & Sons')
  await site.getByRole('textbox', { name: 'Company name' }).fill('Samovar & Sons LLC')
  await site.getByRole('textbox', { name: 'Legal address' }).fill('5 Lesnaya St, Tver, 170000')
  await site.getByRole('checkbox', { name: 'Ask before the chat starts' }).check()
  await site.getByRole('checkbox', { name: 'E-mail', exact: true }).uncheck()
  await site.getByRole('checkbox', { name: 'Phone', exact: true }).uncheck()
  await site.getByRole('checkbox', { name: 'Name', exact: true }).check()
  await site.getByRole('checkbox', { name: /only in working hours/ }).check()
  await site.getByRole('textbox', { name: 'Time zone' }).fill('Europe/Moscow')
  // Open every day, all day: the visitor below may write at any hour this test runs.
  for (const day of WEEK) {
    await site.getByRole('checkbox', { name: `Open on ${day}` }).check()
    await site.getByRole('textbox', { name: `${day} from` }).fill('00:00')
    await site.getByRole('textbox', { name: `${day} to` }).fill('24:00')
  }
  await site.getByRole('button', { name: 'Save site' }).click()
  await admin.getByRole('status').filter({ hasText: 'is saved' }).waitFor()
  await admin.getByRole('status').filter({ hasText: 'Open now (Europe/Moscow).' }).waitFor()

  // The snippet, copied with its button and pasted into the owner's own page.
  await admin.getByRole('button', { name: 'Copy snippet' }).click()
  await admin.getByRole('status').filter({ hasText: 'Copied.' }).waitFor()
  const snippet = await admin.evaluate(() => navigator.clipboard.readText())
  expect(snippet).toBe(
    `<script async src="${relay.url}/widget/loader.js" data-site="demo"></script>`,
  )
  expect(await admin.getByRole('textbox', { name: 'Embed snippet' }).inputValue()).toBe(snippet)
  shopPages['/'] = {
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Samovar & Sons</title></head>
<body><h1>Samovar &amp; Sons</h1><p>Teas from the whole world, weighed to order.</p>
${snippet}
</body></html>`,
  }
  await screenshot(admin, 'journey-1-site')

  // Employees: the first operator, who sets their password through the one-time link.
  await openSettings(admin, 'Employees')
  await admin.getByRole('textbox', { name: 'Name' }).fill(OPERATOR.name)
  await admin.getByRole('textbox', { name: 'Email' }).fill(OPERATOR.email)
  await admin.getByRole('combobox', { name: 'Role', exact: true }).selectOption('operator')
  await admin.getByRole('button', { name: 'Add employee' }).click()
  const link = await admin
    .getByRole('textbox', { name: `Set-password link for ${OPERATOR.name}` })
    .inputValue()
  // The operator, in a browser of their own that speaks Russian, sets a password and logs
  // in while the owner goes on.
  const operatorReady = operatorSignsUp(link)

  // Groups: everyone of General sees a new chat and the first to accept takes it; a second
  // group, Wholesale, with the owner in it, for what the operator hands on.
  await openSettings(admin, 'Groups')
  await admin.getByRole('button', { name: 'Change General' }).click()
  const general = admin.getByRole('form', { name: 'Change General' })
  await general.getByRole('combobox', { name: 'Routing' }).selectOption('broadcast')
  // A new person joins the default group by themself.
  expect(await general.getByRole('checkbox', { name: OPERATOR.name }).isChecked()).toBe(true)
  await general.getByRole('button', { name: 'Save group' }).click()
  await admin.getByRole('status').filter({ hasText: 'General is saved.' }).waitFor()
  await admin.getByRole('button', { name: 'Add a group' }).click()
  const wholesale = admin.getByRole('form', { name: 'Add a group' })
  await wholesale.getByRole('textbox', { name: 'Name' }).fill('Wholesale')
  await wholesale.getByRole('checkbox', { name: 'Admin' }).check()
  await wholesale.getByRole('button', { name: 'Add group' }).click()
  await admin.getByRole('status').filter({ hasText: 'Wholesale is added.' }).waitFor()
  const groups = admin.getByRole('table', { name: 'Groups' })
  await expect
    .poll(() => groups.getByRole('row', { name: /General/ }).innerText())
    .toMatch(new RegExp(`Broadcast[\\s\\S]*${OPERATOR.name}`))
  await screenshot(admin, 'journey-2-groups')

  // A canned response shared with General.
  await openSettings(admin, 'Canned responses')
  await admin.getByRole('button', { name: 'Add a response' }).click()
  const canned = admin.getByRole('form', { name: 'Add a response' })
  await canned.getByRole('textbox', { name: 'Shortcut' }).fill('hours')
  await canned.getByRole('combobox', { name: 'Shared with' }).selectOption({ label: 'General' })
  await canned.getByRole('textbox', { name: 'Text' }).fill(CANNED)
  await canned.getByRole('button', { name: 'Add response' }).click()
  await admin.getByRole('status').filter({ hasText: '/hours is saved.' }).waitFor()

  // A visitor comes to the owner's page and writes, while the operator may still be
  // logging in.
  const [ivan, { visitor, chat }] = await Promise.all([operatorReady, visitorWrites()])

  // The operator takes it from the queue.
  await ivan.getByRole('tab', { name: 'Waiting' }).click()
  await ivan
    .getByRole('button', { name: /Marina/ })
    .filter({ hasText: 'Da Hong Pao' })
    .click()
  await ivan.getByRole('button', { name: 'Accept' }).click()
  await ivan.getByText(`Assigned to ${OPERATOR.name}`).waitFor()

  // ... answers with the canned response, called up with /,
  const reply = ivan.getByRole('textbox', { name: 'Reply' })
  await reply.fill('/ho')
  const suggestions = ivan.getByRole('listbox', { name: 'Canned responses' })
  await expect
    .poll(() => suggestions.getByRole('option').allInnerTexts())
    .toEqual([expect.stringContaining('/hours')])
  await screenshot(ivan, 'journey-4-canned')
  await reply.press('Enter')
  expect(await reply.inputValue()).toBe(CANNED)
  await reply.press('Enter')
  await chat.getByRole('log').getByText(CANNED).waitFor()

  // ... and hands it on to Wholesale, with a note for whoever gets it there.
  await ivan.getByRole('button', { name: 'Transfer…' }).click()
  const transfer = ivan.getByRole('form', { name: 'Transfer the conversation' })
  await transfer.getByRole('combobox', { name: 'To' }).selectOption({ label: 'Wholesale' })
  await transfer.getByRole('textbox', { name: /Note for them/ }).fill(NOTE)
  await transfer.getByRole('button', { name: 'Transfer' }).click()
  await ivan.getByRole('status').filter({ hasText: 'Transferred to Wholesale.' }).waitFor()
  const ivanLog = ivan.getByRole('log', { name: 'Messages' })
  await ivanLog.getByText(`Передано: ${OPERATOR.name} → группа «Wholesale»`).waitFor()
  // Wholesale's routing gave it to the owner, and the operator's console says so, live (the
  // relay sends the one it was taken from the summary that follows, not only "waiting").
  await ivan.getByText('Assigned to Admin').waitFor()
  await screenshot(ivan, 'journey-5-transferred')

  // The owner has it, with the note, and finds the visitor's message in History.
  await admin
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Conversations' })
    .click()
  await admin.getByRole('button', { name: /Marina/ }).click()
  await admin.getByText('Assigned to Admin').waitFor()
  await expect
    .poll(() => admin.getByRole('note', { name: 'Transfer note' }).innerText())
    .toContain(NOTE)
  await admin
    .getByRole('log', { name: 'Messages' })
    .getByText(`Transferred from ${OPERATOR.name} to the Wholesale group`)
    .waitFor()
  await screenshot(admin, 'journey-6-owner')
  await admin
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'History' })
    .click()
  const search = admin.getByRole('search', { name: 'Search the history' })
  await search.getByRole('searchbox', { name: 'Words to find' }).fill('hong pao')
  await search.getByRole('button', { name: 'Search' }).click()
  const results = admin.getByRole('list', { name: 'Results' })
  const hit = results.getByRole('button', { name: /Da Hong Pao in 100 g tins/ })
  await hit.waitFor()
  expect(await results.getByRole('listitem').count()).toBe(1)
  await hit.click()
  await admin.locator('article[aria-current="true"]').getByText(QUESTION).waitFor()
  await screenshot(admin, 'journey-7-history')

  // The visitor's consent is on record, to the agreement made from the owner's details.
  await admin
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click()
  await openSettings(admin, 'Consents')
  const consents = admin.getByRole('table', { name: 'Consents' })
  await expect.poll(() => consents.getByRole('row').count()).toBe(2)
  await consents.getByRole('button', { name: /^Read agreement version / }).click()
  const agreement = admin.getByRole('region', { name: /^Agreement version / })
  await expect.poll(() => agreement.innerText()).toContain('Samovar & Sons LLC')
  expect(await agreement.innerText()).toContain('5 Lesnaya St, Tver, 170000')
  await screenshot(admin, 'journey-8-consents')

  // After a reload everything set up is still there.
  await admin.goto(`${relay.url}/console/#settings/site`)
  await admin.reload()
  const again = admin.getByRole('form', { name: 'Site settings' })
  await expect
    .poll(() => again.getByRole('textbox', { name: 'Company name' }).inputValue())
    .toBe('Samovar & Sons LLC')
  expect(
    await again.getByRole('checkbox', { name: 'Ask before the chat starts' }).isChecked(),
  ).toBe(true)
  expect(await again.getByRole('checkbox', { name: /only in working hours/ }).isChecked()).toBe(
    true,
  )
  expect(await again.getByRole('textbox', { name: 'Time zone' }).inputValue()).toBe('Europe/Moscow')
  expect(await again.getByRole('textbox', { name: 'Sunday to' }).inputValue()).toBe('24:00')
  await openSettings(admin, 'Groups')
  await expect
    .poll(() => groups.getByRole('row', { name: /General/ }).innerText())
    .toMatch(new RegExp(`Broadcast[\\s\\S]*${OPERATOR.name}`))
  expect(await groups.getByRole('row', { name: /Wholesale/ }).innerText()).toContain('Admin')
  await openSettings(admin, 'Canned responses')
  expect(
    await admin
      .getByRole('table', { name: 'Shared responses' })
      .getByRole('row', { name: /hours/ })
      .innerText(),
  ).toContain(CANNED)
  await screenshot(admin, 'journey-9-after-reload')
  await Promise.all([admin.context().close(), ivan.context().close(), visitor.context().close()])
})
