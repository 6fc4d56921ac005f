import { render } from 'preact'
import {
  createController,
  type WidgetEnvironment,
  type WidgetEvents,
  type WidgetOptions,
} from './controller.ts'
import type { Listener } from './emitter.ts'
import { applyStyles } from './styles.ts'
import { App } from './ui/App.tsx'

/** What `mount()` returns: the widget's commands and events. */
export interface WidgetHandle {
  open(): void
  close(): void
  toggle(): void
  /** Subscribes to a widget event; returns the unsubscribe. */
  on<K extends keyof WidgetEvents>(event: K, fn: Listener<WidgetEvents[K]>): () => void
  off<K extends keyof WidgetEvents>(event: K, fn: Listener<WidgetEvents[K]>): void
  /** Lifts the consent gate: the widget may store its token and connect now. */
  allowStorage(): void
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
  return {
    open: controller.open,
    close: controller.close,
    toggle: controller.toggle,
    on: controller.on,
    off: controller.off,
    allowStorage: controller.allowStorage,
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
