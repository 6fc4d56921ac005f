/**
 * Shared pieces of the browser tests: a relay on port 0 with a fresh SQLite
 * database and the demo site, and Debian's Chromium driven by playwright-core.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildServer } from '@parley/relay'
import {
  type Browser,
  type BrowserContextOptions,
  chromium,
  type Page,
  type WebSocketRoute,
} from 'playwright-core'

export const ADMIN = { email: 'admin@example.com', password: 'e2e-password-123' }

export interface Relay {
  url: string
  databasePath: string
  close(): Promise<void>
}

/** `extra`: more relay settings (e.g. `webhooks.allowPrivateNetworks` for a local CRM). */
export async function startRelay(
  databasePath?: string,
  extra: Partial<Parameters<typeof buildServer>[0]> = {},
): Promise<Relay> {
  const dir = databasePath ? undefined : mkdtempSync(join(tmpdir(), 'parley-e2e-'))
  const path = databasePath ?? join(dir!, 'e2e.db')
  const app = await buildServer({
    databasePath: path,
    demo: true,
    admin: ADMIN,
    logger: false,
    ...extra,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (typeof address !== 'object' || !address) throw new Error('relay has no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    databasePath: path,
    async close() {
      await app.close()
      if (dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

const shots = new URL('../test-results/screenshots/', import.meta.url).pathname

/** Saves a screenshot under test-results/ (ignored by git) for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true })
  await page.screenshot({ path: join(shots, `${name}.png`) })
}

export interface PageServer {
  url: string
  close(): Promise<void>
}

/**
 * A second origin for embedding tests: serves fixed HTML pages with the headers
 * given (a strict CSP, say), the way a customer's site would.
 */
export async function servePages(
  pages: Record<string, { html: string; headers?: Record<string, string> }>,
): Promise<PageServer> {
  const { createServer } = await import('node:http')
  const server = createServer((req, res) => {
    const page = pages[req.url?.split('?')[0] ?? '/']
    if (!page) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...page.headers })
    res.end(page.html)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (typeof address !== 'object' || !address) throw new Error('page server has no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page, shadow roots included. */
export async function axeViolations(page: Page): Promise<string[]> {
  const { readFileSync } = await import('node:fs')
  const { createRequire } = await import('node:module')
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  await page.evaluate(source)
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected at run time
    const axe = (window as any).axe
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })
    return result.violations.map(
      (v: { id: string; help: string; nodes: { html: string; failureSummary?: string }[] }) =>
        `${v.id}: ${v.help}: ${v.nodes.map((n) => `${n.html} — ${n.failureSummary ?? ''}`).join('; ')}`,
    )
  })
  return violations
}

/**
 * Logs the admin in and keeps an operator socket open, so the site has an
 * operator online and the widget offers the chat (not the offline form).
 */
export async function operatorOnline(relay: Relay): Promise<{ close(): void }> {
  const { default: WebSocket } = await import('ws')
  const login = await fetch(`${relay.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  })
  if (!login.ok) throw new Error(`operator login failed: ${login.status}`)
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!
  const socket = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/operator`, {
    headers: { cookie },
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.once('open', () => socket.send(JSON.stringify({ t: 'hello', v: 1 })))
    socket.on('message', (raw) => {
      if (JSON.parse(String(raw)).t === 'welcome') resolve()
    })
  })
  return { close: () => socket.close() }
}

/** Names the visitor sees, in either of the widget's languages. */
export const NAMES = {
  contact: /^(Contact us|Связаться с нами)$/,
  onlineChat: /^(Online chat|Онлайн-чат)$/,
  callback: /^(Request a call back|Заказать обратный звонок)$/,
  closeChat: /^(Close chat|Закрыть чат)$/,
  message: /^(Message|Сообщение)$/,
  send: /^(Send|Отправить)$/,
  channels: /^(Ways to contact us|Способы связи)$/,
}

/** Opens the chat the way a visitor does: the omni-button, then "Online chat". */
export async function openChat(page: Page): Promise<void> {
  await page.getByRole('button', { name: NAMES.contact }).click()
  await page.getByRole('button', { name: NAMES.onlineChat }).click()
}

/** The three looks every surface is photographed in: light, dark and a narrow phone screen. */
export const LOOKS = {
  light: { colorScheme: 'light' },
  dark: { colorScheme: 'dark' },
  narrow: {
    colorScheme: 'light',
    viewport: { width: 375, height: 740 },
    isMobile: true,
    hasTouch: true,
  },
} as const satisfies Record<string, BrowserContextOptions>

export type Look = keyof typeof LOOKS

/** Logs the admin in over REST and returns the session cookie (`name=value`). */
const adminCookies = new WeakMap<Relay, Promise<string>>()

/** The admin's session cookie for this relay, logged in once (a login costs a 2^17 scrypt). */
export function adminCookie(relay: Relay): Promise<string> {
  let cookie = adminCookies.get(relay)
  if (!cookie) {
    cookie = logIn(relay)
    cookie.catch(() => adminCookies.delete(relay))
    adminCookies.set(relay, cookie)
  }
  return cookie
}

async function logIn(relay: Relay): Promise<string> {
  const login = await fetch(`${relay.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  })
  if (!login.ok) throw new Error(`admin login failed: ${login.status}`)
  return login.headers.get('set-cookie')!.split(';')[0]!
}

/** Calls the relay's REST API as the admin; throws on a non-2xx answer with its body. */
export async function adminApi<T = unknown>(
  relay: Relay,
  method: 'GET' | 'PUT' | 'POST' | 'PATCH',
  path: string,
  body?: unknown,
): Promise<T> {
  const cookie = await adminCookie(relay)
  const response = await fetch(`${relay.url}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
  return JSON.parse(text) as T
}

/** The parts of a stored conversation (`ConversationSummary`) the browser tests read. */
export interface StoredConversation {
  id: string
  kind?: 'chat' | 'callback' | 'offline'
  status: string
  rating?: number
  visitorName?: string
  visitorPhone?: string
  visitorEmail?: string
  lastText?: string
}

/** Every conversation the relay stored, as operators list them. */
export async function storedConversations(relay: Relay): Promise<StoredConversation[]> {
  const reply = await adminApi<{ conversations: StoredConversation[] }>(
    relay,
    'GET',
    '/v1/conversations',
  )
  return reply.conversations
}

/** Opens the operator console in its own context and logs the admin in. */
export async function consoleLogin(
  browser: Browser,
  relay: Relay,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  await page.goto(`${relay.url}/console/`)
  await page.getByRole('textbox', { name: 'Email' }).fill(ADMIN.email)
  await page.getByLabel('Password').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor()
  return page
}

/** Opens the omni-button's menu and picks an in-widget channel by its name. */
export async function openChannel(page: Page, name: RegExp | string): Promise<void> {
  await page.getByRole('button', { name: NAMES.contact }).click()
  await page.getByRole('list', { name: NAMES.channels }).getByRole('button', { name }).click()
}

/**
 * Resolves when the page's visitor socket gets the relay's `welcome` (connected).
 * Call before the action that connects.
 */
export function visitorWelcomed(page: Page): Promise<void> {
  return new Promise((resolve) => {
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/v1/visitor')) return
      ws.on('framereceived', ({ payload }) => {
        if (String(payload).startsWith('{"t":"welcome"')) resolve()
      })
    })
  })
}

/**
 * Resolves once the page has drawn its next frame: whatever it had queued before (tasks
 * already run, microtasks, the widget's renders, which Preact does in microtasks) is done
 * and on screen. A page read: it hands the page a user activation, as every evaluate does.
 */
export function nextFrame(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())))
}

