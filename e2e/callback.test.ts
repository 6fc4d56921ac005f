import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  axeViolations,
  consoleLogin,
  LOOKS,
  launchBrowser,
  NAMES,
  nextFrame,
  openChannel,
  operatorOnline,
  type Relay,
  routeVisitorSocket,
  screenshot,
  servePages,
  startRelay,
  storedConversations,
} from './harness.ts'

let relay: Relay
let browser: Browser
let operator: { close(): void }

beforeAll(async () => {
  relay = await startRelay()
  operator = await operatorOnline(relay)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  operator?.close()
  await relay?.close()
})

const CONSENT = 'I agree to the processing of my personal data under the user agreement'
const PHONE_INVALID = 'Enter a phone number, e.g. +7 916 123-45-67'

async function openCallback(page: Page): Promise<Locator> {
  await page.goto(`${relay.url}/contacts.html`)
  await openChannel(page, NAMES.callback)
  const dialog = page.getByRole('dialog', { name: 'Request a call back' })
  await dialog.getByRole('textbox', { name: 'Name' }).waitFor()
  return dialog
}

/** The text of the element a control's `aria-describedby` points at, inside its own root. */
const description = (control: Locator) =>
  control.evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean)
    const root = el.getRootNode() as Document | ShadowRoot
    return ids.map((id) => root.getElementById(id)?.textContent?.trim() ?? '').join(' ')
  })

const callbacks = async () =>
  (await storedConversations(relay)).filter((c) => c.kind === 'callback')

test('without consent the callback cannot be sent, and the relay stores nothing', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const socket = await routeVisitorSocket(page)
  const dialog = await openCallback(page)
  // Opening the form connected the visitor: a request would go out at once, not wait in the outbox.
  await socket.welcomed
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Anna')
  // A phone valid on this (English) page: only the missing consent holds the request back.
  await dialog.getByRole('textbox', { name: 'Phone' }).fill('+7 916 123-45-67')
  const consent = dialog.getByRole('checkbox', { name: CONSENT })
  expect(await consent.isChecked()).toBe(false)
  const submit = dialog.getByRole('button', { name: 'Request a call' })
  expect(await submit.isDisabled()).toBe(true)
  // Enter in a field does not get around the disabled button either: once the page has
  // handled the key (a frame later) and the relay every frame the page sent (a ping
  // round trip), no request went out or waits, none is shown and none is stored.
  await dialog.getByRole('textbox', { name: 'Phone' }).press('Enter')
  await nextFrame(page)
  await socket.handled()
  expect(socket.sent.map((frame) => frame.t)).not.toContain('callback')
  // The outbox was never written: nothing waits to be sent.
  expect(await page.evaluate(() => localStorage.getItem('parley:demo:outbox'))).toBeNull()
  expect(await dialog.getByRole('status').count()).toBe(0)
  expect(await callbacks()).toEqual([])

  await consent.check()
  expect(await submit.isEnabled()).toBe(true)
  await consent.uncheck()
  expect(await submit.isDisabled()).toBe(true)
  await context.close()
})

