import type {
  Ack,
  ConversationEvent,
  ConversationSummary,
  PageInfo,
  VisitorHello,
  VisitorWelcome,
} from '@parley/protocol'
import { atom, type ReadableAtom } from 'nanostores'
import type { ConnectionStatus, InboundFrame } from './connection.ts'
import type { ChatMessage } from './conversation-log.ts'
import { createEmitter, type Unsubscribe } from './emitter.ts'
import { ParleyError } from './errors.ts'
import type { CommonOptions } from './options.ts'
import { createCid } from './outbox.ts'
import { PROTOCOL_VERSION, Session } from './session.ts'
import { setList } from './stores.ts'

export interface VisitorClientOptions extends CommonOptions {
  /** Site id, as in the script tag's `data-site`. */
  site: string
  /** BCP 47 language of the visitor, sent in `hello`. */
  lang?: string
  /** Where the visitor is, sent in `hello`. */
  page?: () => PageInfo
}

export interface VisitorClientEvents {
  status: { status: ConnectionStatus }
  /** A message became visible (live or replayed), in seq order; own pending ones are not reported. */
  message: { message: ChatMessage }
  /** A frame was refused, or the relay refused us for good (then `$status` is `closed`). */
  error: { error: ParleyError }
  welcome: { welcome: VisitorWelcome }
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
  /** Opens the socket and says hello with the stored token and cursor; idempotent. */
  connect(): void
  /**
   * Shows the message as pending at once and keeps it in the outbox until the
   * relay acknowledges it (across reconnects and reloads). Connects if needed.
   * Rejects with a {@link ParleyError} (`text_empty`, `text_too_long`, any wire code, `destroyed`).
   */
  send(text: string): Promise<Ack>
  setTyping(typing: boolean): void
  /** Marks everything in the current conversation as read (here and on the relay). */
  markRead(): void
  on<K extends keyof VisitorClientEvents>(
    event: K,
    fn: (context: VisitorClientEvents[K]) => void,
  ): Unsubscribe
  /** Closes the socket, stops timers, drops listeners; the outbox stays stored. */
  destroy(): void
}

/** An operator who stopped typing without saying so is assumed gone after this. */
const TYPING_EXPIRES_MS = 6000

