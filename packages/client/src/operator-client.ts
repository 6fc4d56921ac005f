import type {
  Ack,
  ChannelDelivery,
  ConversationEventsReply,
  ConversationSummary,
  OperatorHello,
  OperatorProfile,
  OperatorStatus,
  OperatorWelcome,
  TransferFrame,
} from '@parley/protocol'
import { atom, type ReadableAtom, type WritableAtom } from 'nanostores'
import type { ConnectionStatus, InboundFrame } from './connection.ts'
import type { ChatMessage } from './conversation-log.ts'
import { createEmitter, type Unsubscribe } from './emitter.ts'
import { ParleyError, type ParleyErrorCode } from './errors.ts'
import { mergeHistory } from './history.ts'
import { type CommonOptions, requireWebSocket } from './options.ts'
import { createCid } from './outbox.ts'
import { PROTOCOL_VERSION, Session } from './session.ts'
import { setList } from './stores.ts'

export interface OperatorClientOptions extends CommonOptions {
  /** API token for bots and scripts; the browser console omits it and uses its session cookie. */
  apiToken?: string
}

export interface OperatorClientEvents {
  status: { status: ConnectionStatus }
  /** An event became visible in a conversation (live, replayed or loaded), in seq order. */
  event: { conversationId: string; message: ChatMessage }
  /** A conversation summary arrived (new, assigned, closed). */
  conversation: { conversation: ConversationSummary }
  error: { error: ParleyError }
  welcome: { welcome: OperatorWelcome }
  /** The visitor of a conversation started or stopped typing (relayed, never stored). */
  typing: { conversationId: string; typing: boolean }
  /** The operator's own status changed (in any of their tabs, or by the relay: away). */
  presence: { status: OperatorStatus }
  /** An operator message to a messenger visitor moved on: sent, delivered, read, failed. */
  delivery: { conversationId: string; delivery: ChannelDelivery }
}

export interface OperatorClient {
  readonly $status: ReadableAtom<ConnectionStatus>
  readonly $profile: ReadableAtom<OperatorProfile | undefined>
  /** Most recently updated first. */
  readonly $conversations: ReadableAtom<ConversationSummary[]>
  /**
   * Conversations whose visitor is typing now: `{ [conversationId]: true }`. An entry goes
   * when the visitor stops, sends a message, or says nothing for 6 s.
   */
  readonly $visitorTyping: ReadableAtom<Readonly<Record<string, true>>>
  /**
   * The operator's own status as the relay keeps it: `online`, `pause`, `away` (idle; the next
   * frame ends it) or `offline`; `undefined` until the relay says (bots have none).
   */
  readonly $presence: ReadableAtom<OperatorStatus | undefined>
  /** Live and loaded events of one conversation in seq order, then own pending messages. */
  messages(conversationId: string): ReadableAtom<ChatMessage[]>
  /**
   * Loads `GET /v1/conversations/:id/events` (the relay's page: 200 events after `after`,
   * from the start by default) and merges it with live events, without duplicates.
   */
  loadHistory(conversationId: string, options?: { after?: number }): Promise<void>
  connect(): void
  /**
   * Sends a message; with `attachmentId` (an upload to the conversation,
   * `POST /v1/conversations/:id/attachments`) it carries that file, and `text` may be empty.
   * `data` is shown on the pending message until the relay's event replaces it.
   */
  send(
    conversationId: string,
    text: string,
    file?: { attachmentId: string; data?: Record<string, string> },
  ): Promise<Ack>
  /** Closes the conversation; `tags` (at most 10, each 1..32 characters) are stored with it. */
  close(conversationId: string, tags?: readonly string[]): Promise<Ack>
  setTyping(conversationId: string, typing: boolean): void
  markRead(conversationId: string, seq: number): void
  /** Chooses `online` (takes new conversations) or `pause` (keeps theirs, takes no new ones). */
  setPresence(status: 'online' | 'pause'): Promise<Ack>
  /** Takes a waiting conversation; rejects with `already_assigned` when someone was first. */
  accept(conversationId: string): Promise<Ack>
  /**
   * Hands a conversation to an operator (optionally within a group) or to a group's routing.
   * `note` is for operators only; the visitor reads who took it.
   */
  transfer(conversationId: string, to: TransferFrame['to'], note?: string): Promise<Ack>
  on<K extends keyof OperatorClientEvents>(
    event: K,
    fn: (context: OperatorClientEvents[K]) => void,
  ): Unsubscribe
  destroy(): void
}

