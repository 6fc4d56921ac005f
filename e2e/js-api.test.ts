import { createHmac } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminApi,
  launchBrowser,
  NAMES,
  nextFrame,
  type OperatorSocket,
  operatorSocket,
  type Relay,
  screenshot,
  startRelay,
  storedConversations,
  visitorWelcomed,
  widgetSettles,
} from './harness.ts'

let relay: Relay
let browser: Browser
let operator: OperatorSocket

beforeAll(async () => {
  relay = await startRelay()
  operator = await operatorSocket(relay)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  operator?.close()
  await relay?.close()
})

type Recorded = { event: string; detail: Record<string, unknown> }
type ParleyWindow = {
  Parley: ((...args: unknown[]) => void) & { q?: unknown[][] }
  __events: Recorded[]
  __handlers: Record<string, (detail: unknown) => void>
}

const EVENTS = ['ready', 'open', 'close', 'message', 'lead', 'unread']

/**
 * Opens the demo page with a recorder subscribed to every widget event before the
 * loader runs (the documented stub: `Parley.q`), so `ready` is seen too. `watch` is
 * called with the page before it loads, to listen from the start.
 */
async function demoPage(
  path = '/product.html',
  watch: (page: Page) => void = () => {},
): Promise<Page> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.addInitScript((events) => {
    const w = window as unknown as ParleyWindow
    const queue: unknown[][] = []
    w.Parley = Object.assign((...args: unknown[]) => void queue.push(args), { q: queue })
    w.__events = []
    w.__handlers = {}
    for (const event of events) {
      w.__handlers[event] = (detail) =>
        w.__events.push({ event, detail: JSON.parse(JSON.stringify(detail ?? {})) })
      w.Parley('on', event, w.__handlers[event])
    }
  }, EVENTS)
  watch(page)
  await page.goto(`${relay.url}${path}`)
  // The loader waits for an idle moment (up to 3 s) before it loads the widget.
  await expect
    .poll(() => eventsOf(page, 'ready').then((e) => e.length), { timeout: 10_000 })
    .toBe(1)
  return page
}

/** `window.Parley(...args)` on the page, as a site's script calls it. */
const parley = (page: Page, ...args: unknown[]) =>
  page.evaluate((args) => (window as unknown as ParleyWindow).Parley(...args), args)

const eventsOf = (page: Page, event: string) =>
  page.evaluate(
    (event) => (window as unknown as ParleyWindow).__events.filter((e) => e.event === event),
    event,
  )

const stored = (page: Page) =>
  page.evaluate(() => ({
    parley: Object.keys(localStorage).filter((k) => k.startsWith('parley:')),
    session: sessionStorage.length,
    cookie: document.cookie,
  }))

/** Console errors the widget reported, with the `code` of the error passed along. */
function consoleErrors(page: Page): { text: string; code?: string }[] {
  const errors: { text: string; code?: string }[] = []
  page.on('console', async (message) => {
    if (message.type() !== 'error') return
    const entry: { text: string; code?: string } = { text: message.text() }
    errors.push(entry)
    const error = message.args()[1]
    if (error) entry.code = await error.evaluate((e) => (e as { code?: string }).code)
  })
  return errors
}