export function createVisitorClient(options: VisitorClientOptions): VisitorClient {
  if (!options.site) throw new TypeError('Parley: pass `site`, the site id from the console')
  const prefix = `parley:${options.site}:`
  const tokenKey = `${prefix}token`
  const events = createEmitter<VisitorClientEvents>()
  const $messages = atom<ChatMessage[]>([])
  const $conversation = atom<ConversationSummary | undefined>(undefined)
  const $unread = atom(0)
  const $operatorsOnline = atom(0)
  const $operatorTyping = atom(false)
  let conversationId: string | undefined
  let maxTextLength = Number.POSITIVE_INFINITY
  let retriedAsNew = false
  let readPending = false
  let stopTypingTimer: Unsubscribe = () => {}

  const session: Session = new Session({
    options,
    path: `/v1/visitor?site=${encodeURIComponent(options.site)}`,
    keys: { cursor: `${prefix}cursor`, outbox: `${prefix}outbox`, messages: `${prefix}messages` },
    hello: (): VisitorHello => {
      const token = session.storage.getItem(tokenKey)
      return {
        t: 'hello',
        v: PROTOCOL_VERSION,
        cursor: session.log.cursor(),
        ...(token ? { token } : {}),
        ...(options.page ? { page: options.page() } : {}),
        ...(options.lang ? { lang: options.lang } : {}),
        tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
      }
    },
    recover: (error) => {
      // A stale or foreign token: start over once as a new visitor.
      if (error.code !== 'token_invalid' || retriedAsNew) return false
      retriedAsNew = true
      session.storage.removeItem(tokenKey)
      session.log.clear()
      conversationId = undefined
      $conversation.set(undefined)
      refresh()
      return true
    },
    onFrame: (frame) => receive(frame),
    onChange: (id) => {
      // The first message opened a conversation, or a new one replaced a closed one.
      if (id && id !== conversationId && $conversation.get()?.status !== 'open') {
        conversationId = id
        $conversation.set(undefined)
      }
      refresh()
    },
    onError: (error) => events.emit('error', { error }),
  })
  const { log } = session

  // Messages still in the outbox from before a reload show as pending at once.
  for (const { frame, at } of session.outbox.list()) {
    if (frame.t !== 'send' || frame.text === undefined) continue
    log.addPending(pendingMessage(frame.cid, frame.text, at, frame.conversationId))
  }
  conversationId = latestStored()
  refresh()

  session.subs.push(
    session.connection.on('state', ({ newState }) => events.emit('status', { status: newState })),
    () => stopTypingTimer(),
    () => events.clear(),
  )

  function pendingMessage(cid: string, text: string, at: number, id?: string): ChatMessage {
    return {
      key: cid,
      cid,
      author: { kind: 'visitor' },
      text,
      at,
      status: 'pending',
      ...(id ? { conversationId: id } : {}),
    }
  }

  /** Before a welcome names the conversations: the stored one with the newest message. */
  function latestStored(): string | undefined {
    let latest: { id: string; at: number } | undefined
    for (const id of Object.keys(log.cursor())) {
      const at = log.messages(id).at(-1)?.at ?? 0
      if (!latest || at > latest.at) latest = { id, at }
    }
    return latest?.id
  }

  function refresh(): void {
    const messages = log.messages(conversationId)
    setList($messages, messages)
    const read = conversationId ? log.readSeq(conversationId) : 0
    $unread.set(
      messages.filter((m) => m.author.kind === 'operator' && m.seq !== undefined && m.seq > read)
        .length,
    )
  }

  function setTypingIndicator(typing: boolean): void {
    stopTypingTimer()
    $operatorTyping.set(typing)
    if (!typing) return
    const { setTimeout: set, clearTimeout: clear } = options.timers ?? globalThis
    const handle = set(() => $operatorTyping.set(false), TYPING_EXPIRES_MS)
    stopTypingTimer = () => clear(handle as ReturnType<typeof setTimeout>)
  }

  function onWelcome(welcome: VisitorWelcome): void {
    session.storage.setItem(tokenKey, welcome.token)
    retriedAsNew = false
    maxTextLength = welcome.limits?.maxTextLength ?? maxTextLength
    $operatorsOnline.set(welcome.operatorsOnline)
    const known = welcome.conversations.find((c) => c.id === conversationId)
    const newest = [...welcome.conversations].sort(
      (a, b) =>
        Number(b.status === 'open') - Number(a.status === 'open') || b.updatedAt - a.updatedAt,
    )[0]
    const current = known ?? newest
    conversationId = current?.id
    $conversation.set(current)
    refresh()
    session.flush()
    if (readPending) sendRead()
    events.emit('welcome', { welcome })
  }

  function onEvent(event: ConversationEvent): void {
    if (!conversationId) conversationId = event.conversationId
    const { added, needsSync } = log.apply(event)
    if (needsSync) session.sendNow({ t: 'sync', cursor: log.cursor() })
    if (added.length === 0) return
    const summary = $conversation.get()
    const last = added.at(-1)!
    if (summary?.id === event.conversationId) {
      $conversation.set({ ...summary, lastSeq: last.seq!, lastText: last.text, updatedAt: last.at })
    }
    if (added.some((m) => m.author.kind === 'operator')) setTypingIndicator(false)
    refresh()
    for (const message of added) events.emit('message', { message })
  }

  function receive(frame: InboundFrame): void {
    switch (frame.t) {
      case 'welcome':
        onWelcome(frame as VisitorWelcome)
        return
      case 'event':
        onEvent(frame)
        return
      case 'conversation': {
        const { conversation } = frame
        if (!conversationId || conversation.id === conversationId) {
          conversationId = conversation.id
          $conversation.set(conversation)
          refresh()
        }
        return
      }
      case 'presence':
        $operatorsOnline.set(frame.operatorsOnline)
        return
      case 'typing':
        if (frame.author.kind === 'operator' && frame.conversationId === conversationId) {
          setTypingIndicator(frame.typing)
        }
        return
      case 'read':
        // Another tab of this visitor read the conversation.
        if (frame.author.kind === 'visitor') log.markRead(frame.conversationId, frame.seq)
        refresh()
        return
    }
  }

  function markRead(): void {
    if (!conversationId) return
    log.markRead(conversationId, log.lastSeq(conversationId))
    refresh()
    readPending = true
    if (session.connected) sendRead()
  }

  /** Tells the relay; if the socket is not open, the next welcome does. */
  function sendRead(): void {
    if (!conversationId) return
    const seq = log.readSeq(conversationId)
    readPending = !session.connection.send({ t: 'read', conversationId, seq })
  }

  return {
    $status: session.$status,
    $messages,
    $conversation,
    $unread,
    $operatorsOnline,
    $operatorTyping,
    connect: () => {
      if (!session.destroyed) session.connection.connect()
    },
    send(text) {
      if (text.trim() === '') return Promise.reject(new ParleyError('text_empty'))
      if (text.length > maxTextLength) return Promise.reject(new ParleyError('text_too_long'))
      const cid = createCid()
      const open = $conversation.get()?.status !== 'closed' ? conversationId : undefined
      const at = session.now()
      const acked = session.enqueue(
        { t: 'send', cid, text, ...(open ? { conversationId: open } : {}) },
        pendingMessage(cid, text, at, open),
      )
      refresh()
      return acked
    },
    setTyping(typing) {
      if (conversationId) session.sendNow({ t: 'typing', conversationId, typing })
    },
    markRead,
    on: (event, fn) => events.on(event, fn),
    destroy: () => session.destroy(),
  }
}
