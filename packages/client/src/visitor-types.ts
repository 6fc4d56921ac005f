import type {
  Ack,
  ConversationSummary,
  InvitationFrame,
  PageInfo,
  VisitorWelcome,
} from '@parley/protocol'
import type { ReadableAtom } from 'nanostores'
import type { ConnectionStatus } from './connection.ts'
import type { ChatMessage } from './conversation-log.ts'
import type { Unsubscribe } from './emitter.ts'
import type { ParleyError } from './errors.ts'
import type { CommonOptions } from './options.ts'
import type {
  CallbackForm,
  EngageData,
  IdentifyData,
  OfflineForm,
  PrechatForm,
  SendOptions,
  VisitorAttributes,
} from './visitor-forms.ts'

/** The visitor client's contract: its options, events and methods (`createVisitorClient`). */

export interface VisitorClientOptions extends CommonOptions {
  /** Site id, as in the script tag's `data-site`. */
  site: string
  /** BCP 47 language of the visitor, sent in `hello`. */
  lang?: string
  /** Where the visitor is, sent in `hello`. */
  page?: () => PageInfo
}

/** Where a conversation waits for an operator, from the relay's `queue` frames. */
export interface QueuePlace {
  /** 1 is next. */
  position: number
  /**
   * The relay's estimate from the group's recent waits, in seconds; `null` when it
   * has too few to tell (show the position alone then, never a made-up number).
   */
  waitSeconds: number | null
}

export interface VisitorClientEvents {
  status: { status: ConnectionStatus }
  /** A message became visible (live or replayed), in seq order; own pending ones are not reported. */
  message: { message: ChatMessage }
  /** A frame was refused, or the relay refused us for good (then `$status` is `closed`). */
  error: { error: ParleyError }
  welcome: { welcome: VisitorWelcome }
  /**
   * A conversation's place in the queue changed (any of the visitor's conversations, the
   * current one or not). `place` is `undefined` once it no longer waits: an operator took
   * it (`position: null` from the relay), an operator's message arrived in it, or a new
   * `welcome` came (the relay then sends the places of those still waiting).
   */
  queue: { conversationId: string; place: QueuePlace | undefined }
  /**
   * An operator invites the visitor to a chat (proactive chat). Show `invitation.message` as
   * the operator's, and send the first message with `scenarioId: invitation.id`: the
   * conversation then opens with the invitation.
   */
  invitation: { invitation: InvitationFrame }
}

export interface VisitorClient {
  readonly $status: ReadableAtom<ConnectionStatus>
  /** The current conversation: applied events in seq order, then own pending messages. */
  readonly $messages: ReadableAtom<ChatMessage[]>
  readonly $conversation: ReadableAtom<ConversationSummary | undefined>
  /** Operator messages after the last `markRead()`. */
  readonly $unread: ReadableAtom<number>
  readonly $operatorsOnline: ReadableAtom<number>
  readonly $operatorTyping: ReadableAtom<boolean>
  /**
   * Whether chat is available (an operator online, within working hours), from
   * `welcome` and live `presence`; `undefined` before the first welcome.
   */
  readonly $available: ReadableAtom<boolean | undefined>
  /**
   * The current conversation's place in the queue while it waits for an operator;
   * `undefined` when it does not wait (see the `queue` event for when that changes).
   */
  readonly $queue: ReadableAtom<QueuePlace | undefined>
  /** The signed messenger start parameter from `welcome`; `undefined` before it. */
  readonly $startParam: ReadableAtom<string | undefined>
  /**
   * Opens the socket and says hello with the stored token and the cursor of this
   * client's memory (empty after a page load: the relay replays the latest events
   * of the visitor's conversations); idempotent.
   */
  connect(): void
  /**
   * Shows the message as pending at once and keeps it in the outbox until the
   * relay acknowledges it (across reconnects and reloads). Connects if needed.
   * Rejects with a {@link ParleyError} (`text_empty`, `text_too_long`, any wire code, `destroyed`).
   */
  send(text: string, options?: SendOptions): Promise<Ack>
  setTyping(typing: boolean): void
  /**
   * Asks to be called back: a new conversation of kind `callback`. Like every
   * form below it goes through the outbox (kept while offline, sent once), and
   * over HTTP when the socket cannot connect. Rejects with a {@link ParleyError}:
   * `field_invalid` (with `fields`), `consent_required`, ...
   */
  submitCallback(form: CallbackForm): Promise<Ack>
  /** Leaves a message while nobody is available: a new conversation of kind `offline`. */
  submitOffline(form: OfflineForm): Promise<Ack>
  /** Sends the pre-chat form; stored on the visitor's profile. */
  submitPrechat(form: PrechatForm): Promise<Ack>
  /** Tells the relay who the visitor is on the site; `identity_unverified` without a valid hash when required. */
  identify(data: IdentifyData): Promise<Ack>
  setAttributes(attributes: VisitorAttributes): Promise<Ack>
  /** Rates a closed conversation 1..5. */
  rate(conversationId: string, rating: number, comment?: string): Promise<Ack>
  /**
   * Reports an engagement invitation's impression, click or dismissal (through
   * the outbox, like the forms), for the relay's per-scenario counts.
   */
  engage(data: EngageData): Promise<Ack>
  /**
   * Forgets the visitor (logout): tells the relay to end the visitor's tokens (`forget`, when
   * the socket is open: the stored token then gets `token_invalid` anywhere), removes its
   * token, outbox and read positions from storage, closes the socket and empties the stores.
   * The client is done; create a new one for the next visitor.
   */
  shutdown(): void
  /** Marks everything in the current conversation as read (here and on the relay). */
  markRead(): void
  on<K extends keyof VisitorClientEvents>(
    event: K,
    fn: (context: VisitorClientEvents[K]) => void,
  ): Unsubscribe
  /** Closes the socket, stops timers, drops listeners; the outbox stays stored. */
  destroy(): void
}
