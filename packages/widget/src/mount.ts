import type { WidgetOptions } from './controller.ts'
import { mountWith, type WidgetHandle } from './mount-with.tsx'
import { browserStorage } from './storage.ts'

/**
 * Mounts the chat widget (launcher + panel) into an open shadow root of `element`.
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
  })
}
