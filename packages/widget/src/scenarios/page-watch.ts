/**
 * Watches a single-page app's navigation without polling: wraps
 * `history.pushState`/`replaceState` and listens to `popstate`, calling
 * `navigated` (the URL may have changed); and the exit intent, calling `exit`
 * when the pointer leaves the window through its top edge (`mouseout` to
 * nowhere, only with a fine pointer). Returns the teardown, which puts the
 * page's own history methods back (unless another script wrapped them after
 * us: then ours stays, inert, so theirs keeps working).
 */
export function watchPages(win: Window, navigated: () => void, exit: () => void): () => void {
  const { history } = win
  const stop = new AbortController()
  const { signal } = stop
  const restore = (['pushState', 'replaceState'] as const).map((name) => {
    const original = history[name]
    const wrapped = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args)
      if (!signal.aborted) navigated()
    }
    history[name] = wrapped
    return () => {
      if (history[name] === wrapped) history[name] = original
    }
  })
  win.addEventListener('popstate', () => navigated(), { signal })
  win.document.addEventListener(
    'mouseout',
    (e) => {
      if (!e.relatedTarget && e.clientY <= 0 && win.matchMedia?.('(pointer: fine)').matches) exit()
    },
    { signal },
  )
  return () => {
    stop.abort()
    for (const undo of restore) undo()
  }
}
