import type {
  ChatMessage,
  ConnectionStatus,
  EngageData,
  QueuePlace,
  SendOptions,
  VisitorClient,
  VisitorClientEvents,
  VisitorClientOptions,
} from '@parley/client'
import type { Ack, ConversationSummary, SiteConfig } from '@parley/protocol'
import { atom } from 'nanostores'
import type { WidgetEnvironment } from './controller.ts'

/** Test double of `VisitorClient`: stores are writable, sends wait for `ack()` or `fail()`. */
export function createFakeClient(options: VisitorClientOptions) {
  const $status = atom<ConnectionStatus>('idle')
  const $messages = atom<ChatMessage[]>([])
  const $conversation = atom<ConversationSummary | undefined>(undefined)
  const $unread = atom(0)
  const $operatorsOnline = atom(0)
  const $operatorTyping = atom(false)
  const $available = atom<boolean | undefined>(undefined)
  const $startParam = atom<string | undefined>(undefined)
  const $queue = atom<QueuePlace | undefined>(undefined)
  const log: string[] = []
  /** Form-like calls (submitCallback, identify, ...), answered by `settle()`. */
  const calls: {
    method: string
    args: unknown[]
    resolve(ack: Ack): void
    reject(e: Error): void
  }[] = []
  const call =
    (method: string) =>
    (...args: unknown[]) => {
      log.push(method)
      return new Promise<Ack>((resolve, reject) => calls.push({ method, args, resolve, reject }))
    }
  const waiting = new Map<string, { resolve(ack: Ack): void; reject(e: Error): void }>()
  const listeners = new Set<(ctx: { message: ChatMessage }) => void>()
  const invitationListeners = new Set<(ctx: VisitorClientEvents['invitation']) => void>()
  let seq = 0

  function update(key: string, patch: Partial<ChatMessage>) {
    $messages.set($messages.get().map((m) => (m.key === key ? { ...m, ...patch } : m)))
  }
  function add(message: ChatMessage) {
    $messages.set([...$messages.get(), message])
    for (const fn of listeners) fn({ message })
  }

  const client = {
    options,
    log,
    $status,
    $messages,
    $conversation,
    $unread,
    $operatorsOnline,
    $operatorTyping,
    $available,
    $startParam,
    $queue,
    calls,
    submitCallback: call('submitCallback'),
    submitOffline: call('submitOffline'),
    submitPrechat: call('submitPrechat'),
    identify: call('identify'),
    setAttributes: call('setAttributes'),
    rate: call('rate'),
    /** Invitation events, in order, as `engage` received them. */
    engaged: [] as EngageData[],
    engage(data: EngageData) {
      client.engaged.push(data)
      return Promise.resolve({ t: 'ack' as const, cid: 'g', id: 'e-engage', at: 0 })
    },
    shutdown() {
      log.push('shutdown')
    },
    /** Answers the oldest form-like call with an ack, or rejects it with `error`. */
    settle(error?: Error & { code?: string; fields?: unknown }) {
      const next = calls.shift()
      if (!next) throw new Error('no pending call')
      if (error) next.reject(error)
      else
        next.resolve({ t: 'ack', cid: 'f1', id: 'e-form', conversationId: 'lead-1', seq: 1, at: 0 })
      return next
    },
    connect() {
      log.push('connect')
      $status.set('connecting')
    },
    /** Options of each `send`, in order. */
    sendOptions: [] as (SendOptions | undefined)[],
    send(text: string, sendOptions?: SendOptions) {
      const cid = `c${++seq}`
      log.push(`send ${text}`)
      client.sendOptions.push(sendOptions)
      add({ key: cid, cid, author: { kind: 'visitor' }, text, at: 0, status: 'pending' })
      return new Promise<Ack>((resolve, reject) => waiting.set(cid, { resolve, reject }))
    },
    setTyping(typing: boolean) {
      log.push(`typing ${typing}`)
    },
    markRead() {
      log.push('read')
      $unread.set(0)
    },
    on<K extends keyof VisitorClientEvents>(event: K, fn: (ctx: VisitorClientEvents[K]) => void) {
      if (event === 'invitation') {
        const listener = fn as (ctx: VisitorClientEvents['invitation']) => void
        invitationListeners.add(listener)
        return () => {
          invitationListeners.delete(listener)
        }
      }
      if (event !== 'message') return () => {}
      const listener = fn as (ctx: VisitorClientEvents['message']) => void
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    destroy() {
      log.push('destroy')
      listeners.clear()
      invitationListeners.clear()
    },
    /** Delivers an operator's invitation (the relay's `invitation` frame). */
    invite(invitation: VisitorClientEvents['invitation']['invitation']) {
      for (const fn of invitationListeners) fn({ invitation })
    },
    /** Acknowledges the oldest pending send. */
    ack() {
      const [cid, pending] = [...waiting][0]!
      waiting.delete(cid)
      update(cid, { status: 'sent', seq: ++seq })
      pending.resolve({ t: 'ack', cid, id: `e${seq}`, conversationId: 'conv', seq, at: 0 })
    },
    /** Rejects the oldest pending send. */
    fail() {
      const [cid, pending] = [...waiting][0]!
      waiting.delete(cid)
      update(cid, { status: 'failed' })
      pending.reject(new Error('text_too_long'))
    },
    /** Delivers an operator message. */
    reply(text: string, name = 'Anna') {
      const id = `e${++seq}`
      add({ key: id, id, seq, author: { kind: 'operator', name }, text, at: 0, status: 'sent' })
    },
  }
  return client satisfies VisitorClient
}

export type FakeClient = ReturnType<typeof createFakeClient>

/** A site config like the relay's demo site. */
export function siteConfig(patch: Partial<SiteConfig> = {}): SiteConfig {
  return {
    siteId: 'demo',
    name: 'Demo',
    configVersion: '1',
    locale: 'en',
    storage: 'consent',
    theme: { accent: '#0a7', position: 'right' },
    chat: { title: 'Chai & Co', greeting: 'Hi! How can we help?' },
    button: { label: 'Contact us', position: 'right', offsetX: 24, offsetY: 24, color: '#0a7' },
    channels: { chat: true, callback: false },
    workingHours: null,
    prechat: { enabled: false, fields: [] },
    agreement: { version: 'v1', url: '/v1/sites/demo/agreement' },
    identityVerification: 'off',
    ...patch,
  }
}

/** In-memory storage that records writes. */
export function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial))
  return {
    writes: [] as string[],
    getItem: (key: string) => data.get(key) ?? null,
    setItem(key: string, value: string) {
      this.writes.push(key)
      data.set(key, value)
    },
    removeItem: (key: string) => void data.delete(key),
  }
}

/** A widget environment with a fake client, fetch answering `config`, and given storage. */
export function fakeEnvironment(
  config: SiteConfig,
  storage = memoryStorage(),
  language = 'en-US',
  presence = { operatorsOnline: 1, available: true },
) {
  const clients: FakeClient[] = []
  /**
   * Calls of `loadClient`, counted as they are made: creating a client starts with
   * one, synchronously, so "no client" can be checked without waiting.
   */
  const clientLoads = { count: 0 }
  const gesture = { active: false }
  const fetched: string[] = []
  const env: WidgetEnvironment = {
    loadClient: async () => {
      clientLoads.count += 1
      return (options) => {
        const client = createFakeClient(options)
        clients.push(client)
        return client
      }
    },
    fetch: async (input) => {
      fetched.push(String(input))
      const body = String(input).endsWith('/presence') ? presence : config
      return new Response(JSON.stringify(body), {
        headers: { 'content-type': 'application/json' },
      })
    },
    storage: () => storage,
    language: () => language,
    page: () => ({ url: 'https://shop.example/', title: 'Shop' }),
    userActivated: () => gesture.active,
  }
  return { env, clients, clientLoads, fetched, storage, gesture }
}