/**
 * Watches the page's HTTP requests from the call on (so: before the navigation) and
 * returns `settled()`, which resolves once the widget is at rest: its `GET .../presence`,
 * the last thing it asks for on its own, has been answered, no request of the page is in
 * flight, and the page has drawn a frame since. Waiting reads nothing from the page until
 * the presence answer is in, so it gives the page no user activation before that.
 */
export function widgetSettles(page: Page): () => Promise<void> {
  let inFlight = 0
  let presence = false
  const waiters = new Set<() => void>()
  const check = () => {
    if (!presence || inFlight > 0) return
    for (const wake of waiters) wake()
    waiters.clear()
  }
  page.on('request', () => {
    inFlight += 1
  })
  page.on('requestfinished', (request) => {
    inFlight -= 1
    if (/\/v1\/sites\/[^/]+\/presence(\?|$)/.test(request.url())) presence = true
    check()
  })
  page.on('requestfailed', () => {
    inFlight -= 1
    check()
  })
  return async () => {
    await new Promise<void>((resolve) => {
      waiters.add(resolve)
      check()
    })
    await nextFrame(page)
  }
}

/** The page's visitor socket, routed through the test, which passes every frame on. */
export interface VisitorRoute {
  /** Every frame the page sent, in order. */
  readonly sent: { t: string; [key: string]: unknown }[]
  /** Resolves when the relay's `welcome` reached the page. */
  readonly welcomed: Promise<void>
  /**
   * Sends a `ping` to the relay on the page's socket and resolves on its `pong` (kept from
   * the page). The relay handles a socket's frames in order, storing and acking each before
   * it reads the next, so every frame the page sent before has been handled by then.
   * Needs the welcome.
   */
  handled(): Promise<void>
}

