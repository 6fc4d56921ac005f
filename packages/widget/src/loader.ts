/**
 * The script tag entry (< 2 KB gz): `<script async src="HOST/widget/loader.js" data-site="SITE">`.
 * Installs `window.Parley(command, ...args)`, queues calls, and loads the chat bundle
 * when the page is idle, or at once when a queued command needs it.
 * Bundles only `command-queue.ts`; the JS API's argument checks (`commands.ts`) are in
 * widget.js, which returns the dispatch the queue replays into. No runtime imports.
 */
import { type CommandApi, createCommandApi } from './command-queue.ts'
import type { start } from './widget.ts'

type ParleyGlobal = { Parley?: Partial<CommandApi> & { q?: ArrayLike<ArrayLike<unknown>> } }

const page = window as unknown as ParleyGlobal
const script = document.currentScript as HTMLScriptElement | null
const site = script?.dataset.site

if (!script || !site) {
  console.error('Parley: the loader needs <script src=".../widget/loader.js" data-site="SITE">')
} else if (!page.Parley?.loaded) {
  const src = script.src
  const locale = script.dataset.locale as 'ru' | 'en' | undefined
  let loading = false
  const load = () => {
    if (loading) return
    loading = true
    import(/* @vite-ignore */ new URL('widget.js', src).href).then(
      (bundle: { start: typeof start }) =>
        api.attach(bundle.start({ site, host: new URL(src).origin, locale })),
      (error: unknown) => console.error('Parley: could not load the chat', error),
    )
  }
  // Listeners and custom events can wait for the idle load; every other command needs the chat.
  const api = createCommandApi(page.Parley?.q, (command) => {
    if (!/^(on|off|track)$/.test(command)) load()
  })
  page.Parley = api
  const idle = () =>
    'requestIdleCallback' in window
      ? requestIdleCallback(load, { timeout: 3000 })
      : setTimeout(load, 200)
  if (document.readyState === 'complete') idle()
  else addEventListener('load', idle, { once: true })
}
