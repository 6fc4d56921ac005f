import type {
  ChatMessage,
  ConnectionStatus,
  OperatorClient,
  OperatorClientEvents,
} from '@parley/client'
import type { Ack, ConversationSummary, OperatorProfile, OperatorStatus } from '@parley/protocol'
import { atom, type WritableAtom } from 'nanostores'

/** A recorded call to the fake client, e.g. `['send', 'c1', 'Hello']`. */
export type FakeCall = [string, ...unknown[]]

/** An in-memory `OperatorClient` whose stores tests write to and whose calls they read. */
export interface FakeOperatorClient extends OperatorClient {
  readonly calls: FakeCall[]
  readonly status: WritableAtom<ConnectionStatus>
  readonly profile: WritableAtom<OperatorProfile | undefined>
  readonly conversations: WritableAtom<ConversationSummary[]>
  readonly visitorTyping: WritableAtom<Readonly<Record<string, true>>>
  readonly presence: WritableAtom<OperatorStatus | undefined>
  /** When set, `accept` and `transfer` reject with this error. */
  refuse: Error | undefined
  /** Calls the listeners `on(event)` registered, as the real client does. */
  emit<K extends keyof OperatorClientEvents>(event: K, context: OperatorClientEvents[K]): void
  /** The writable store behind `messages(id)`. */
  messageStore(conversationId: string): WritableAtom<ChatMessage[]>
  /** What `loadHistory(id)` puts into `messages(id)`. */
  history: Record<string, ChatMessage[]>
  /** Events one `loadHistory` call gives, as the relay's page (200). */
  historyPage: number
}

/**
 * Creates a fake operator client; `send` appends an acked operator message (with its file's
 * facts) and records `['send', id, text]`, or `['send', id, text, attachmentId]` with a file.
 */
export function createFakeOperatorClient(): FakeOperatorClient {
  const calls: FakeCall[] = []
  const status = atom<ConnectionStatus>('idle')
  const profile = atom<OperatorProfile | undefined>(undefined)
  const conversations = atom<ConversationSummary[]>([])
  const visitorTyping = atom<Readonly<Record<string, true>>>({})
  const presence = atom<OperatorStatus | undefined>(undefined)
  const stores = new Map<string, WritableAtom<ChatMessage[]>>()
  const listeners = new Map<string, Set<(context: never) => void>>()
  let seq = 100

  function messageStore(conversationId: string): WritableAtom<ChatMessage[]> {
    let store = stores.get(conversationId)
    if (!store) {
      store = atom<ChatMessage[]>([])
      stores.set(conversationId, store)
    }
    return store
  }

  const client: FakeOperatorClient = {
    calls,
    status,
    profile,
    conversations,
    visitorTyping,
    presence,
    refuse: undefined,
    messageStore,
    history: {},
    historyPage: 200,
    $status: status,
    $profile: profile,
    $conversations: conversations,
    $visitorTyping: visitorTyping,
    $presence: presence,
    messages: messageStore,
    async loadHistory(conversationId, page = {}) {
      const after = page.after ?? 0
      calls.push(after ? ['loadHistory', conversationId, after] : ['loadHistory', conversationId])
      // The relay's page: up to `historyPage` events after `after`.
      const older = (client.history[conversationId] ?? [])
        .filter((m) => (m.seq ?? 0) > after)
        .slice(0, client.historyPage)
      const store = messageStore(conversationId)
      const have = new Set(store.get().map((m) => m.key))
      const merged = [...store.get(), ...older.filter((m) => !have.has(m.key))]
      store.set(merged.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity)))
    },
    connect() {
      calls.push(['connect'])
      status.set('connected')
    },
    async send(conversationId, text, file) {
      calls.push(
        file ? ['send', conversationId, text, file.attachmentId] : ['send', conversationId, text],
      )
      seq += 1
      const ack: Ack = { t: 'ack', cid: `cid-${seq}`, id: `e-${seq}`, conversationId, seq, at: 0 }
      const store = messageStore(conversationId)
      store.set([
        ...store.get(),
        {
          key: ack.cid,
          cid: ack.cid,
          id: ack.id,
          seq,
          conversationId,
          author: { kind: 'operator', name: 'Olga' },
          text,
          at: 0,
          status: 'sent',
          ...(file?.data && { data: file.data }),
        },
      ])
      return ack
    },
    async close(conversationId, tags) {
      calls.push(['close', conversationId, tags ?? []])
      conversations.set(
        conversations
          .get()
          .map((c) => (c.id === conversationId ? { ...c, status: 'closed' as const } : c)),
      )
      return { t: 'ack', cid: 'close', id: 'x', conversationId, seq: 0, at: 0 }
    },
    setTyping(conversationId, typing) {
      calls.push(['setTyping', conversationId, typing])
    },
    markRead(conversationId, readSeq) {
      calls.push(['markRead', conversationId, readSeq])
    },
    async setPresence(status) {
      calls.push(['setPresence', status])
      presence.set(status)
      return { t: 'ack', cid: 'status', id: 'x', at: 0 }
    },
    async accept(conversationId) {
      calls.push(['accept', conversationId])
      if (client.refuse) throw client.refuse
      const me = profile.get()
      conversations.set(
        conversations
          .get()
          .map((c) =>
            c.id === conversationId && me ? { ...c, operator: { id: me.id, name: me.name } } : c,
          ),
      )
      return { t: 'ack', cid: 'accept', id: 'x', conversationId, at: 0 }
    },
    async transfer(conversationId, to, note) {
      calls.push(['transfer', conversationId, to, note])
      if (client.refuse) throw client.refuse
      return { t: 'ack', cid: 'transfer', id: 'x', conversationId, at: 0 }
    },
    on: ((event: string, fn: (context: never) => void) => {
      let set = listeners.get(event)
      if (!set) {
        set = new Set()
        listeners.set(event, set)
      }
      set.add(fn)
      return () => set.delete(fn)
    }) as OperatorClient['on'],
    emit(event, context) {
      for (const fn of listeners.get(event) ?? []) (fn as (c: typeof context) => void)(context)
    },
    destroy() {
      calls.push(['destroy'])
      status.set('closed')
    },
  }
  return client
}

/** A conversation summary with sensible defaults. */
export function summary(patch: Partial<ConversationSummary> & { id: string }): ConversationSummary {
  return {
    siteId: 'demo',
    visitorId: `v-${patch.id}-0000`,
    status: 'open',
    lastSeq: 1,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...patch,
  }
}

/** A message as the client would store it (with the event's `kind`/`data` when given). */
export function message(patch: Partial<ChatMessage> & { seq: number; text: string }): ChatMessage {
  return {
    key: `e-${patch.seq}`,
    id: `e-${patch.seq}`,
    author: { kind: 'visitor' },
    at: 1_700_000_000_000,
    status: 'sent',
    ...patch,
  }
}
