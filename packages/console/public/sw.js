// The Parley console's service worker. It keeps the console's shell (its HTML, scripts,
// styles, icons and the offline page) so the console starts without a network, and shows an
// offline page when the shell is not cached yet. It never stores an API answer: anything
// under /v1/ (REST, the socket) goes to the network untouched, so no conversation, visitor or
// lead is ever written to the device by it.
//
// It also owns the console's notifications (`notifier.ts` shows them through its
// registration): a click focuses the console and opens the conversation.
const CACHE = 'parley-console-shell-v1'
const SHELL = ['./', './offline.html', './manifest.webmanifest', './icon-192.png', './icon-512.png']

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))),
      )
      .then(() => self.clients.claim()),
  )
})

/** Whether a request is the console's own file (never the API, never another origin). */
function isShell(url) {
  return url.origin === self.location.origin && url.pathname.startsWith('/console/')
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (!isShell(url)) return
  if (request.mode === 'navigate') {
    // The page: the network first (a new build shows at once), the cached shell offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone()
            caches.open(CACHE).then((cache) => cache.put('./', copy))
          }
          return response
        })
        .catch(async () => (await caches.match('./')) ?? (await caches.match('./offline.html'))),
    )
    return
  }
  // Scripts, styles and icons: hashed names never change, so the cache answers first.
  event.respondWith(
    caches.match(request).then(
      (cached) =>
        cached ??
        fetch(request).then((response) => {
          if (response.ok && response.type === 'basic') {
            const copy = response.clone()
            caches.open(CACHE).then((cache) => cache.put(request, copy))
          }
          return response
        }),
    ),
  )
})

/** What the console listens for to open a conversation (`OPEN_CONVERSATION` in notifier.ts). */
const OPEN_CONVERSATION = 'parley:open-conversation'

/**
 * Brings a console window forward with the conversation open: an open one is told by a
 * message (its address stays as it is), otherwise a new one starts at `#conversation=<id>`.
 */
async function openConversation(conversationId) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
  const consoles = windows.filter((client) => isShell(new URL(client.url)))
  const target = consoles.find((client) => client.focused) ?? consoles[0]
  if (!target) {
    return self.clients.openWindow(`./#conversation=${encodeURIComponent(conversationId)}`)
  }
  target.postMessage({ type: OPEN_CONVERSATION, conversationId })
  return target.focus()
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const conversationId = event.notification.data?.conversationId
  if (typeof conversationId !== 'string') return
  event.waitUntil(openConversation(conversationId))
})
