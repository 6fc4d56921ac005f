import type { ChatMessage, OperatorClient } from '@parley/client'
import type { ConversationSummary } from '@parley/protocol'
import { conversationTitle } from './labels.ts'

/** What the notifier needs of the console's service-worker registration. */
export type NotificationRegistration = Pick<ServiceWorkerRegistration, 'showNotification'>

/** What the service worker posts to the console when its notification is clicked (`sw.js`). */
export const OPEN_CONVERSATION = 'parley:open-conversation'

/** What the notifier takes from the browser, so tests can replace it. */
export interface NotifierEnvironment {
  /** The browser's `Notification` (its permission), or `undefined` where there is none. */
  Notification: typeof Notification | undefined
  /**
   * The console's service worker once it is active, or `undefined`. Its notifications outlive
   * the page's and a click on one is handled by the worker (`sw.js`); without it the page
   * shows them itself.
   */
  registration(): NotificationRegistration | undefined
  /**
   * Calls `listener` with the conversation a click on a worker's notification asks to open
   * (the worker's `OPEN_CONVERSATION` message). Returns the unsubscribe function.
   */
  onOpenRequest(listener: (conversationId: string) => void): () => void
  /** Whether the operator is looking elsewhere (`document.hidden`). */
  hidden(): boolean
  /** A short tone; a no-op where audio is unavailable. */
  chime(): void
  /** Brings the console's window forward. */
  focusWindow(): void
}

/** A two-note chime from an oscillator: no sound file to download. */
function chime(): void {
  try {
    const audio = new AudioContext()
    const gain = audio.createGain()
    gain.gain.setValueAtTime(0.08, audio.currentTime)
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35)
    gain.connect(audio.destination)
    for (const [frequency, at] of [
      [880, 0],
      [1320, 0.12],
    ] as const) {
      const tone = audio.createOscillator()
      tone.frequency.value = frequency
      tone.connect(gain)
      tone.start(audio.currentTime + at)
      tone.stop(audio.currentTime + at + 0.2)
    }
    setTimeout(() => void audio.close(), 600)
  } catch {
    // No audio here (autoplay refused or no device): the notification alone tells.
  }
}

export function browserNotifierEnvironment(): NotifierEnvironment {
  // Absent outside a secure context; `ready` waits for an active worker (forever without one).
  const container = 'serviceWorker' in navigator ? navigator.serviceWorker : undefined
  let registration: ServiceWorkerRegistration | undefined
  void container?.ready.then((ready) => {
    registration = ready
  })
  return {
    Notification: typeof Notification === 'undefined' ? undefined : Notification,
    registration: () => registration,
    onOpenRequest(listener) {
      if (!container) return () => {}
      const onMessage = ({ data }: MessageEvent) => {
        if (data?.type === OPEN_CONVERSATION && typeof data.conversationId === 'string') {
          listener(data.conversationId)
        }
      }
      container.addEventListener('message', onMessage)
      return () => container.removeEventListener('message', onMessage)
    },
    hidden: () => document.hidden,
    chime,
    focusWindow: () => window.focus(),
  }
}

/**
 * Desktop notifications and a chime for a new conversation or a visitor's message while the
 * console is hidden. Permission is asked only from a click (`enable`); nothing is shown
 * while the operator is looking at the console, and one notification per conversation
 * replaces the last (`tag`). They come from the service worker when it is active (a click
 * focuses or opens the console, which then opens the conversation), from the page otherwise.
 */
export class Notifier {
  readonly #known = new Set<string>()
  readonly #offs: (() => void)[] = []
  #welcomed = false
  #destroyed = false

  constructor(
    private readonly client: OperatorClient,
    private readonly open: (conversationId: string) => void,
    private readonly env: NotifierEnvironment = browserNotifierEnvironment(),
  ) {
    this.#offs.push(
      client.on('welcome', ({ welcome }) => {
        for (const c of welcome.conversations) this.#known.add(c.id)
        this.#welcomed = true
      }),
      client.on('conversation', ({ conversation }) => this.#onConversation(conversation)),
      client.on('event', ({ conversationId, message }) => this.#onEvent(conversationId, message)),
      env.onOpenRequest((conversationId) => open(conversationId)),
    )
  }

  /** `default` (not asked yet), `granted`, `denied`, or `unsupported`. */
  get permission(): NotificationPermission | 'unsupported' {
    return this.env.Notification?.permission ?? 'unsupported'
  }

  /** Asks for permission; call it from a click. Resolves with the answer. */
  async enable(): Promise<NotificationPermission | 'unsupported'> {
    const N = this.env.Notification
    if (!N) return 'unsupported'
    return N.permission === 'default' ? N.requestPermission() : N.permission
  }

  destroy(): void {
    this.#destroyed = true
    for (const off of this.#offs) off()
    this.#offs.length = 0
  }

  #onConversation(conversation: ConversationSummary): void {
    const isNew = !this.#known.has(conversation.id)
    this.#known.add(conversation.id)
    if (!isNew || !this.#welcomed || conversation.status !== 'open') return
    this.#notify(
      conversation.id,
      `New conversation: ${conversationTitle(conversation)}`,
      conversation.lastText,
    )
  }

  #onEvent(conversationId: string, message: ChatMessage): void {
    // A first message comes with its conversation, which is notified already.
    if (message.author.kind !== 'visitor' || message.kind === 'system' || message.seq === 1) return
    const summary = this.client.$conversations.get().find((c) => c.id === conversationId)
    if (summary?.status !== 'open') return
    this.#notify(conversationId, conversationTitle(summary), message.text)
  }

  #notify(conversationId: string, title: string, body: string | undefined): void {
    if (!this.env.hidden()) return
    this.env.chime()
    const N = this.env.Notification
    if (N?.permission !== 'granted') return
    const text = body ?? ''
    const registration = this.env.registration()
    if (!registration) {
      this.#showInPage(N, conversationId, title, text)
      return
    }
    registration
      .showNotification(title, { body: text, tag: conversationId, data: { conversationId } })
      .catch(() => {
        // The worker could not show it (stopped, or it went away): the page still can.
        if (!this.#destroyed) this.#showInPage(N, conversationId, title, text)
      })
  }

  #showInPage(N: typeof Notification, conversationId: string, title: string, body: string): void {
    const shown = new N(title, { body, tag: conversationId })
    shown.onclick = () => {
      this.env.focusWindow()
      this.open(conversationId)
      shown.close()
    }
  }
}
