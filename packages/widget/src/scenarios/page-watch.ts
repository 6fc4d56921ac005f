/**
 * Watches a single-page app's navigation without polling until `signal`
 * aborts: wraps `history.pushState`/`replaceState` and listens to `popstate`,
 * calling `navigated` (the URL may have changed); and the exit intent, calling
 * `exit` when the pointer leaves the window through its top edge (`mouseout`
 * to nowhere, only with a fine pointer). On abort the page's own history
 * methods are put back (unless another script wrapped them after us: then
 * ours stays, inert, so theirs keeps working).
 */
export function watchPages(
  win: Window,
  signal: AbortSignal,
  navigated: () => void,
  exit: () => void,
): void {
  const { history } = win
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name]
    const wrapped = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args)
      if (!signal.aborted) navigated()
    }
    history[name] = wrapped
    signal.addEventListener('abort', () => {
      if (history[name] === wrapped) history[name] = original
    })
  }
  win.addEventListener('popstate', navigated, { signal })
  win.document.addEventListener(
    'mouseout',
    (e) => {
      if (!e.relatedTarget && e.clientY <= 0 && win.matchMedia?.('(pointer: fine)').matches) exit()
    },
    { signal },
  )
}
