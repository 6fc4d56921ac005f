// Evaluated first, so widget.js begins with Preact and its hooks and the widget's own
// code (client, controller, UI) follows in one stretch, closer together in gzip's 32 KB
// window: 141 B gz less in all than in plain import order (scripts/size.ts).
import 'preact/hooks'
import type { Dispatch } from './command-queue.ts'
import { createDispatch } from './commands.ts'
import type { WidgetOptions } from './controller.ts'
import { mount } from './mount.ts'

/**
 * The chat bundle's entry, imported by the loader: mounts the widget on a
 * `<parley-chat>` element appended to <body> and returns the dispatch that turns
 * `window.Parley(...)` calls into handle calls (argument checks here, not in the
 * loader: they cost fewer bytes in all inside widget.js). An element of its
 * own name, not a `div`, so that page rules for common tags never select it.
 */
export function start(options: WidgetOptions): Dispatch {
  const host = document.createElement('parley-chat')
  document.body.append(host)
  return createDispatch(mount(host, options))
}
