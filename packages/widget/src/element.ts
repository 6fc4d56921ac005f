import type { Locale } from './i18n.ts'
import { mount } from './mount.ts'
import type { WidgetHandle } from './mount-with.tsx'

/**
 * `<parley-widget site="SITE" host="https://relay.example" locale="en">`: mounts the
 * widget into its own shadow root while connected to the document. `host` defaults
 * to the page's origin.
 */
export class ParleyWidgetElement extends HTMLElement {
  static observedAttributes = ['site', 'host', 'locale']
  #handle: WidgetHandle | undefined

  /** The mounted widget's commands and events, while connected. */
  get widget(): WidgetHandle | undefined {
    return this.#handle
  }

  connectedCallback(): void {
    this.#handle?.destroy()
    const site = this.getAttribute('site')
    if (!site) {
      console.error('Parley: <parley-widget> needs a site="..." attribute')
      return
    }
    this.#handle = mount(this, {
      site,
      host: this.getAttribute('host') ?? location.origin,
      locale: (this.getAttribute('locale') as Locale | null) ?? undefined,
    })
  }

  disconnectedCallback(): void {
    this.#handle?.destroy()
    this.#handle = undefined
  }

  attributeChangedCallback(_name: string, old: string | null, value: string | null): void {
    if (old !== value && this.#handle) this.connectedCallback()
  }
}

if (!customElements.get('parley-widget'))
  customElements.define('parley-widget', ParleyWidgetElement)

declare global {
  interface HTMLElementTagNameMap {
    'parley-widget': ParleyWidgetElement
  }
}