test('open, open(view), close and toggle show the right panel and emit open/close; off stops a listener', async () => {
  const page = await demoPage()
  const errors = consoleErrors(page)
  const [ready] = await eventsOf(page, 'ready')
  expect((ready!.detail.config as { siteId: string }).siteId).toBe('demo')

  const panel = (name: string) => page.getByRole('dialog', { name })
  const steps: [unknown[], string | undefined][] = [
    [['open'], 'Chai & Co support'],
    [['close'], undefined],
    [['open', 'callback'], 'Request a call back'],
    [['close'], undefined],
    [['open', 'offline'], 'Leave a message'],
    [['close'], undefined],
    [['open', 'chat'], 'Chai & Co support'],
    [['toggle'], undefined],
    [['toggle'], 'Chai & Co support'],
    [['close'], undefined],
  ]
  for (const [call, open] of steps) {
    await parley(page, ...call)
    if (open) await panel(open).waitFor()
    else await page.getByRole('dialog').waitFor({ state: 'hidden' })
  }
  const views = (await eventsOf(page, 'open')).map((e) => e.detail.view)
  expect(views).toEqual(['chat', 'callback', 'offline', 'chat', 'chat'])
  expect(await eventsOf(page, 'close')).toHaveLength(5)

  // A bad view is reported on the console and opens nothing: once the report is in (the
  // call was handled) and a frame drawn, no panel shows and no `open` was emitted.
  await parley(page, 'open', 'phone')
  await expect
    .poll(() => errors.map((e) => e.text).join('\n'))
    .toMatch(/Parley\('open', 'chat'\|'callback'/)
  await nextFrame(page)
  expect(await page.getByRole('dialog').isVisible()).toBe(false)
  expect(await eventsOf(page, 'open')).toHaveLength(5)

  // off: the recorder no longer hears `open`.
  await page.evaluate(() => {
    const w = window as unknown as ParleyWindow
    w.Parley('off', 'open', w.__handlers.open)
  })
  await parley(page, 'open')
  await panel('Chai & Co support').waitFor()
  expect(await eventsOf(page, 'open')).toHaveLength(5)

  expect(errors.filter((e) => !/Parley\('open'/.test(e.text))).toEqual([])
  await page.context().close()
})

test('Parley("open") on page load opens the chat, but stores nothing and opens no socket until the visitor touches it', async () => {
  // Every Playwright read (evaluate, locators) hands the page a user activation, which the
  // widget rightly takes for the visitor's gesture; so nothing is read until the checks.
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.addInitScript(() => {
    const queue: unknown[][] = [['open']]
    const w = window as unknown as ParleyWindow
    w.Parley = Object.assign((...args: unknown[]) => void queue.push(args), { q: queue })
  })
  const sockets: string[] = []
  page.on('websocket', (ws) => sockets.push(ws.url()))
  // The widget asks for presence only after the queued open has run, and settled() first reads
  // the page once presence is answered: no read can pass for a gesture at the open.
  const settled = widgetSettles(page)
  await page.goto(`${relay.url}/product.html`)
  await settled()
  expect(sockets).toEqual([])
  const { origins } = await context.storageState()
  expect(origins.flatMap((o) => o.localStorage.map((item) => item.name))).toEqual([])
  expect(await page.getByRole('dialog', { name: 'Chai & Co support' }).isVisible()).toBe(true)
  await screenshot(page, 'js-api-open-on-load')
  await context.close()
})

test('allowStorage connects and stores only when called; message, unread and lead events fire; shutdown forgets the visitor', async () => {
  const sockets: { url(): string; isClosed(): boolean }[] = []
  let settled!: () => Promise<void>
  const page = await demoPage(undefined, (page) => {
    page.on('websocket', (ws) => sockets.push(ws))
    settled = widgetSettles(page)
  })
  // At rest (config and presence answered, nothing in flight): nothing stored, no socket.
  await settled()
  expect(await stored(page)).toEqual({ parley: [], session: 0, cookie: '' })
  expect(sockets).toHaveLength(0)

  const welcomed = visitorWelcomed(page)
  await parley(page, 'allowStorage')
  await welcomed
  await expect.poll(async () => (await stored(page)).parley).toContain('parley:demo:token')
  const firstToken = await page.evaluate(() => localStorage.getItem('parley:demo:token'))

  // message: the visitor's own message, then the operator's reply.
  await parley(page, 'open')
  await page.getByRole('textbox', { name: NAMES.message }).fill('Is the Assam strong?')
  await page.getByRole('button', { name: NAMES.send }).click()
  await expect.poll(() => operator.conversations.length).toBe(1)
  const first = operator.conversations[0]!
  await expect
    .poll(async () => (await eventsOf(page, 'message')).map((e) => messageText(e)))
    .toContain('Is the Assam strong?')

  // unread: a reply while the panel is closed counts, and the launcher says so.
  await parley(page, 'close')
  await operator.reply(first, 'Quite malty and strong, yes.')
  await expect
    .poll(async () => (await eventsOf(page, 'unread')).map((e) => e.detail.count))
    .toContain(1)
  expect((await eventsOf(page, 'message')).map((e) => messageText(e))).toContain(
    'Quite malty and strong, yes.',
  )
  const launcher = page.getByRole('button', { name: NAMES.contact })
  expect(await launcher.evaluate(describedBy)).toBe('1 unread')
  await parley(page, 'open')
  await expect
    .poll(async () => (await eventsOf(page, 'unread')).map((e) => e.detail.count).at(-1))
    .toBe(0)
  await parley(page, 'close')

  // lead: a callback request left through the form.
  await parley(page, 'open', 'callback')
  const dialog = page.getByRole('dialog', { name: 'Request a call back' })
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Hanna')
  await dialog.getByRole('textbox', { name: 'Phone' }).fill('+7 916 000-11-22')
  await dialog.getByRole('checkbox', { name: /^I agree/ }).check()
  await dialog.getByRole('button', { name: 'Request a call' }).click()
  await expect.poll(async () => (await eventsOf(page, 'lead')).length).toBe(1)
  const [lead] = await eventsOf(page, 'lead')
  const callback = (await storedConversations(relay)).find((c) => c.visitorName === 'Hanna')
  expect(lead!.detail).toEqual({ kind: 'callback', conversationId: callback?.id })

  // shutdown: storage cleared, socket closed; the next interaction is a new visitor.
  await parley(page, 'shutdown')
  await expect.poll(async () => (await stored(page)).parley).toEqual([])
  await expect.poll(() => sockets.every((ws) => ws.isClosed())).toBe(true)
  await page.getByRole('button', { name: NAMES.contact }).click()
  await page.getByRole('button', { name: NAMES.onlineChat }).click()
  await page.getByRole('textbox', { name: NAMES.message }).fill('Hello again')
  await page.getByRole('button', { name: NAMES.send }).click()
  await expect.poll(() => operator.conversations.length, { timeout: 10_000 }).toBe(3)
  const secondToken = await page.evaluate(() => localStorage.getItem('parley:demo:token'))
  expect(secondToken).toBeTruthy()
  expect(secondToken).not.toBe(firstToken)
  const all = await storedConversations(relay)
  const visitorOf = (id: string) => all.find((c) => c.id === id) as { visitorId?: string }
  expect(visitorOf(operator.conversations[2]!).visitorId).not.toBe(visitorOf(first).visitorId)
  // The old conversation is not shown to the new visitor.
  expect(await page.getByRole('log').innerText()).not.toContain('Is the Assam strong?')
  await page.context().close()
})

test('with verification required, identify without a valid hash is refused and with the HMAC is accepted; setAttributes is acked', async () => {
  const secret = 'e2e-identity-secret-0123456789'
  await adminApi(relay, 'PUT', '/v1/admin/sites/demo', {
    identityVerification: 'required',
    identitySecret: secret,
  })
  try {
    const page = await demoPage()
    const errors = consoleErrors(page)
    const frames: { dir: 'out' | 'in'; t: string; cid?: string; code?: string }[] = []
    page.on('websocket', (ws) => {
      ws.on('framesent', ({ payload }) =>
        frames.push({ dir: 'out', ...JSON.parse(String(payload)) }),
      )
      ws.on('framereceived', ({ payload }) =>
        frames.push({ dir: 'in', ...JSON.parse(String(payload)) }),
      )
    })
    const answer = (t: string) => {
      const sent = frames.filter((f) => f.dir === 'out' && f.t === t).at(-1)
      return frames.find((f) => f.dir === 'in' && f.cid !== undefined && f.cid === sent?.cid)
    }
    const welcomed = visitorWelcomed(page)
    await parley(page, 'allowStorage')
    await welcomed
    const user = { userId: 'user-42', name: 'Ivan Petrov', email: 'ivan@example.com' }

    await parley(page, 'identify', user)
    await expect
      .poll(() => errors.find((e) => e.text.includes('identify failed'))?.code)
      .toBe('identity_unverified')
    await parley(page, 'identify', { ...user, hash: 'ab'.repeat(32) })
    await expect.poll(() => errors.filter((e) => e.code === 'identity_unverified').length).toBe(2)

    const hash = createHmac('sha256', secret).update(user.userId).digest('hex')
    await parley(page, 'identify', { ...user, hash })
    await expect.poll(() => answer('identify')?.t).toBe('ack')

    await parley(page, 'setAttributes', { plan: 'pro', seats: 5, trial: false })
    await expect.poll(() => answer('attributes')?.t).toBe('ack')
    expect(errors.filter((e) => e.text.includes('setAttributes'))).toEqual([])

    // The identified visitor's chat reaches the operator under their name.
    await parley(page, 'open')
    await page.getByRole('textbox', { name: NAMES.message }).fill('Where is my order?')
    await page.getByRole('button', { name: NAMES.send }).click()
    await expect
      .poll(async () =>
        (await storedConversations(relay))
          .filter((c) => c.lastText === 'Where is my order?')
          .map((c) => [c.visitorName, c.visitorEmail]),
      )
      .toEqual([['Ivan Petrov', 'ivan@example.com']])
    await page.context().close()
  } finally {
    await adminApi(relay, 'PUT', '/v1/admin/sites/demo', { identityVerification: 'off' })
  }
})

function messageText(recorded: Recorded): string {
  return (recorded.detail.message as { text: string }).text
}

/** The text of the elements `aria-describedby` names (inside the widget's shadow root). */
function describedBy(el: Element): string {
  const root = el.getRootNode() as ShadowRoot
  const text = (node: Element | null) => {
    const copy = node?.cloneNode(true) as Element | undefined
    for (const hidden of copy?.querySelectorAll('[aria-hidden="true"]') ?? []) hidden.remove()
    return copy?.textContent?.trim() ?? ''
  }
  return (el.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .map((id) => text(root.getElementById(id)))
    .join(' ')
    .trim()
}
