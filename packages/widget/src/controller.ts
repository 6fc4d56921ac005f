import type {
  ChatMessage,
  KeyValueStorage,
  VisitorClient,
  VisitorClientOptions,
} from '@parley/client'
import type { PageInfo, SiteConfig } from '@parley/protocol'
import { atom, type ReadableAtom } from 'nanostores'
import { createEmitter, type Listener } from './emitter.ts'
import { type Locale, pickLocale } from './i18n.ts'
import { tokenKey } from './storage.ts'

/** What an embedder passes to `mount()`. */
export interface WidgetOptions {
  /** Site id, as configured on the relay. */
  site: string
  /** http(s) origin of the relay, e.g. `https://chat.example.com`. */
  host: string
  /** Overrides the site config's and the browser's language. */
  locale?: Locale
}

/** Events of the widget, each with one context object. */
export interface WidgetEvents {
  /** The site config is loaded and the launcher is shown. */
  ready: { config: SiteConfig }
  open: Record<string, never>
  close: Record<string, never>
  /** A message was added to the conversation (own or operator's). */
  message: { message: ChatMessage }
}

/** Everything the widget takes from its environment; tests inject fakes. */
export interface WidgetEnvironment {
  /** Loads the client factory; the browser build fetches it as a separate chunk on first need. */
  loadClient(): Promise<(options: VisitorClientOptions) => VisitorClient>
  fetch: typeof fetch
  /** Persistent storage once allowed (guarded `localStorage`), `undefined` when unavailable. */
  storage(): KeyValueStorage | undefined
  /** The browser's language, e.g. `navigator.language`. */
  language(): string | undefined
  /** Where the visitor is, sent to operators. */
  page(): PageInfo
  /**
   * Whether the page is handling a visitor's gesture right now
   * (`navigator.userActivation.isActive`): a page button calling `open` counts
   * as the visitor opening the chat; an `open` on page load does not.
   */
  userActivated(): boolean
}

/** Where booting is: config loading, shown, or the config could not be loaded. */
export type BootState = 'loading' | 'ready' | 'failed'

/** The widget's state and actions, without any UI. */
export interface WidgetController {
  readonly $boot: ReadableAtom<BootState>
  readonly $config: ReadableAtom<SiteConfig | undefined>
  readonly $open: ReadableAtom<boolean>
  /** Created only once storage is allowed: interaction, `allowStorage()`, a returning visitor, or `storage: 'always'`. */
  readonly $client: ReadableAtom<VisitorClient | undefined>
  locale(): Locale
  start(): void
  open(): void
  close(): void
  toggle(): void
  /** The visitor touched the widget: counts as consent to store and connect. */
  interact(): void
  allowStorage(): void
  /** Sends a message, lifting the consent gate first (sending is an interaction); sent once the client is loaded. */
  send(text: string): void
  setTyping(typing: boolean): void
  on<K extends keyof WidgetEvents>(event: K, fn: Listener<WidgetEvents[K]>): () => void
  off<K extends keyof WidgetEvents>(event: K, fn: Listener<WidgetEvents[K]>): void
  destroy(): void
}

/** Creates the controller; nothing happens (no fetch, no storage) until `start()`. */
export function createController(options: WidgetOptions, env: WidgetEnvironment): WidgetController {
  const host = options.host.replace(/\/+$/, '')
  const $boot = atom<BootState>('loading')
  const $config = atom<SiteConfig | undefined>(undefined)
  const $open = atom(false)
  const $client = atom<VisitorClient | undefined>(undefined)
  const events = createEmitter<WidgetEvents>()
  const abort = new AbortController()
  const subs: (() => void)[] = []
  let destroyed = false

  let loading: Promise<VisitorClient | undefined> | undefined

  /** Creates and connects the client once; later calls get the same one. */
  function ensureClient(): Promise<VisitorClient | undefined> {
    loading ??= env.loadClient().then(
      (createClient) => {
        if (destroyed) return undefined
        const client = createClient({
          host,
          site: options.site,
          storage: env.storage(),
          lang: controller.locale(),
          page: env.page,
        })
        subs.push(client.on('message', ({ message }) => events.emit('message', { message })))
        $client.set(client)
        client.connect()
        return client
      },
      (error: unknown) => {
        loading = undefined
        console.error('Parley: could not load the chat client', error)
        return undefined
      },
    )
    return loading
  }

  async function loadConfig(): Promise<void> {
    try {
      const url = `${host}/v1/sites/${encodeURIComponent(options.site)}/config`
      const response = await env.fetch(url, { signal: abort.signal })
      if (!response.ok) throw new Error(`Parley: site config answered ${response.status}`)
      const config = (await response.json()) as SiteConfig
      if (destroyed) return
      $config.set(config)
      if (config.storage === 'always') void ensureClient()
      $boot.set('ready')
      events.emit('ready', { config })
    } catch (error) {
      if (destroyed) return
      $boot.set('failed')
      console.warn('Parley: could not load the site config', error)
    }
  }

  const controller: WidgetController = {
    $boot,
    $config,
    $open,
    $client,
    locale: () => pickLocale(options.locale, $config.get()?.locale, env.language()),
    start() {
      // A returning visitor consented earlier: reading storage is allowed, and
      // connecting now shows the history and unread replies without a click.
      if (env.storage()?.getItem(tokenKey(options.site)) != null) void ensureClient()
      void loadConfig()
    },
    open() {
      if (destroyed || $open.get()) return
      if (env.userActivated()) void ensureClient()
      $open.set(true)
      events.emit('open', {})
    },
    close() {
      if (destroyed || !$open.get()) return
      $open.set(false)
      events.emit('close', {})
    },
    toggle() {
      if ($open.get()) controller.close()
      else controller.open()
    },
    interact: () => void ensureClient(),
    allowStorage: () => void ensureClient(),
    send(text) {
      // A rejected send is shown on the message itself (status 'failed').
      void ensureClient().then((client) => client?.send(text).catch(() => {}))
    },
    setTyping(typing) {
      $client.get()?.setTyping(typing)
    },
    on: events.on,
    off: events.off,
    destroy() {
      if (destroyed) return
      destroyed = true
      abort.abort()
      for (const off of subs.splice(0)) off()
      $client.get()?.destroy()
      $client.set(undefined)
      events.clear()
    },
  }
  return controller
}
