import { createVisitorClient } from '@parley/client'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import WebSocket from 'ws'
import {
  consoleLogin,
  launchBrowser,
  type Relay,
  startRelay,
  storedConversations,
} from './harness.ts'

// The console installs from the browser: a web app manifest with icons, and a service worker
// that keeps the shell (never API answers) so the console starts offline and shows the
// notifications, whose click opens the conversation.

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

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array): [number, number] {
  expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const view = new DataView(bytes.buffer, bytes.byteOffset)
  return [view.getUint32(16), view.getUint32(20)]
}

test('the console serves a valid web app manifest whose icons are the PNGs it names', async () => {
  const page = await (await fetch(`${relay.url}/console/`)).text()
  const href = /<link rel="manifest" href="([^"]+)"/.exec(page)?.[1]
  expect(href).toBe('/console/manifest.webmanifest')
  const response = await fetch(`${relay.url}${href}`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/)
  const manifest = (await response.json()) as {
    name: string
    short_name: string
    start_url: string
    scope: string
    display: string
    icons: { src: string; sizes: string; type: string; purpose: string }[]
  }
  expect(manifest).toMatchObject({
    name: 'Parley console',
    short_name: 'Parley',
    start_url: '/console/',
    scope: '/console/',
    display: 'standalone',
  })
  // Installable in Chromium: a 192 and a 512 px icon that load as what they claim to be.
  const sizes = manifest.icons.filter((i) => i.purpose === 'any').map((i) => i.sizes)
  expect(sizes).toEqual(['192x192', '512x512'])
  for (const icon of manifest.icons) {
    const file = await fetch(new URL(icon.src, `${relay.url}${href}`))
    expect(file.headers.get('content-type')).toBe(icon.type)
    const [width, height] = pngSize(new Uint8Array(await file.arrayBuffer()))
    expect(`${width}x${height}`).toBe(icon.sizes)
  }
})

test('the service worker registers, keeps the shell, starts the console offline and never stores API answers', async () => {
  const page = await consoleLogin(browser, relay)
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
  expect(scope).toBe(`${relay.url}/console/`)
  // The console has read conversations over REST by now; none of it went into a cache.
  await page.reload()
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor()
  const cached = await page.evaluate(async () => {
    const urls: string[] = []
    for (const key of await caches.keys()) {
      for (const request of await (await caches.open(key)).keys()) urls.push(request.url)
    }
    return urls
  })
  expect(cached).toContain(`${relay.url}/console/`)
  expect(cached.some((url) => url.includes('/assets/index-'))).toBe(true)
  expect(cached.filter((url) => new URL(url).pathname.startsWith('/v1/'))).toEqual([])
  expect(cached.every((url) => new URL(url).pathname.startsWith('/console/'))).toBe(true)

  // Offline, the shell still starts: the console's own page, not the browser's error.
  await page.context().setOffline(true)
  await page.reload()
  await expect.poll(() => page.title()).toBe('Parley console')
  expect(await page.locator('parley-console').count()).toBe(1)
  await page.context().setOffline(false)
})

test('the service worker shows a notification for a new conversation while the console is hidden, and its click opens it', async () => {
  const page = await consoleLogin(browser, relay)
  await page.context().grantPermissions(['notifications'], { origin: relay.url })
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
    // Headless Chromium keeps every tab visible: the test says when the operator looks away.
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
  })

  const visitor = createVisitorClient({ host: relay.url, site: 'demo', WebSocket })
  visitor.connect()
  await visitor.identify({ userId: 'pwa-1', name: 'Nadia' })
  await visitor.send('Do you ship to Kazan?')
  const conversation = (await storedConversations(relay)).find(
    (c) => c.lastText === 'Do you ship to Kazan?',
  )!

  const notifications = () =>
    page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready
      return (await registration.getNotifications()).map(({ title, body, tag, data }) => ({
        title,
        body,
        tag,
        data,
      }))
    })
  await expect.poll(notifications).toEqual([
    {
      title: 'New conversation: Nadia',
      body: 'Do you ship to Kazan?',
      tag: conversation.id,
      data: { conversationId: conversation.id },
    },
  ])
  // Nothing has opened the conversation yet.
  expect(await page.getByRole('heading', { name: 'Nadia' }).count()).toBe(0)

  // A click, as Chromium delivers it to the worker (headless has no notification to click): the
  // console in the window gets the worker's message and opens the conversation.
  const [worker] = page.context().serviceWorkers()
  await worker!.evaluate(async () => {
    // The worker's global (no webworker types in this project).
    const scope = self as unknown as {
      registration: ServiceWorkerRegistration
      NotificationEvent: new (type: string, init: { notification: Notification }) => Event
      dispatchEvent(event: Event): boolean
    }
    const [shown] = await scope.registration.getNotifications()
    scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification: shown! }))
  })
  await page.getByRole('heading', { name: 'Nadia' }).waitFor()
  await expect.poll(notifications).toEqual([])
  visitor.destroy()

  // A new window, as the worker opens one when no console is open, starts at the conversation.
  const fresh = await page.context().newPage()
  await fresh.goto(`${relay.url}/console/#conversation=${encodeURIComponent(conversation.id)}`)
  await fresh.getByRole('heading', { name: 'Nadia' }).waitFor()
  await page.context().close()
})
