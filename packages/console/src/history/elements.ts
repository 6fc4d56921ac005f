import { ParleyHistory } from './history-search.ts'

/**
 * The History area's elements: a chunk of its own, loaded the first time someone opens
 * History, so an operator who never searches never downloads it.
 */
export const HISTORY_ELEMENTS = { 'parley-history': ParleyHistory } as const

/** Registers the History elements not registered yet (safe to call twice). */
export function defineHistoryElements(registry: CustomElementRegistry = customElements): void {
  for (const [tag, element] of Object.entries(HISTORY_ELEMENTS)) {
    if (!registry.get(tag)) registry.define(tag, element)
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-history': ParleyHistory
  }
}
