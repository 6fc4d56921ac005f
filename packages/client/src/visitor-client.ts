import type {
  Ack,
  ConversationEvent,
  ConversationSummary,
  VisitorHello,
  VisitorWelcome,
} from '@parley/protocol'
import { atom } from 'nanostores'
import type { InboundFrame, WebSocketConstructor } from './connection.ts'
import type { ChatMessage } from './conversation-log.ts'
import { createEmitter, type Unsubscribe } from './emitter.ts'
import { ParleyError } from './errors.ts'
import { type HttpError, postForm } from './http-fallback.ts'
import type { OutboxFrame } from './outbox.ts'
import { createCid } from './outbox.ts'
import { PROTOCOL_VERSION, Session } from './session.ts'
import { setList } from './stores.ts'
import type {
  QueuePlace,
  VisitorClient,
  VisitorClientEvents,
  VisitorClientOptions,
} from './visitor-types.ts'

/** An operator who stopped typing without saying so is assumed gone after this. */
const TYPING_EXPIRES_MS = 6000
/** Form frames the relay also takes over HTTP, for visitors whose WebSocket is blocked. */
const HTTP_FORMS: readonly string[] = ['callback', 'offline']
/** Failed connection attempts in a row after which forms go over HTTP. */
const FALLBACK_AFTER = 3

/** A WebSocket stand-in when there is none: every attempt fails, so forms go over HTTP. */
class NoWebSocket {
  constructor() {
    throw new TypeError('no WebSocket')
  }
}