/** Routes the page's visitor socket through the test (call before the page connects). */
export async function routeVisitorSocket(page: Page): Promise<VisitorRoute> {
  const sent: VisitorRoute['sent'] = []
  let welcome!: () => void
  const welcomed = new Promise<void>((resolve) => {
    welcome = resolve
  })
  let server: WebSocketRoute | undefined
  /** Who sent each `ping` the relay has not answered yet: the page, or the test's resolver. */
  const pings: ('page' | (() => void))[] = []
  await page.routeWebSocket(/\/v1\/visitor/, (ws) => {
    const relay = ws.connectToServer()
    server = relay
    ws.onMessage((raw) => {
      const frame = JSON.parse(String(raw)) as VisitorRoute['sent'][number]
      sent.push(frame)
      if (frame.t === 'ping') pings.push('page')
      relay.send(raw)
    })
    relay.onMessage((raw) => {
      const frame = JSON.parse(String(raw)) as { t: string }
      if (frame.t === 'welcome') welcome()
      if (frame.t === 'pong') {
        const owner = pings.shift()
        if (owner && owner !== 'page') {
          owner()
          return
        }
      }
      ws.send(raw)
    })
  })
  return {
    sent,
    welcomed,
    handled: () =>
      new Promise<void>((resolve) => {
        if (!server) throw new Error('the page has no visitor socket yet')
        pings.push(resolve)
        server.send(JSON.stringify({ t: 'ping' }))
      }),
  }
}

/** An operator on a raw socket: sees conversations live, replies and closes them. */
export interface OperatorSocket {
  /** Ids of conversations announced by `conversation` frames, first seen first. */
  readonly conversations: string[]
  reply(conversationId: string, text: string): Promise<void>
  closeConversation(conversationId: string): Promise<void>
  close(): void
}

/** Logs the admin in and opens an operator socket (counts as an operator online). */
export async function operatorSocket(relay: Relay): Promise<OperatorSocket> {
  const { default: WebSocket } = await import('ws')
  const cookie = await adminCookie(relay)
  const socket = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/operator`, {
    headers: { cookie },
  })
  const conversations: string[] = []
  const acks = new Map<string, (error?: Error) => void>()
  let welcomed: () => void
  const welcome = new Promise<void>((resolve) => {
    welcomed = resolve
  })
  socket.on('message', (raw) => {
    const frame = JSON.parse(String(raw)) as {
      t: string
      cid?: string
      message?: string
      conversation?: { id: string }
    }
    if (frame.t === 'welcome') welcomed()
    if (frame.t === 'conversation' && frame.conversation) {
      if (!conversations.includes(frame.conversation.id)) {
        conversations.push(frame.conversation.id)
      }
    }
    if ((frame.t === 'ack' || frame.t === 'error') && frame.cid && acks.has(frame.cid)) {
      acks.get(frame.cid)!(frame.t === 'error' ? new Error(frame.message) : undefined)
      acks.delete(frame.cid)
    }
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.once('open', () => {
      socket.send(JSON.stringify({ t: 'hello', v: 1 }))
      resolve()
    })
  })
  await welcome
  let next = 0
  const request = (frame: Record<string, unknown>) =>
    new Promise<void>((resolve, reject) => {
      const cid = `e2e-op-${++next}-${Date.now()}`
      acks.set(cid, (error) => (error ? reject(error) : resolve()))
      socket.send(JSON.stringify({ ...frame, cid }))
    })
  return {
    conversations,
    reply: (conversationId, text) => request({ t: 'send', conversationId, text }),
    closeConversation: (conversationId) => request({ t: 'close', conversationId }),
    close: () => socket.close(),
  }
}
