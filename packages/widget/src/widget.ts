import type { Dispatch } from './command-queue.ts'
import { createDispatch } from './commands.ts'
import type { WidgetOptions } from './controller.ts'
import { mount } from './mount.ts'

/**
 * The chat bundle's entry, imported by the loader: mounts the widget on a
 * `<div data-parley>` appended to <body> and returns what `window.Parley` forwards to.
 */
export function start(options: WidgetOptions): Dispatch {
  const host = document.createElement('div')
  host.setAttribute('data-parley', '')
  document.body.append(host)
  return createDispatch(mount(host, options))
}
