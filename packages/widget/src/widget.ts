import type { WidgetOptions } from './controller.ts'
import { mount } from './mount.ts'
import type { WidgetHandle } from './mount-with.tsx'

/**
 * The chat bundle's entry, imported by the loader: mounts the widget on a
 * `<parley-chat>` element appended to <body> and returns its handle; the
 * loader turns `window.Parley(...)` calls into handle calls. An element of its
 * own name, not a `div`, so that page rules for common tags never select it.
 */
export function start(options: WidgetOptions): WidgetHandle {
  const host = document.createElement('parley-chat')
  document.body.append(host)
  return mount(host, options)
}
