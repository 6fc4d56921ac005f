import {
  type CallbackForm,
  createEmitter,
  type IdentifyData,
  type OfflineForm,
  type PrechatForm,
  type VisitorAttributes,
  type VisitorClient,
} from '@parley/client'
import type { Ack, PresenceReply, SiteConfig } from '@parley/protocol'
import { atom, type ReadableAtom, type WritableAtom } from 'nanostores'
import type { ComponentChild } from 'preact'
import { type Locale, pickLocale, stringsFor } from './i18n.ts'
import { type Invitation, invite } from './invitation.tsx'
import { prechatKey, tokenKey } from './storage.ts'
import type {
  BootState,
  Listener,
  View,
  WidgetEnvironment,
  WidgetEvents,
  WidgetOptions,
} from './types.ts'
import { throttleTyping } from './typing.ts'

export type {
  BootState,
  Listener,
  View,
  WidgetEnvironment,
  WidgetEvents,
  WidgetOptions,
} from './types.ts'

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
  /** The relay's `GET .../presence` reply (operators, availability, region), fetched once at start. */
  readonly $presence: ReadableAtom<PresenceReply | undefined>
  /** An engagement invitation shown at the top of the chat instead of the greeting. */
  readonly $invitation: WritableAtom<Invitation | undefined>
  /** What the scenarios chunk draws next to the omni-button (invitation bubble, pulse). */
  readonly $extra: WritableAtom<ComponentChild>
  /**
   * The scenario whose invitation the visitor took or is looking at: the next
   * message, callback or offline form carries it (then it is cleared).
   */
  scenarioId?: string | undefined
  /** Told when a message or form carried `scenarioId` (a conversion). */
  onConvert?: ((scenarioId: string) => void) | undefined
  /** The panel was opened by an invitation, not by the visitor: it does not take focus. */
  quiet?: boolean
  /** Custom events (`Parley('track', name)`) waiting for the scenarios chunk. */
  readonly tracked: string[]
  /** `Parley('track', name)`: a custom event engagement scenarios can wait for. */
  track(name: string): void
  /** Created only once storage is allowed: interaction, `allowStorage()`, a returning visitor, or `storage: 'always'`. */
  readonly $client: ReadableAtom<VisitorClient | undefined>
  /** The relay's origin, without a trailing slash. */
  readonly host: string
  /** The site id. */
  readonly site: string
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
  const $presence = atom<PresenceReply | undefined>(undefined)
  let stopScenarios: (() => void) | undefined
  const events = createEmitter<WidgetEvents>()
  const abort = new AbortController()
  /** Subscriptions of the current client; dropped on shutdown. */
  const subs: (() => void)[] = []
  const typing = throttleTyping(
    (value) => $client.get()?.setTyping(value),
    () => controller.now(),
  )
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
          // An operator's invitation shows as a scenario's `openChat` does.
          client.on('invitation', ({ invitation: i }) => invite(controller, i.id, i)),
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
      const scenarios = config.scenarios?.some((s) => s.enabled) && env.loadScenarios
      if (scenarios && !stopScenarios) {
        stopScenarios = () => {}
        scenarios().then(
          (start) => {
            if (!destroyed) stopScenarios = start(controller)
          },
          (error: unknown) => console.warn('Parley: could not load scenarios', error),
        )
      }
      if ((scenarios || config.channels?.chat !== false) && $available.get() === undefined) {
        // Chat or the offline form, decided before any socket (no storage involved);
        // operators and the visitor's region for scenarios.
        fetchJson<PresenceReply>('presence').then(
          (presence) => {
            if (destroyed) return
            $presence.set(presence)
            if ($available.get() === undefined) $available.set(presence.available)
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

  /** Adds the attributed scenario to a message or form; spent once the relay accepted one. */
  function attributed<T>(submit: (extra: { scenarioId?: string }) => Promise<T>): Promise<T> {
    const id = controller.scenarioId
    return submit(id ? { scenarioId: id } : {}).then((ack) => {
      if (id && controller.scenarioId === id) {
        controller.scenarioId = undefined
        controller.onConvert?.(id)
      }
      return ack
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
    $presence,
    $invitation: atom(),
    $extra: atom(),
    host,
    site: options.site,
    draft: '',
    tracked: [],
    track(name) {
      if (controller.tracked.length < 50) controller.tracked.push(name)
    },
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
      // An invitation opening the panel is no consent, even right after a click on the page.
      if (!controller.quiet && env.userActivated()) void ensureClient()
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
      void ensureClient().then((client) =>
        client ? attributed((extra) => client.send(text, extra)).catch(() => {}) : undefined,
      )
    },
    setTyping: typing,
    submitCallback: (form) =>
      withClient((c) => attributed((x) => c.submitCallback({ ...form, ...x }))).then(
        lead('callback'),
      ),
    submitOffline: (form) =>
      withClient((c) => attributed((x) => c.submitOffline({ ...form, ...x }))).then(
        lead('offline'),
      ),
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
      // The client removes its own keys; the widget's are the pre-chat flag and the
      // scenarios' visit history.
      env.storage()?.removeItem(prechatKey(options.site))
      env.storage()?.removeItem(`parley:${options.site}:visits`)
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
      stopScenarios?.()
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
