import { createOperatorClient } from '@parley/client'
import { defineConsoleElements } from './elements.ts'
import { setConsoleEnvironment } from './environment.ts'

// The app entry (index.html): same origin as the relay, cookie-authenticated socket.
setConsoleEnvironment({ createClient: (options) => createOperatorClient(options) })
defineConsoleElements()

// Installable: the service worker keeps the shell for offline starts (never API data).
if ('serviceWorker' in navigator) {
  addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch(() => {
      // Not over HTTPS or localhost, or blocked: the console works without it.
    })
  })
}