test('a bad phone is flagged next to the field, with the message the relay gives for it', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  // The relay's own check: the same input over the HTTP form endpoint is refused with phone_invalid.
  const config = (await (await fetch(`${relay.url}/v1/sites/demo/config`)).json()) as {
    agreement: { version: string }
  }
  const refused = await fetch(`${relay.url}/v1/sites/demo/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      cid: 'e2e-bad-phone',
      name: 'Anna',
      phone: '12-34',
      when: 'asap',
      consent: { version: config.agreement.version },
    }),
  })
  expect(refused.status).toBe(400)
  expect(await refused.json()).toMatchObject({
    code: 'field_invalid',
    fields: [{ field: 'phone', code: 'phone_invalid' }],
  })

  // The browser's check shows that code's message next to the phone field.
  const dialog = await openCallback(page)
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Anna')
  const phone = dialog.getByRole('textbox', { name: 'Phone' })
  await phone.fill('12-34')
  await dialog.getByRole('checkbox', { name: CONSENT }).check()
  await dialog.getByRole('button', { name: 'Request a call' }).click()
  await expect.poll(() => phone.getAttribute('aria-invalid')).toBe('true')
  expect(await description(phone)).toBe(PHONE_INVALID)
  expect(await phone.evaluate((el) => el.matches(':focus'))).toBe(true)
  const error = dialog.getByText(PHONE_INVALID)
  const [field, message] = [(await phone.boundingBox())!, (await error.boundingBox())!]
  expect(message.y).toBeGreaterThanOrEqual(field.y + field.height - 1)
  expect(message.y - (field.y + field.height)).toBeLessThan(24)
  // The name was fine and is not flagged.
  expect(await dialog.getByRole('textbox', { name: 'Name' }).getAttribute('aria-invalid')).toBe(
    null,
  )
  expect(await callbacks()).toEqual([])

  // When the relay is the one refusing (the frame's phone replaced on the wire), the
  // visitor sees the same message on the same field.
  await page.routeWebSocket(/\/v1\/visitor/, (ws) => {
    const server = ws.connectToServer()
    ws.onMessage((raw) => {
      const frame = JSON.parse(String(raw)) as { t: string; phone?: string }
      if (frame.t === 'callback') frame.phone = '12-34'
      server.send(JSON.stringify(frame))
    })
  })
  await page.reload()
  const again = await openCallback(page)
  await again.getByRole('textbox', { name: 'Name' }).fill('Anna')
  const phone2 = again.getByRole('textbox', { name: 'Phone' })
  await phone2.fill('+7 916 123-45-67')
  await again.getByRole('checkbox', { name: CONSENT }).check()
  await again.getByRole('button', { name: 'Request a call' }).click()
  await expect.poll(() => phone2.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true')
  expect(await description(phone2)).toBe(PHONE_INVALID)
  expect(await callbacks()).toEqual([])
  await context.close()
})

test('in every look the callback form is clean for axe, flags empty fields, and confirms a valid request', async () => {
  const names = { light: 'Anna', dark: 'Boris', narrow: 'Vera' } as const
  for (const [look, options] of Object.entries(LOOKS)) {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    const dialog = await openCallback(page)
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `callback-form-${look}`)

    // Empty fields: each required one says so, next to it.
    await dialog.getByRole('checkbox', { name: CONSENT }).check()
    await dialog.getByRole('button', { name: 'Request a call' }).click()
    const name = dialog.getByRole('textbox', { name: 'Name' })
    const phone = dialog.getByRole('textbox', { name: 'Phone' })
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true')
    expect(await description(name)).toBe('Please fill in this field')
    expect(await description(phone)).toBe('Please fill in this field')
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `callback-errors-${look}`)

    await name.fill(names[look as keyof typeof names])
    await phone.fill('+7 916 123-45-67')
    expect(await dialog.getByRole('combobox', { name: 'When to call' }).inputValue()).toBe('asap')
    await dialog.getByRole('button', { name: 'Request a call' }).click()
    const done = dialog.getByRole('status')
    await expect
      .poll(() => done.textContent(), { timeout: 10_000 })
      .toBe('Thank you! We will call you back soon.')
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, `callback-confirmation-${look}`)

    await dialog.getByRole('button', { name: 'Close', exact: true }).click()
    await dialog.waitFor({ state: 'hidden' })
    const launcher = page.getByRole('button', { name: NAMES.contact })
    expect(await launcher.evaluate((el) => el.matches(':focus'))).toBe(true)
    await context.close()
  }
  const stored = await callbacks()
  expect(stored.map((c) => [c.visitorName, c.visitorPhone]).sort()).toEqual([
    ['Anna', '+79161234567'],
    ['Boris', '+79161234567'],
    ['Vera', '+79161234567'],
  ])
})

test('on a Russian page "8 (916) 123-45-67" is accepted as +79161234567, and the operator finds it under Callbacks', async () => {
  const pages = await servePages({
    '/': {
      html: `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Чай и Ко</title></head>
<body><h1>Чай и Ко</h1><script async src="${relay.url}/widget/loader.js" data-site="demo" data-locale="ru"></script></body></html>`,
    },
  })
  const context = await browser.newContext({ locale: 'ru-RU' })
  const page = await context.newPage()
  await page.goto(pages.url)
  await openChannel(page, NAMES.callback)
  const dialog = page.getByRole('dialog', { name: 'Заказать обратный звонок' })
  await dialog.getByRole('textbox', { name: 'Имя' }).fill('Ольга')
  await dialog.getByRole('textbox', { name: 'Телефон' }).fill('8 (916) 123-45-67')
  await dialog.getByRole('checkbox', { name: /^Я даю согласие/ }).check()
  await dialog.getByRole('button', { name: 'Заказать звонок' }).click()
  await expect
    .poll(() => dialog.getByRole('status').textContent(), { timeout: 10_000 })
    .toBe('Спасибо! Мы скоро вам перезвоним.')
  await screenshot(page, 'callback-confirmation-ru')
  await context.close()
  await pages.close()

  const stored = (await callbacks()).filter((c) => c.visitorName === 'Ольга')
  expect(stored.map((c) => c.visitorPhone)).toEqual(['+79161234567'])

  const operatorPage = await consoleLogin(browser, relay)
  await operatorPage.getByRole('tab', { name: 'Callbacks', exact: true }).click()
  const row = operatorPage.getByRole('button', { name: /Ольга/ })
  await row.waitFor()
  expect(await row.innerText()).toContain('Callback')
  // Stored in E.164, shown as people read it.
  expect(await row.innerText()).toContain('+7 916 123-45-67')
  await row.click()
  // The form arrives as a card: "Callback request" with its fields.
  const card = operatorPage.getByRole('log').getByRole('group', { name: 'Callback request' })
  await expect
    .poll(() => card.getByRole('definition').allInnerTexts())
    .toEqual(['Ольга', '+7 916 123-45-67', 'As soon as possible'])
  expect(await card.getByRole('term').allInnerTexts()).toEqual(['Name', 'Phone', 'When to call'])
  await screenshot(operatorPage, 'callback-console')
  // The Chats tab does not list callbacks.
  await operatorPage.getByRole('tab', { name: 'Chats', exact: true }).click()
  await expect.poll(() => operatorPage.getByRole('button', { name: /Ольга/ }).count()).toBe(0)
  await operatorPage.context().close()
})