const byUpdated = (a: ConversationSummary, b: ConversationSummary) => b.updatedAt - a.updatedAt

/** A visitor who stopped typing without saying so is assumed gone after this. */
const TYPING_EXPIRES_MS = 6000

export function createOperatorClient(options: OperatorClientOptions): OperatorClient {
  const events = createEmitter<OperatorClientEvents>()
  const $profile = atom<OperatorProfile | undefined>(undefined)
  const $conversations = atom<ConversationSummary[]>([])
  const stores = new Map<string, WritableAtom<ChatMessage[]>>()
  const $visitorTyping = atom<Readonly<Record<string, true>>>({})
  const $presence = atom<OperatorStatus | undefined>(undefined)
  const typingTimers = new Map<string, unknown>()
  const timers = options.timers ?? globalThis

  const session: Session = new Session({
    options,
    path: '/v1/operator',
    WebSocket: requireWebSocket(options),
    keys: { outbox: 'parley:operator:outbox' },
    hello: (): OperatorHello => ({
      t: 'hello',
      v: PROTOCOL_VERSION,
      cursor: session.log.cursor(),
      ...(options.apiToken ? { apiToken: options.apiToken } : {}),
    }),
    onFrame: (frame) => receive(frame),
    onChange: (id) => id && refresh(id),
    onError: (error) => events.emit('error', { error }),
  })
  const { log } = session
  session.subs.push(
    session.connection.on('state', ({ newState }) => events.emit('status', { status: newState })),
    () => events.clear(),
    () => {
      for (const handle of typingTimers.values()) timers.clearTimeout(handle)
      typingTimers.clear()
    },
  )

  function setVisitorTyping(conversationId: string, typing: boolean): void {
    const handle = typingTimers.get(conversationId)
    if (handle !== undefined) timers.clearTimeout(handle)
    typingTimers.delete(conversationId)
    if (typing) {
      typingTimers.set(
        conversationId,
        timers.setTimeout(() => setVisitorTyping(conversationId, false), TYPING_EXPIRES_MS),
      )
    }
    const current = $visitorTyping.get()
    if (Boolean(current[conversationId]) === typing) return
    const { [conversationId]: _, ...others } = current
    $visitorTyping.set(typing ? { ...others, [conversationId]: true } : others)
    events.emit('typing', { conversationId, typing })
  }

  function refresh(conversationId: string): void {
    const store = stores.get(conversationId)
    if (store) setList(store, log.messages(conversationId))
  }

  function upsert(conversation: ConversationSummary): void {
    const others = $conversations.get().filter((c) => c.id !== conversation.id)
    // An erased conversation (privacy request) leaves the list with its last summary.
    $conversations.set(conversation.erased ? others : [conversation, ...others].sort(byUpdated))
  }

  function show(conversationId: string, added: ChatMessage[]): void {
    if (added.length === 0) return
    const last = added.at(-1)!
    const summary = $conversations.get().find((c) => c.id === conversationId)
    if (summary && last.seq! > summary.lastSeq) {
      // As the relay keeps it: a system event (closed, rated, ...) is no message to preview.
      const text = added.findLast((m) => m.kind !== 'system')?.text
      upsert({
        ...summary,
        lastSeq: last.seq!,
        ...(text === undefined ? {} : { lastText: text }),
        updatedAt: last.at,
      })
    }
    if (added.some((m) => m.author.kind === 'visitor')) setVisitorTyping(conversationId, false)
    refresh(conversationId)
    for (const message of added) events.emit('event', { conversationId, message })
  }

  function receive(frame: InboundFrame): void {
    switch (frame.t) {
      case 'welcome': {
        const welcome = frame as OperatorWelcome
        $profile.set(welcome.operator)
        $conversations.set([...welcome.conversations].sort(byUpdated))
        session.flush()
        events.emit('welcome', { welcome })
        return
      }
      case 'conversation':
        upsert(frame.conversation)
        events.emit('conversation', { conversation: frame.conversation })
        return
      case 'event': {
        const { added, needsSync } = log.apply(frame)
        if (needsSync) session.sendNow({ t: 'sync', cursor: log.cursor() })
        show(frame.conversationId, added)
        return
      }
      case 'typing':
        if (frame.author.kind === 'visitor') setVisitorTyping(frame.conversationId, frame.typing)
        return
      case 'status':
        $presence.set(frame.status)
        events.emit('presence', { status: frame.status })
        return
      case 'delivery':
        events.emit('delivery', { conversationId: frame.conversationId, delivery: frame.delivery })
        return
    }
  }

  function enqueue(
    t: 'send' | 'close',
    conversationId: string,
    text?: string,
    file?: { attachmentId: string; data?: Record<string, string> },
  ): Promise<Ack> {
    const cid = createCid()
    if (text === undefined) return session.enqueue({ t, cid, conversationId })
    const acked = session.enqueue(
      { t, cid, conversationId, text, ...(file && { attachmentId: file.attachmentId }) },
      {
        key: cid,
        cid,
        conversationId,
        author: { kind: 'operator', ...profileAuthor() },
        text,
        at: session.now(),
        status: 'pending',
        ...(file?.data && { data: file.data }),
      },
    )
    refresh(conversationId)
    return acked
  }

  function profileAuthor(): { id?: string; name?: string } {
    const profile = $profile.get()
    return profile ? { id: profile.id, name: profile.name } : {}
  }

  return {
    $status: session.$status,
    $profile,
    $conversations,
    $visitorTyping,
    $presence,
    messages(conversationId) {
      let store = stores.get(conversationId)
      if (!store) {
        store = atom(log.messages(conversationId))
        stores.set(conversationId, store)
      }
      return store
    },
    async loadHistory(conversationId, page = {}) {
      const fetcher = options.fetch ?? globalThis.fetch
      const url = new URL(
        `/v1/conversations/${encodeURIComponent(conversationId)}/events`,
        options.host,
      )
      if (page.after) url.searchParams.set('after', String(page.after))
      const response = await fetcher(url.href, {
        credentials: 'include',
        headers: options.apiToken ? { Authorization: `Bearer ${options.apiToken}` } : {},
      })
      const body: unknown = await response.json().catch(() => undefined)
      if (!response.ok) {
        const { code, message } = (body ?? {}) as { code?: ParleyErrorCode; message?: string }
        throw new ParleyError(code ?? 'http_failed', message ?? `HTTP ${response.status}`)
      }
      const reply = body as ConversationEventsReply
      if (reply.conversation && !$conversations.get().some((c) => c.id === conversationId)) {
        upsert(reply.conversation)
      }
      show(conversationId, mergeHistory(log, conversationId, reply.events))
    },
    connect: () => {
      if (!session.destroyed) session.connection.connect()
    },
    send(conversationId, text, file) {
      if (text.trim() === '' && !file) return Promise.reject(new ParleyError('text_empty'))
      return enqueue('send', conversationId, text, file)
    },
    close: (conversationId, tags) =>
      tags && tags.length > 0
        ? session.enqueue({ t: 'close', cid: createCid(), conversationId, tags: [...tags] })
        : enqueue('close', conversationId),
    setTyping(conversationId, typing) {
      session.sendNow({ t: 'typing', conversationId, typing })
    },
    markRead(conversationId, seq) {
      log.markRead(conversationId, seq)
      session.sendNow({ t: 'read', conversationId, seq })
    },
    setPresence: (status) => session.enqueue({ t: 'status', cid: createCid(), status }),
    accept: (conversationId) => session.enqueue({ t: 'accept', cid: createCid(), conversationId }),
    transfer(conversationId, to, note) {
      const frame = { t: 'transfer', cid: createCid(), conversationId, to }
      return session.enqueue(note?.trim() ? { ...frame, note: note.trim() } : frame)
    },
    on: (event, fn) => events.on(event, fn),
    destroy: () => session.destroy(),
  }
}
