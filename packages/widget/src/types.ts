import type {
  ChatMessage,
  KeyValueStorage,
  VisitorClient,
  VisitorClientOptions,
} from '@parley/client'
import type { PageInfo, SiteConfig } from '@parley/protocol'
import type { Attention } from './attention.ts'
import type { Locale } from './i18n.ts'
import type { StartScenarios } from './invitation.tsx'

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

/** A listener takes one context object, so fields can be added later. */
export type Listener<T> = (context: T) => void

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
  /** The client factory, asked for on first need (the browser build has it in widget.js). */
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
  /**
   * Loads the engagement scenarios chunk (engine and its DOM adapter); called only
   * when the site config has an enabled scenario. Absent: scenarios are ignored.
   */
  loadScenarios?(): Promise<StartScenarios>
}

/** Where booting is: config loading, shown, or the config could not be loaded. */
export type BootState = 'loading' | 'ready' | 'failed'
