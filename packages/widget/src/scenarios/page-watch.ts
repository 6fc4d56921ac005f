/** What `watchPages` reports. */
export interface PageWatchHandlers {
  /** The URL may have changed: `pushState`, `replaceState` or `popstate`. */
  navigated(): void
  /** The pointer left the window through its top edge (desktop, fine pointer). */
  exitIntent(): void
}

type HistoryMethod = 'pushState' | 'replaceState'

/**
 * Watches a single-page app's navigation without polling: wraps
 * `history.pushState`/`replaceState` once and listens to `popstate`; and the
 * exit intent (`mouseout` to nowhere at the top of the window, only with a
 * fine pointer). Returns the teardown, which puts the page's own history
 * methods back (unless another script wrapped them after us: then ours stays,
 * inert, so theirs keeps working).
 */
export function watchPages(win: Window, on: PageWatchHandlers): () => void {
  const { history, document } = win
  const active = { on: true }
  const restore = (['pushState', 'replaceState'] as HistoryMethod[]).map((name) => {
    const original = history[name]
    const wrapped = function (this: History, ...args: Parameters<History[HistoryMethod]>) {
      const result = original.apply(this, args)
      if (active.on) on.navigated()
      return result
    }
    history[name] = wrapped
    return () => {
      if (history[name] === wrapped) history[name] = original
    }
  })
  const popstate = () => on.navigated()
  const mouseout = (event: MouseEvent) => {
    if (!event.relatedTarget && event.clientY <= 0 && win.matchMedia?.('(pointer: fine)').matches) {
      on.exitIntent()
    }
  }
  win.addEventListener('popstate', popstate)
  document.addEventListener('mouseout', mouseout)
  return () => {
    active.on = false
    for (const undo of restore) undo()
    win.removeEventListener('popstate', popstate)
    document.removeEventListener('mouseout', mouseout)
  }
}
