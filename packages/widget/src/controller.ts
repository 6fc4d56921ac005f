import type {
  CallbackForm,
  ChatMessage,
  IdentifyData,
  KeyValueStorage,
  OfflineForm,
  PrechatForm,
  VisitorAttributes,
  VisitorClient,
  VisitorClientOptions,
} from '@parley/client'
import type { Ack, PageInfo, PresenceReply, SiteConfig } from '@parley/protocol'
import { atom, type ReadableAtom } from 'nanostores'
import type { Attention } from './attention.ts'
import { createEmitter, type Listener } from './emitter.ts'
import { type Locale, pickLocale, stringsFor } from './i18n.ts'
import { prechatKey, tokenKey } from './storage.ts'
import { throttleTyping } from './typing.ts'

/** What an embedder passes to `mount()`. */
export interface WidgetOptions {
  /** Site id, as configured on the relay. */
  site: string
  /** http(s) origin of the relay, e.g. `https://chat.example.com`. */
  host: string
  /** Overrides the site config's and the browser's language. */
  locale?: Locale
}

/** What the panel shows: the chat (or the offline form when nobody is available), or a form. */
export type View = 'chat' | 'callback' | 'offline'

/** Events of the widget, each with one context object. */
export interface WidgetEvents {
  /** The site config is loaded and the launcher is shown. */
  ready: { config: SiteConfig }
  open: { view: View }
  close: Record<string, never>
  /** A message was added to the conversation (own or operator's). */
  message: { message: ChatMessage }
  /** The visitor left a callback request or an offline message. */
  lead: { kind: 'callback' | 'offline'; conversationId: string }
  /** The number of unread operator replies changed. */
  unread: { count: number }
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
  /** Sound and title blink for replies in a hidden tab; absent in tests that do not care. */
  attention?: Attention
  /** @default Date.now */
  now?: () => number
}

/** Where booting is: config loading, shown, or the config could not be loaded. */
export type BootState = 'loading' | 'ready' | 'failed'

/** The widget's state and actions, without any UI. */
export interface WidgetController {
  readonly $boot: ReadableAtom<BootState>
  readonly $config: ReadableAtom<SiteConfig | undefined>
  readonly $open: ReadableAtom<boolean>
  readonly $view: ReadableAtom<View>
  /** Whether chat is available: `GET .../presence` before the socket, then live presence. */
  readonly $available: ReadableAtom<boolean | undefined>
  /** True once the last operator left while the visitor had the chat open. */
  readonly $operatorsLeft: ReadableAtom<boolean>
  /** Whether the pre-chat form was sent (or is not needed) for this visitor. */
  readonly $prechatDone: ReadableAtom<boolean>
  /** Created only once storage is allowed: interaction, `allowStorage()`, a returning visitor, or `storage: 'always'`. */
  readonly $client: ReadableAtom<VisitorClient | undefined>
  /** The relay's origin, without a trailing slash. */
  readonly host: string
  locale(): Locale
  now(): number
  start(): void
  /** Opens the panel on `view` (default: the chat). */
  open(view?: View): void
  close(): void
  toggle(): void
  /** The visitor touched the widget: counts as consent to store and connect. */
  interact(): void
  allowStorage(): void
  /** The client, created (and consent assumed) if needed; undefined once destroyed. */
  client(): Promise<VisitorClient | undefined>
  /** Sends a message, lifting the consent gate first (sending is an interaction); sent once the client is loaded. */
  send(text: string): void
  /** The composer's unsent text, kept for the offline form. */
  draft: string
  setTyping(typing: boolean): void
  submitCallback(form: CallbackForm): Promise<Ack>
  submitOffline(form: OfflineForm): Promise<Ack>
  submitPrechat(form: PrechatForm): Promise<Ack>
  /**
   * Sent once the client exists (after the visitor's interaction or `allowStorage`:
   * identifying does not lift the consent gate); resolves when the relay accepted it.
   */
  identify(data: IdentifyData): Promise<Ack>
  setAttributes(attributes: VisitorAttributes): Promise<Ack>
  rate(conversationId: string, rating: number): Promise<Ack>
  /** Loads the site config again (the agreement changed); resolves when done. */
  reloadConfig(): Promise<void>
  /** Forgets the visitor: storage cleared, socket closed; a later interaction starts anew. */
  shutdown(): void
  on<K extends keyof WidgetEvents>(event: K, fn: Listener<WidgetEvents[K]>): () => void
  off<K extends keyof WidgetEvents>(event: K, fn: Listener<WidgetEvents[K]>): void
  destroy(): void
}

