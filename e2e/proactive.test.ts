import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  consoleLogin,
  launchBrowser,
  NAMES,
  openChat,
  type Relay,
  screenshot,
  startRelay,
  visitorWelcomed,
} from './harness.ts'

// Proactive chat: a supervisor sees a visitor in Monitoring and invites them; the visitor answers.

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

const INVITATION = 'Hello! Looking for a tea for the evening? I can suggest one.'
const ANSWER = 'Yes please, something without caffeine.'

test('a supervisor invites a visitor from Monitoring, and the conversation opens with the invitation first', async () => {
  const operator = await consoleLogin(browser, relay)

  // The visitor touches the widget (its storage gate opens, so it connects), then closes it.
  const visitor = await (await browser.newContext()).newPage()
  await visitor.goto(`${relay.url}/catalog.html`)
  const welcomed = visitorWelcomed(visitor)
  await openChat(visitor)
  await welcomed
  await visitor.getByRole('button', { name: NAMES.closeChat }).click()

  await operator
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Analytics' })
    .click()
  await operator.getByRole('link', { name: 'Monitoring' }).click()
  const invite = operator.getByRole('button', { name: /^Invite to chat: / })
  await expect
    .poll(async () => {
      await operator.getByRole('button', { name: 'Refresh' }).click()
      return invite.count()
    })
    .toBe(1)
  const visitors = operator.getByRole('table', { name: 'Visitors on the site now' })
  expect(await visitors.innerText()).toContain('/catalog.html')
  await screenshot(operator, 'proactive-monitoring')
  await invite.click()
  const form = operator.getByRole('form', { name: /^Invite to chat: / })
  await form.getByRole('textbox', { name: 'Message' }).fill(INVITATION)
  await screenshot(operator, 'proactive-invite-form')
  await form.getByRole('button', { name: 'Send' }).click()

  // The widget opens on the invitation, shown as the supervisor's first message.
  const log = visitor.getByRole('log')
  await expect.poll(() => log.innerText()).toContain(INVITATION)
  await screenshot(visitor, 'proactive-visitor-invited')
  await visitor.getByRole('textbox', { name: NAMES.message }).fill(ANSWER)
  await visitor.getByRole('button', { name: NAMES.send }).click()
  await expect.poll(() => log.innerText()).toContain(ANSWER)

  await operator
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Conversations' })
    .click()
  await operator.getByRole('button', { name: new RegExp(ANSWER) }).click()
  const thread = operator.getByRole('log')
  await expect.poll(() => thread.innerText()).toContain(ANSWER)
  const text = await thread.innerText()
  expect(text.indexOf(INVITATION)).toBeGreaterThanOrEqual(0)
  expect(text.indexOf(INVITATION)).toBeLessThan(text.indexOf(ANSWER))
  await screenshot(operator, 'proactive-console-conversation')

  // The funnel counted the page view, the button opened and the chat picked (anonymously).
  await operator
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Analytics' })
    .click()
  await operator.getByRole('link', { name: 'Funnel' }).click()
  const steps = operator.getByRole('list', { name: 'Funnel' })
  await expect
    .poll(async () =>
      (await steps.getByRole('listitem').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ')),
    )
    .toEqual([
      'Visits 1 (100%)',
      'Button opens 1 (100%)',
      'Channel picks 1 (100%)',
      'Conversations 1 (100%)',
      'Leads 0 (0%)',
    ])
  await operator.getByRole('table', { name: 'Funnel by Site' }).waitFor()
  await screenshot(operator, 'funnel-by-site')
  await visitor.context().close()
  await operator.context().close()
}, 90_000)
