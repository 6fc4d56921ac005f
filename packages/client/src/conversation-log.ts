import type { Ack, Author, ConversationEvent, Cursor, EventKind } from '@parley/protocol'
import { type KeyValueStorage, readJson, writeJson } from './storage.ts'

/** One line of a conversation as a UI renders it. */
export interface ChatMessage {
  /** Stable render key: `cid` for own messages (pending or acknowledged), else the event id. */
  key: string
  id?: string
  cid?: string
  seq?: number
  conversationId?: string
  author: Author
  text: string
  at: number
  status: 'pending' | 'sent' | 'failed'
  /** The event's kind when it is not a plain `message` (`system`, `form`). */
  kind?: EventKind
  /**
   * A `form` event's normalised fields (name, phone, email, when, comment, text...); a `system`
   * event's facts, a `SystemEventData` by `data.type` (`systemEventData` from
   * `@parley/protocol` reads them): its `text` is then `''`, and a UI words it.
   */
  data?: Record<string, string>
}

interface ConversationState {
  /** Highest seq applied with no gap below it: what the cursor says. */
  lastSeq: number
  /** Applied events, and those buffered beyond a gap (seq > lastSeq). */
  bySeq: Map<number, ChatMessage>
  /** Own messages acknowledged before their event arrived. */
  acked: Map<string, ChatMessage>
  /** While a gap is open: the highest seq held when `sync` was last asked for. */
  synced?: number | undefined
  /** After `welcome`: the replay comes next, and may start past `lastSeq + 1`. */
  replay?: boolean
}

const bySeq = (a: ChatMessage, b: ChatMessage) => a.seq! - b.seq!

/** Events shown: applied with no gap below them, in seq order. */
function applied(state: ConversationState): ChatMessage[] {
  return [...state.bySeq.values()].filter((message) => message.seq! <= state.lastSeq).sort(bySeq)
}

export interface ConversationLogOptions {
  storage?: KeyValueStorage
  /**
   * Where `{ conversationId: readSeq }` is kept so the unread count survives a
   * reload (no text is stored); without it read positions live in memory.
   */
  readKey?: string
  /**
   * An empty conversation starts at the first event received (the visitor: the relay
   * replays only the latest events to a new page). Without it the log starts at seq 1,
   * and history merges in below live events (the operator).
   */
  startAtFirst?: boolean
}

/** What applying an event did. */
export interface ApplyResult {
  /** Messages that became visible, in seq order (none for a duplicate or a buffered gap). */
  added: ChatMessage[]
  /**
   * True when a gap appeared, or an event arrived past one still open after the
   * last `sync`: ask the relay to `sync` from `cursor()`.
   */
  needsSync: boolean
}

/**
 * The conversations a client sees, rebuilt from events applied by `seq`:
 * duplicates are dropped, events after a gap wait until the gap is filled, own
 * messages show at once as `pending` and keep their key when confirmed.
 * Messages and the cursor live in memory only: a new log starts empty and the
 * relay replays the latest events. The first event of a replay after `welcome`
 * (or, with `startAtFirst`, of an empty conversation) may start the log later:
 * the relay sends the latest events when more are missing than it replays at once.
 */
export class ConversationLog {
  readonly #options: ConversationLogOptions
  readonly #conversations = new Map<string, ConversationState>()
  #pending: ChatMessage[] = []
  readonly #cidById = new Map<string, string>()
  #read: Record<string, number>

  constructor(options: ConversationLogOptions = {}) {
    this.#options = options
    const { storage, readKey } = options
    this.#read = storage && readKey ? readJson(storage, readKey, {}) : {}
  }