/** Creates the controller; nothing happens (no fetch, no storage) until `start()`. */
export function createController(options: WidgetOptions, env: WidgetEnvironment): WidgetController {
  const host = options.host.replace(/\/+$/, '')
  const site = encodeURIComponent(options.site)
  const $boot = atom<BootState>('loading')
  const $config = atom<SiteConfig | undefined>(undefined)
  const $open = atom(false)
  const $view = atom<View>('chat')
  const $available = atom<boolean | undefined>(undefined)
  const $operatorsLeft = atom(false)
  const $prechatDone = atom(false)
  const $client = atom<VisitorClient | undefined>(undefined)
  const events = createEmitter<WidgetEvents>()
  const abort = new AbortController()
  /** Subscriptions of the current client; dropped on shutdown. */
  const subs: (() => void)[] = []
  const typing = throttleTyping((value) => $client.get()?.setTyping(value), {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    now: () => controller.now(),
  })
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
        subs.push(
          client.on('message', ({ message }) => {
            events.emit('message', { message })
            if (message.author.kind === 'operator') {
              const count = client.$unread.get()
              env.attention?.notify(`(${count || 1}) ${stringsFor(controller.locale()).newReply}`)
            }
          }),
          client.$unread.listen((count) => events.emit('unread', { count })),
          client.$available.subscribe((available) => {
            if (available !== undefined) setAvailable(available)
          }),
        )
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

  function setAvailable(available: boolean): void {
    const was = $available.get()
    $available.set(available)
    // The visitor was chatting when the last operator left: say so, keep the draft.
    if (was === true && !available && $open.get() && $view.get() === 'chat') {
      $operatorsLeft.set(true)
    }
    if (available) $operatorsLeft.set(false)
  }

  async function fetchJson<T>(path: string): Promise<T> {
    const response = await env.fetch(`${host}/v1/sites/${site}/${path}`, {
      signal: abort.signal,
      cache: 'no-cache',
    })
    if (!response.ok) throw new Error(`Parley: ${path} answered ${response.status}`)
    return (await response.json()) as T
  }

  async function loadConfig(): Promise<void> {
    try {
      const config = await fetchJson<SiteConfig>('config')
      if (destroyed) return
      $config.set(config)
      if (config.storage === 'always') void ensureClient()
      if ($boot.get() !== 'ready') {
        $boot.set('ready')
        events.emit('ready', { config })
      }
      if (config.channels?.chat !== false && $available.get() === undefined) {
        // Chat or the offline form, decided before any socket (no storage involved).
        fetchJson<PresenceReply>('presence').then(
          (presence) => {
            if (!destroyed && $available.get() === undefined) $available.set(presence.available)
          },
          () => {},
        )
      }
    } catch (error) {
      if (destroyed || $boot.get() === 'ready') return
      $boot.set('failed')
      console.warn('Parley: could not load the site config', error)
    }
  }

  /** Runs `fn` on the client, creating it first (submitting a form is an interaction). */
  async function withClient<T>(fn: (client: VisitorClient) => Promise<T>): Promise<T> {
    const client = await ensureClient()
    if (!client) throw new Error('Parley: the chat is not available')
    return fn(client)
  }

  /** The client once it exists, without creating it: the page's calls do not lift the consent gate. */
  function whenClient(): Promise<VisitorClient> {
    const current = $client.get()
    if (current) return Promise.resolve(current)
    return new Promise((resolve) => {
      const off = $client.listen((client) => {
        if (!client) return
        off()
        resolve(client)
      })
    })
  }

  function lead(kind: 'callback' | 'offline') {
    return (ack: Ack): Ack => {
      if (ack.conversationId) events.emit('lead', { kind, conversationId: ack.conversationId })
      return ack
    }
  }

  const controller: WidgetController = {
    $boot,
    $config,
    $open,
    $view,
    $available,
    $operatorsLeft,
    $prechatDone,
    $client,
    host,
    draft: '',
    locale: () => pickLocale(options.locale, $config.get()?.locale, env.language()),
    now: () => (env.now ?? Date.now)(),
    start() {
      const storage = env.storage()
      // A returning visitor consented earlier: reading storage is allowed, and
      // connecting now shows the history and unread replies without a click.
      if (storage?.getItem(tokenKey(options.site)) != null) void ensureClient()
      $prechatDone.set(storage?.getItem(prechatKey(options.site)) != null)
      void loadConfig()
    },
    open(view = 'chat') {
      if (destroyed) return
      if (env.userActivated()) void ensureClient()
      $view.set(view)
      if ($open.get()) return
      $open.set(true)
      events.emit('open', { view })
    },
    close() {
      if (destroyed || !$open.get()) return
      $open.set(false)
      $operatorsLeft.set(false)
      events.emit('close', {})
    },
    toggle() {
      if ($open.get()) controller.close()
      else controller.open()
    },
    interact: () => void ensureClient(),
    allowStorage: () => void ensureClient(),
    client: ensureClient,
    send(text) {
      controller.draft = ''
      typing(false)
      // A rejected send is shown on the message itself (status 'failed').
      void ensureClient().then((client) => client?.send(text).catch(() => {}))
    },
    setTyping: typing,
    submitCallback: (form) => withClient((c) => c.submitCallback(form)).then(lead('callback')),
    submitOffline: (form) => withClient((c) => c.submitOffline(form)).then(lead('offline')),
    async submitPrechat(form) {
      const ack = await withClient((c) => c.submitPrechat(form))
      env.storage()?.setItem(prechatKey(options.site), '1')
      $prechatDone.set(true)
      return ack
    },
    identify: (data) => whenClient().then((c) => c.identify(data)),
    setAttributes: (attributes) => whenClient().then((c) => c.setAttributes(attributes)),
    rate: (id, rating) => withClient((c) => c.rate(id, rating)),
    reloadConfig: loadConfig,
    shutdown() {
      for (const off of subs.splice(0)) off()
      $client.get()?.shutdown()
      $client.set(undefined)
      loading = undefined
      env.storage()?.removeItem(prechatKey(options.site))
      $prechatDone.set(false)
      controller.draft = ''
      controller.close()
    },
    on: events.on,
    off: events.off,
    destroy() {
      if (destroyed) return
      destroyed = true
      abort.abort()
      typing.cancel()
      for (const off of subs.splice(0)) off()
      $client.get()?.destroy()
      $client.set(undefined)
      env.attention?.destroy()
      events.clear()
    },
  }
  return controller
}
