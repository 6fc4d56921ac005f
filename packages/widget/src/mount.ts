import type { Attention } from './attention.ts'
import type { WidgetOptions } from './controller.ts'
import { mountWith, type WidgetHandle } from './mount-with.tsx'
import { browserStorage } from './storage.ts'

/**
 * Mounts the chat widget (omni-button + panel) into an open shadow root of `element`.
 * Nothing is stored and no socket is opened until the visitor interacts, the page
 * calls `allowStorage()`, the visitor consented on an earlier visit, or the site
 * config says `storage: 'always'`.
 */
export function mount(element: HTMLElement, options: WidgetOptions): WidgetHandle {
  return mountWith(element, options, {
    // A separate chunk: a visitor who never opens the chat never downloads the client.
    loadClient: () => import('@parley/client').then((m) => m.createVisitorClient),
    fetch: (input, init) => globalThis.fetch(input, init),
    storage: browserStorage,
    language: () => globalThis.navigator?.language,
    userActivated: () =>
      (globalThis.navigator as { userActivation?: { isActive: boolean } } | undefined)
        ?.userActivation?.isActive ?? false,
    page: () => ({ url: location.href.slice(0, 2048), title: document.title.slice(0, 512) }),
    attention: lazyAttention(),
    // Two chunks fetched together, only for sites with scenarios: the engine and its DOM side.
    loadScenarios: () =>
      Promise.all([
        import('./scenarios/start.tsx'),
        import('@parley/scenarios').then((engine) => engine.createEngine),
      ]).then(([adapter, createEngine]) => adapter.inBrowser(createEngine)),
  })
}

/**
 * Sound and title blink, loaded (a small separate chunk) only when a reply
 * first arrives in a hidden tab.
 */
function lazyAttention(): Attention {
  let loaded: Promise<Attention> | undefined
  return {
    notify(text) {
      if (!document.hidden) return
      loaded ??= import('./attention.ts').then((m) =>
        m.createAttention({
          document,
          AudioContext: globalThis.AudioContext,
          setInterval: (fn, ms) => setInterval(fn, ms),
          clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
        }),
      )
      void loaded.then((attention) => attention.notify(text))
    },
    destroy() {
      void loaded?.then((attention) => attention.destroy())
    },
  }
}
