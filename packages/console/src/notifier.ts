import type { ChatMessage, OperatorClient } from '@parley/client'
import type { ConversationSummary } from '@parley/protocol'
import { conversationTitle } from './labels.ts'

/** What the notifier takes from the browser, so tests can replace it. */
export interface NotifierEnvironment {
  /** The browser's `Notification`, or `undefined` where there is none. */
  Notification: typeof Notification | undefined
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
  return {
    Notification: typeof Notification === 'undefined' ? undefined : Notification,
    hidden: () => document.hidden,
    chime,
    focusWindow: () => window.focus(),
  }
}

/**
 * Desktop notifications and a chime for a new conversation or a visitor's message while the
 * console is hidden. Permission is asked only from a click (`enable`); nothing is shown
 * while the operator is looking at the console, and one notification per conversation
 * replaces the last (`tag`).
 */
export class Notifier {
  readonly #known = new Set<string>()
  readonly #offs: (() => void)[] = []
  #welcomed = false

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
    if (!summary || summary.status !== 'open') return
    this.#notify(conversationId, conversationTitle(summary), message.text)
  }

  #notify(conversationId: string, title: string, body: string | undefined): void {
    if (!this.env.hidden()) return
    this.env.chime()
    const N = this.env.Notification
    if (N?.permission !== 'granted') return
    const shown = new N(title, { body: body ?? '', tag: conversationId })
    shown.onclick = () => {
      this.env.focusWindow()
      this.open(conversationId)
      shown.close()
    }
  }
}