  /** `{ conversationId: lastSeq }` for `hello` and `sync`. */
  cursor(): Cursor {
    const cursor: Cursor = {}
    for (const [id, state] of this.#conversations) cursor[id] = state.lastSeq
    return cursor
  }

  lastSeq(conversationId: string): number {
    return this.#conversations.get(conversationId)?.lastSeq ?? 0
  }

  /** Applies one live or replayed event. */
  apply(event: ConversationEvent): ApplyResult {
    const state = this.#state(event.conversationId)
    const start =
      state.replay || (this.#options.startAtFirst && !state.lastSeq && !state.bySeq.size)
    state.replay = false
    if (start && event.seq > state.lastSeq + 1) {
      state.lastSeq = event.seq - 1
      for (const seq of state.bySeq.keys()) if (seq <= event.seq) state.bySeq.delete(seq)
    }
    if (event.seq <= state.lastSeq || state.bySeq.has(event.seq)) {
      return { added: [], needsSync: false }
    }
    const cid = this.#cidById.get(event.id)
    const message: ChatMessage = {
      key: cid ?? event.id,
      id: event.id,
      seq: event.seq,
      conversationId: event.conversationId,
      author: event.author,
      text: event.text,
      at: event.at,
      status: 'sent',
    }
    if (event.kind !== 'message') message.kind = event.kind
    if (event.data) message.data = event.data
    if (cid) {
      message.cid = cid
      state.acked.delete(cid)
    }
    state.bySeq.set(event.seq, message)
    const added: ChatMessage[] = []
    for (let next = state.bySeq.get(state.lastSeq + 1); next; ) {
      added.push(next)
      state.lastSeq += 1
      next = state.bySeq.get(state.lastSeq + 1)
    }
    const high = Math.max(...state.bySeq.keys())
    const gap = high > state.lastSeq
    // Asked again only for an event newer than any held at the last ask: no loop.
    const needsSync = gap && (state.synced === undefined || event.seq > state.synced)
    if (needsSync) state.synced = high
    if (!gap) state.synced = undefined
    return { added, needsSync }
  }

  /**
   * Moves the log's start forward to `seq` when nothing up to it was applied
   * (a page of REST history that starts later): see `mergeHistory`.
   */
  skipTo(conversationId: string, seq: number): void {
    const state = this.#state(conversationId)
    if (state.lastSeq < seq) state.lastSeq = seq
  }

  /** Shows an own message at once, before the relay has it. */
  addPending(message: ChatMessage): void {
    this.#pending = [...this.#pending, message]
  }

  /** Confirms a pending own message in place (same key). */
  ack(ack: Ack): void {
    // Acks of frames that append no event (identify, attributes, prechat) have no place here.
    if (ack.conversationId === undefined || ack.seq === undefined) return
    this.#cidById.set(ack.id, ack.cid)
    const pending = this.#pending.find((message) => message.cid === ack.cid)
    this.#pending = this.#pending.filter((message) => message !== pending)
    const state = this.#state(ack.conversationId)
    const applied = state.bySeq.get(ack.seq)
    if (applied?.id === ack.id) {
      // The event came first (a replay before our resend): give it the pending key.
      state.bySeq.set(ack.seq, { ...applied, key: ack.cid, cid: ack.cid })
    } else if (pending && ack.seq > state.lastSeq) {
      // (At or below `lastSeq` but not applied: before where the log starts, never shown.)
      state.acked.set(ack.cid, {
        ...pending,
        id: ack.id,
        seq: ack.seq,
        conversationId: ack.conversationId,
        at: ack.at,
        status: 'sent',
      })
    }
  }

  /** Marks a pending own message as failed; it stays visible. */
  fail(cid: string): void {
    this.#pending = this.#pending.map((message) =>
      message.cid === cid ? { ...message, status: 'failed' } : message,
    )
  }

  readSeq(conversationId: string): number {
    const read = this.#read[conversationId]
    return typeof read === 'number' ? read : 0
  }

  markRead(conversationId: string, seq: number): void {
    if (seq <= this.readSeq(conversationId)) return
    this.#read[conversationId] = seq
    this.#saveRead()
  }

  /** After a new `welcome` the relay replays from the cursor: any gap request is void. */
  resetSync(): void {
    for (const state of this.#conversations.values()) {
      state.synced = undefined
      state.replay = true
    }
  }

  /** Forgets every conversation (a new visitor identity); pending messages stay, they are still sent. */
  clear(): void {
    this.#conversations.clear()
    this.#read = {}
    this.#saveRead()
  }

  /**
   * The conversation as shown: applied events in seq order, then acknowledged
   * own messages whose event is on its way, then pending ones (those without a
   * conversation yet are shown with any conversation).
   */
  messages(conversationId: string | undefined): ChatMessage[] {
    const state = conversationId ? this.#conversations.get(conversationId) : undefined
    return [
      ...(state ? applied(state) : []),
      ...(state ? [...state.acked.values()].sort(bySeq) : []),
      ...this.#pending.filter(
        (message) => !message.conversationId || message.conversationId === conversationId,
      ),
    ]
  }

  #state(conversationId: string): ConversationState {
    let state = this.#conversations.get(conversationId)
    if (!state) {
      state = { lastSeq: 0, bySeq: new Map(), acked: new Map() }
      this.#conversations.set(conversationId, state)
    }
    return state
  }

  #saveRead(): void {
    const { storage, readKey } = this.#options
    if (storage && readKey) writeJson(storage, readKey, this.#read)
  }
}
