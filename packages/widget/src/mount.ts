import { createVisitorClient } from '@parley/client'
import { createAttention } from './attention.ts'
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
    // Bundled in widget.js (ARCHITECTURE.md, Widget): a chunk of its own cost more
    // bytes in all than it saved for visitors who never open the chat.
    loadClient: () => Promise.resolve(createVisitorClient),
    fetch: (input, init) => globalThis.fetch(input, init),
    storage: browserStorage,
    language: () => globalThis.navigator?.language,
    userActivated: () =>
      (globalThis.navigator as { userActivation?: { isActive: boolean } } | undefined)
        ?.userActivation?.isActive ?? false,
    page: () => ({ url: location.href.slice(0, 2048), title: document.title.slice(0, 512) }),
    // Sound and title blink for a reply in a hidden tab (an AudioContext only at the first beep).
    // The window itself: its timers are called as its methods, as browsers demand.
    attention: createAttention(window),
    // One chunk, only for sites with scenarios: the engine and its DOM side.
    loadScenarios: () => import('./scenarios/chunk.ts').then((m) => m.scenariosInBrowser()),
  })
}