const isChat = (summary: ConversationSummary) => (summary.kind ?? 'chat') === 'chat'

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
  const $available = atom<boolean | undefined>(undefined)
  const $startParam = atom<string | undefined>(undefined)
  const $queue = atom<QueuePlace | undefined>(undefined)
  /** Places in the queue of the visitor's waiting conversations, by id; `$queue` shows the current one's. */
  const places = new Map<string, QueuePlace>()
  /** Callback and offline conversations: kept in the log (cursor), never shown as the chat. */
  const forms = new Set<string>()
  /** Form frames on their way over HTTP: not resent on the socket meanwhile. */
  const posting = new Set<string>()
  const WebSocket = options.WebSocket ?? globalThis.WebSocket
  const socketless = !WebSocket
  let failedAttempts = 0
  let conversationId: string | undefined
  let maxTextLength = Number.POSITIVE_INFINITY
  let retriedAsNew = false
  let readPending = false
  let stopTypingTimer: Unsubscribe = () => {}

  const session: Session = new Session({
    options,
    path: `/v1/visitor?site=${encodeURIComponent(options.site)}`,
    WebSocket: WebSocket ?? (NoWebSocket as unknown as WebSocketConstructor),
    keys: { outbox: `${prefix}outbox`, read: `${prefix}read` },
    startAtFirst: true,
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
    onChange: (id, t) => {
      if (id && (t === 'callback' || t === 'offline')) forms.add(id)
      // The first message opened a conversation, or a new one replaced a closed one.
      if (t === 'send' && id && id !== conversationId && $conversation.get()?.status !== 'open') {
        conversationId = id
        $conversation.set(undefined)
      }
      refresh()
    },
    onError: (error) => events.emit('error', { error }),
  })
  const { log } = session
  // Conversation text was cached here before; it stays off the visitor's device.
  for (const key of ['messages', 'cursor']) session.storage.removeItem(prefix + key)

  // Messages still in the outbox from before a reload show as pending at once.
  for (const { frame, at } of session.outbox.list()) {
    if (frame.t !== 'send' || frame.text === undefined) continue
    log.addPending(pendingMessage(frame.cid, frame.text, at, frame.conversationId))
    conversationId = frame.conversationId ?? conversationId
  }
  refresh()

  session.subs.push(
    session.connection.on('state', ({ newState }) => events.emit('status', { status: newState })),
    session.connection.on('retry', ({ attempt }) => {
      failedAttempts = attempt + 1
      postForms()
    }),
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

  function refresh(): void {
    const messages = log.messages(conversationId)
    setList($messages, messages)
    $queue.set(conversationId ? places.get(conversationId) : undefined)
    const read = conversationId ? log.readSeq(conversationId) : 0
    $unread.set(
      messages.filter((m) => m.author.kind === 'operator' && m.seq !== undefined && m.seq > read)
        .length,
    )
  }

  /** Sets or (without `place`) clears a conversation's place in the queue; tells listeners of a change. */
  function setPlace(id: string, place?: QueuePlace): void {
    if (!place && !places.delete(id)) return
    if (place) places.set(id, place)
    refresh()
    events.emit('queue', { conversationId: id, place })
  }

  function setTypingIndicator(typing: boolean): void {
    stopTypingTimer()
    $operatorTyping.set(typing)
    if (!typing) return
    const { setTimeout: set, clearTimeout: clear } = options.timers ?? globalThis
    const handle = set(() => $operatorTyping.set(false), TYPING_EXPIRES_MS)
    stopTypingTimer = () => clear(handle as ReturnType<typeof setTimeout>)
  }

  /** Posts queued callback/offline forms over HTTP once the socket has failed often enough. */
  function postForms(): void {
    if (!socketless && failedAttempts < FALLBACK_AFTER) return
    for (const { frame } of session.outbox.list()) {
      if (!HTTP_FORMS.includes(frame.t) || posting.has(frame.cid)) continue
      posting.add(frame.cid)
      // Bundled, not a lazy chunk: in the widget build a file of its own cost more
      // bytes in all than it saved (packages/widget, ARCHITECTURE.md).
      postForm(
        {
          host: options.host,
          site: options.site,
          fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
          token: () => session.storage.getItem(tokenKey),
          setToken: (token) => session.storage.setItem(tokenKey, token),
        },
        frame,
      ).then(
        (ack) => {
          posting.delete(frame.cid)
          if (!session.destroyed) session.acknowledge(ack)
        },
        (error: HttpError) => {
          posting.delete(frame.cid)
          if (session.destroyed || error.retry !== false) return
          session.reject(error)
          events.emit('error', { error })
        },
      )
    }
  }

  function onWelcome(welcome: VisitorWelcome): void {
    session.storage.setItem(tokenKey, welcome.token)
    retriedAsNew = false
    failedAttempts = 0
    maxTextLength = welcome.limits?.maxTextLength ?? maxTextLength
    $operatorsOnline.set(welcome.operatorsOnline)
    if (typeof welcome.available === 'boolean') $available.set(welcome.available)
    if (welcome.startParam) $startParam.set(welcome.startParam)
    for (const c of welcome.conversations) if (!isChat(c)) forms.add(c.id)
    // Places from before are stale: the relay sends those still waiting after `welcome`.
    for (const id of places.keys()) setPlace(id)
    const chats = welcome.conversations.filter(isChat)
    const known = chats.find((c) => c.id === conversationId)
    const newest = [...chats].sort(
      (a, b) =>
        Number(b.status === 'open') - Number(a.status === 'open') || b.updatedAt - a.updatedAt,
    )[0]
    const current = known ?? newest
    conversationId = current?.id
    $conversation.set(current)
    refresh()
    session.flush((cid) => posting.has(cid))
    if (readPending) sendRead()
    events.emit('welcome', { welcome })
  }

  function onEvent(event: ConversationEvent): void {
    if (event.kind === 'form') forms.add(event.conversationId)
    const form = forms.has(event.conversationId)
    if (!conversationId && !form) conversationId = event.conversationId
    const { added, needsSync } = log.apply(event)
    if (needsSync) session.sendNow({ t: 'sync', cursor: log.cursor() })
    if (added.length === 0 || form) return
    const summary = $conversation.get()
    const last = added.at(-1)!
    if (summary?.id === event.conversationId) {
      $conversation.set({ ...summary, lastSeq: last.seq!, lastText: last.text, updatedAt: last.at })
    }
    if (added.some((m) => m.author.kind === 'operator')) {
      setTypingIndicator(false)
      // An operator answers: the conversation waits no more, whatever frame comes next.
      setPlace(event.conversationId)
    }
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
        if (!isChat(conversation)) {
          forms.add(conversation.id)
          return
        }
        if (!conversationId || conversation.id === conversationId) {
          conversationId = conversation.id
          $conversation.set(conversation)
          refresh()
        }
        return
      }
      case 'presence':
        $operatorsOnline.set(frame.operatorsOnline)
        if (typeof frame.available === 'boolean') $available.set(frame.available)
        return
      case 'queue':
        setPlace(
          frame.conversationId,
          frame.position === null
            ? undefined
            : { position: frame.position, waitSeconds: frame.waitSeconds },
        )
        return
      case 'typing':
        if (frame.author.kind === 'operator' && frame.conversationId === conversationId) {
          setTypingIndicator(frame.typing)
        }
        return
      case 'invitation':
        events.emit('invitation', { invitation: frame })
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

  /** Queues a form-like frame; callback and offline also go over HTTP when the socket fails. */
  function submit(frame: OutboxFrame & Record<string, unknown>): Promise<Ack> {
    const acked = session.enqueue(frame)
    if (HTTP_FORMS.includes(frame.t)) postForms()
    return acked
  }

  return {
    $status: session.$status,
    $messages,
    $conversation,
    $unread,
    $operatorsOnline,
    $operatorTyping,
    $available,
    $startParam,
    $queue,
    connect: () => {
      if (!session.destroyed) session.connection.connect()
    },
    send(text, extra) {
      if (text.trim() === '') return Promise.reject(new ParleyError('text_empty'))
      if (text.length > maxTextLength) return Promise.reject(new ParleyError('text_too_long'))
      const cid = createCid()
      const open = $conversation.get()?.status !== 'closed' ? conversationId : undefined
      const at = session.now()
      const acked = session.enqueue(
        {
          t: 'send',
          cid,
          text,
          ...(open ? { conversationId: open } : {}),
          ...(extra?.scenarioId ? { scenarioId: extra.scenarioId } : {}),
        },
        pendingMessage(cid, text, at, open),
      )
      refresh()
      return acked
    },
    setTyping(typing) {
      if (conversationId) session.sendNow({ t: 'typing', conversationId, typing })
    },
    submitCallback: (form) => submit({ ...form, t: 'callback', cid: createCid() }),
    submitOffline: (form) => submit({ ...form, t: 'offline', cid: createCid() }),
    submitPrechat: (form) => submit({ ...form, t: 'prechat', cid: createCid() }),
    identify: (data) => submit({ ...data, t: 'identify', cid: createCid() }),
    setAttributes: (attributes) => submit({ t: 'attributes', cid: createCid(), attributes }),
    engage: (data) => submit({ ...data, t: 'engage', cid: createCid() }),
    async rate(id, rating, comment) {
      const frame = { t: 'rate', cid: createCid(), conversationId: id, rating }
      const ack = await submit(comment ? { ...frame, comment } : frame)
      const summary = $conversation.get()
      if (summary?.id === id) {
        $conversation.set({ ...summary, rating, ...(comment ? { ratingComment: comment } : {}) })
      }
      return ack
    },
    shutdown() {
      // Ends the visitor's tokens on the relay too (every tab, every device); then forgets.
      session.sendNow({ t: 'forget' })
      session.destroy()
      for (const key of ['token', 'outbox', 'read']) {
        session.storage.removeItem(prefix + key)
      }
      conversationId = undefined
      places.clear()
      $queue.set(undefined)
      $messages.set([])
      $conversation.set(undefined)
      $unread.set(0)
      $operatorTyping.set(false)
      $startParam.set(undefined)
    },
    markRead,
    on: (event, fn) => events.on(event, fn),
    destroy: () => session.destroy(),
  }
}
