/** What the page calls: `Parley('open')`, `Parley('on', 'message', fn)`. */
export type Dispatch = (command: string, ...args: unknown[]) => void

/** The `window.Parley` function the loader installs. */
export interface CommandApi extends Dispatch {
  /** Calls waiting for the chat bundle, oldest first. */
  q: unknown[][]
  /** Marks a real loader (not the page's stub), so a second loader tag does nothing. */
  loaded: true
  /** Replays the queued calls in order into `dispatch`, then forwards every later call. */
  attach(dispatch: Dispatch): void
}

/**
 * Creates the `window.Parley` function. Until `attach()` it queues calls and
 * reports each command name to `onQueued` (the loader starts loading the bundle
 * at once for commands that need it). `initial` takes over the queue of a stub
 * the page defined before the loader ran:
 * `window.Parley = window.Parley || function () { (Parley.q = Parley.q || []).push(arguments) }`.
 * Pure: no DOM, no globals.
 */
export function createCommandApi(
  initial: ArrayLike<ArrayLike<unknown>> | undefined,
  onQueued: (command: string) => void,
): CommandApi {
  let target: Dispatch | undefined
  const q: unknown[][] = []
  const api = ((...args: unknown[]) => {
    if (target) {
      target(...(args as [string, ...unknown[]]))
      return
    }
    q.push(args)
    onQueued(String(args[0]))
  }) as CommandApi
  api.q = q
  api.loaded = true
  api.attach = (dispatch) => {
    // Calls made while replaying (by a listener) join the end of the queue, keeping order.
    for (let call = q.shift(); call; call = q.shift()) dispatch(...(call as [string, ...unknown[]]))
    target = dispatch
  }
  for (const call of Array.from(initial ?? [])) api(...(Array.from(call) as [string, ...unknown[]]))
  return api
}
