import type { IdentifyData, VisitorAttributes } from '@parley/client'
import { render } from 'preact'
import {
  createController,
  type Listener,
  type View,
  type WidgetEnvironment,
  type WidgetEvents,
  type WidgetOptions,
} from './controller.ts'
import { applyStyles } from './styles.ts'
import { App } from './ui/App.tsx'

/** What `mount()` returns: the widget's commands (each a promise) and events. */
export interface WidgetHandle {
  /** Opens the panel on the chat (default), the callback form or the offline form. */
  open(view?: View): Promise<void>
  close(): Promise<void>
  toggle(): Promise<void>
  /**
   * Tells the relay who the visitor is (`hash` = hex HMAC-SHA256 of `userId` with
   * the site's identity secret). Sent once the visitor is connected; does not by
   * itself lift the consent gate. Rejects with `identity_unverified` when the site
   * requires a valid hash.
   */
  identify(data: IdentifyData): Promise<void>
  /** Custom attributes operators see (≤ 50 keys); sent once the visitor is connected. */
  setAttributes(attributes: VisitorAttributes): Promise<void>
  /**
   * A custom event for engagement scenarios (a condition `customEvent` with this
   * name holds for the rest of the session). Nothing is sent to the relay.
   */
  track(name: string): Promise<void>
  /** Lifts the consent gate: the widget may store its token and connect now. */
  allowStorage(): Promise<void>
  /** Forgets the visitor (logout): stored token, history and outbox removed, socket closed. */
  shutdown(): Promise<void>
  /** Subscribes to a widget event; returns the unsubscribe. */
  on<K extends keyof WidgetEvents>(event: K, fn: Listener<WidgetEvents[K]>): () => void
  off<K extends keyof WidgetEvents>(event: K, fn: Listener<WidgetEvents[K]>): void
  /** Unmounts the UI, closes the connection, removes listeners. */
  destroy(): void
}

/**
 * Mounts the widget into an open shadow root of `element` with an injected
 * environment. `mount()` is this with the browser's environment.
 */
export function mountWith(
  element: HTMLElement,
  options: WidgetOptions,
  env: WidgetEnvironment,
): WidgetHandle {
  if (!options.site) throw new Error('Parley: mount() needs the `site` option (the site id)')
  if (!/^https?:\/\//.test(options.host)) {
    throw new Error('Parley: mount() needs the `host` option, the http(s) origin of the relay')
  }
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' })
  const unstyle = applyStyles(root)
  const container = document.createElement('div')
  root.append(container)
  const controller = createController(options, env)
  render(<App controller={controller} />, container)
  controller.start()
  let destroyed = false
  const done = () => Promise.resolve()
  return {
    open: (view) => done().then(() => controller.open(view)),
    close: () => done().then(controller.close),
    toggle: () => done().then(controller.toggle),
    identify: (data) => controller.identify(data).then(() => {}),
    setAttributes: (attributes) => controller.setAttributes(attributes).then(() => {}),
    track: (name) => done().then(() => controller.track(name)),
    allowStorage: () => controller.client().then(() => {}),
    shutdown: () => done().then(controller.shutdown),
    on: controller.on,
    off: controller.off,
    destroy() {
      if (destroyed) return
      destroyed = true
      render(null, container)
      container.remove()
      unstyle()
      controller.destroy()
    },
  }
}
