/**
 * An in-process relay for client tests: a `ws` server on 127.0.0.1 port 0 that
 * speaks enough of the protocol (hello/welcome, send/ack deduplicated by cid,
 * events with seq, replay after a cursor, sync, ping/pong) and records every
 * frame it receives. Tests drop connections, refuse them or hold acks on demand.
 * Form frames (callback, offline, prechat, identify, attributes, rate) are
 * acknowledged once per cid, also over the HTTP fallback
 * `POST /v1/sites/:site/callback|offline`.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ConversationEvent, ConversationSummary, Cursor } from '@parley/protocol'
import { type WebSocket, WebSocketServer } from 'ws'

// biome-ignore lint/suspicious/noExplicitAny: frames from the client under test are whatever it sent
type Frame = { t: string; [field: string]: any }

interface Peer {
  socket: WebSocket
  id: number
  kind: 'visitor' | 'operator'
  welcomed: boolean
}

export class FakeRelay {
  /** `http://127.0.0.1:PORT`, what clients take as `host`. */
  url = ''
  /** Every frame received, with the number of the connection it came on (from 1). */
  readonly received: { connection: number; frame: Frame }[] = []
  /** The stored log per conversation: one event per distinct cid. */
  readonly log = new Map<string, ConversationEvent[]>()
  /** `accept`/`transfer` of this conversation answer `already_assigned`. */
  takenConversation: string | undefined
  /** Store sends but answer nothing (an ack lost with the connection). */
  holdAcks = false
  /** Answer `ping` with `pong`; off simulates a half-dead relay. */
  answerPings = true
  /** Answer `sync` by replaying; off leaves a gap open. */
  answerSync = true
  /**
   * Most events replayed per conversation: a conversation missing from the cursor,
   * or after `hello` further behind than this, gets its latest events; `sync` the next page.
   */
  replayLimit = Number.POSITIVE_INFINITY
  /** Refuse sends with this text with a `conversation_closed` error (a permanent failure). */
  rejectText: string | undefined
  /** Where a send without `conversationId` goes (the relay opens a conversation). */
  newConversationId = 'c1'
  /** Timestamps of stored events; the default is deterministic. */
  clock: (seq: number) => number = (seq) => 1000 + seq
  /** Required operator `apiToken`, when set. */
  apiToken: string | undefined
  /** The agreement version forms must carry, else `consent_required`. */
  agreementVersion = 'v1'
  /** Answer `available` in welcome and presence. */
  available = true
  /** HTTP fallback requests received, in order (path and body). */
  readonly posts: { path: string; body: Frame }[] = []
  connections = 0
  /** Request paths of accepted sockets, in order. */
  readonly paths: string[] = []
  private readonly wss: WebSocketServer
  private readonly server: Server
  private forms = 0
  private readonly peers = new Set<Peer>()
  private readonly acks = new Map<string, Frame>()
  private readonly tokens = new Set<string>()
  private refusals = 0

  private constructor(wss: WebSocketServer, server: Server) {
    this.wss = wss
    this.server = server
    server.on('request', (request, response) => {
      let body = ''
      request.on('data', (chunk) => {
        body += chunk
      })
      request.on('end', () => {
        const match = /^\/v1\/sites\/[^/]+\/(callback|offline)$/.exec(request.url ?? '')
        if (request.method !== 'POST' || !match) {
          response.writeHead(404).end()
          return
        }
        const fields = JSON.parse(body) as Frame
        this.posts.push({ path: request.url ?? '', body: fields })
        const { token, ...rest } = fields
        const out = this.form({ ...rest, t: match[1]! }, 'http')
        if (!out || out.t === 'error') {
          response.writeHead(out?.code === 'consent_required' ? 409 : 400, {
            'content-type': 'application/json',
          })
          response.end(JSON.stringify(out))
          return
        }
        const { t: _, ...ack } = out
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify(token ? ack : { ...ack, token: 'token-http' }))
        if (!token) this.tokens.add('token-http')
      })
    })
    wss.on('connection', (socket, request) => this.accept(socket, request.url ?? ''))
  }

  static async start(): Promise<FakeRelay> {
    let relay: FakeRelay | undefined
    const server = createServer()
    const wss = new WebSocketServer({
      server,
      verifyClient: (_info, done) => {
        if (relay && relay.refusals > 0) {
          relay.refusals -= 1
          relay.connections += 1
          done(false, 503)
        } else done(true)
      },
    })
    relay = new FakeRelay(wss, server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    relay.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return relay
  }

  /** Sockets open right now. */
  get open(): number {
    return this.peers.size
  }

  /** Refuses the next `count` connection attempts with HTTP 503. */
  refuse(count: number): void {
    this.refusals += count
  }

  /** Kills every open socket without a close handshake. */
  dropAll(): void {
    for (const peer of this.peers) peer.socket.terminate()
  }

  /** Frames of one type, in arrival order. */
  frames(t: string): Frame[] {
    return this.received.filter((r) => r.frame.t === t).map((r) => r.frame)
  }

  /** Appends an event as `author` and delivers it to every welcomed socket. */
  push(
    conversationId: string,
    text: string,
    author: ConversationEvent['author'],
  ): ConversationEvent {
    const event = this.append(conversationId, text, author)
    this.broadcast({ t: 'event', ...event })
    return event
  }

  /** Sends a raw frame to every welcomed socket (to fake reordering or gaps). */
  broadcast(frame: object): void {
    for (const peer of this.peers) if (peer.welcomed) peer.socket.send(JSON.stringify(frame))
  }

  summary(conversationId: string): ConversationSummary {
    const events = this.log.get(conversationId) ?? []
    const last = events.at(-1)
    return {
      id: conversationId,
      siteId: 'site-1',
      visitorId: 'visitor-1',
      status: 'open',
      lastSeq: last?.seq ?? 0,
      createdAt: events[0]?.at ?? 1,
      updatedAt: last?.at ?? 1,
      ...(last ? { lastText: last.text } : {}),
    }
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.socket.terminate()
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** Appends an event without delivering it (it is lost in transit, or older than the client). */
  append(
    conversationId: string,
    text: string,
    author: ConversationEvent['author'],
    kind: ConversationEvent['kind'] = 'message',
  ): ConversationEvent {
    const events = this.log.get(conversationId) ?? []
    this.log.set(conversationId, events)
    const seq = events.length + 1
    const event: ConversationEvent = {
      conversationId,
      seq,
      id: `e${conversationId}-${seq}`,
      kind,
      author,
      text,
      at: this.clock(seq),
    }
    events.push(event)
    return event
  }

  private accept(socket: WebSocket, url: string): void {
    this.connections += 1
    this.paths.push(url)
    const peer: Peer = {
      socket,
      id: this.connections,
      kind: url.startsWith('/v1/operator') ? 'operator' : 'visitor',
      welcomed: false,
    }
    this.peers.add(peer)
    socket.on('close', () => this.peers.delete(peer))
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as Frame
      this.received.push({ connection: peer.id, frame })
      this.handle(peer, frame)
    })
  }

  private handle(peer: Peer, frame: Frame): void {
    const reply = (out: object) => peer.socket.send(JSON.stringify(out))
    switch (frame.t) {
      case 'hello':
        this.hello(peer, frame)
        return
      case 'ping':
        if (this.answerPings) reply({ t: 'pong' })
        return
      case 'sync':
        if (this.answerSync) this.replay(peer, frame.cursor, peer.kind === 'visitor', false)
        return
      case 'callback':
      case 'offline':
      case 'prechat':
      case 'identify':
      case 'attributes':
      case 'rate':
      case 'engage': {
        const out = this.form(frame, 'socket')
        if (out && !(this.holdAcks && out.t === 'ack')) reply(out)
        return
      }
      case 'status':
        reply({ t: 'ack', cid: frame.cid, id: `s-${frame.cid}`, at: Date.now() })
        reply({ t: 'status', status: frame.status })
        return
      case 'accept':
      case 'transfer':
        if (frame.conversationId === this.takenConversation) {
          reply({
            t: 'error',
            code: 'already_assigned',
            message: 'Another operator took it',
            cid: frame.cid,
          })
          return
        }
        reply({
          t: 'ack',
          cid: frame.cid,
          id: `a-${frame.cid}`,
          conversationId: frame.conversationId,
          at: Date.now(),
        })
        return
      case 'send':
      case 'close': {
        if (frame.text !== undefined && frame.text === this.rejectText) {
          reply({ t: 'error', code: 'conversation_closed', message: 'closed', cid: frame.cid })
          return
        }
        const known = this.acks.get(frame.cid)
        if (known) {
          if (!this.holdAcks) reply(known)
          return
        }
        const conversationId = frame.conversationId ?? this.newConversationId
        const author =
          peer.kind === 'operator'
            ? { kind: 'operator' as const, id: 'op1', name: 'Olga' }
            : { kind: 'visitor' as const }
        const event = this.append(conversationId, frame.text ?? 'closed', author)
        const ack = {
          t: 'ack',
          cid: frame.cid,
          id: event.id,
          conversationId,
          seq: event.seq,
          at: event.at,
        }
        this.acks.set(frame.cid, ack)
        if (this.holdAcks) return
        reply(ack)
        this.broadcast({ t: 'event', ...event })
      }
    }
  }

  /**
   * A form-like frame: refused without the current consent (personal data) or
   * without a name; acknowledged once per cid. Callback and offline open a
   * conversation of that kind whose first event is a `form` event.
   */
  private form(frame: Frame, via: 'socket' | 'http'): Frame | undefined {
    const known = this.acks.get(frame.cid)
    if (known) return via === 'socket' && this.holdAcks ? undefined : known
    const personal = ['callback', 'offline', 'prechat'].includes(frame.t)
    const error = (code: string, extra: object = {}) => ({
      t: 'error',
      code,
      message: code,
      cid: frame.cid,
      ...extra,
    })
    if (personal && frame.consent?.version !== this.agreementVersion) {
      return error('consent_required')
    }
    if ((frame.t === 'callback' || frame.t === 'offline') && !frame.name) {
      return error('field_invalid', { fields: [{ field: 'name', code: 'required' }] })
    }
    let ack: Frame
    if (frame.t === 'callback' || frame.t === 'offline') {
      this.forms += 1
      const conversationId = `${frame.t}-${this.forms}`
      const event = this.append(
        conversationId,
        `${frame.t}: ${frame.name}`,
        {
          kind: 'visitor',
        },
        'form',
      )
      ack = { t: 'ack', cid: frame.cid, id: event.id, conversationId, seq: event.seq, at: event.at }
      this.acks.set(frame.cid, ack)
      this.broadcast({ t: 'event', ...event })
    } else {
      ack = { t: 'ack', cid: frame.cid, id: `x-${frame.cid}`, at: 5000 }
      this.acks.set(frame.cid, ack)
    }
    return via === 'socket' && this.holdAcks ? undefined : ack
  }

  private hello(peer: Peer, frame: Frame): void {
    const fail = (code: string) => {
      peer.socket.send(JSON.stringify({ t: 'error', code, message: code }))
      peer.socket.close(4001, code)
    }
    if (peer.kind === 'operator') {
      if (this.apiToken && frame.apiToken !== this.apiToken) {
        fail('unauthorized')
        return
      }
      peer.socket.send(
        JSON.stringify({
          t: 'welcome',
          v: 1,
          operator: { id: 'op1', email: 'olga@example.com', name: 'Olga', role: 'operator' },
          conversations: [...this.log.keys()].map((id) => this.summary(id)),
        }),
      )
    } else {
      if (frame.token !== undefined && !this.tokens.has(frame.token)) {
        fail('token_invalid')
        return
      }
      const token = frame.token ?? `token-${this.tokens.size + 1}`
      this.tokens.add(token)
      peer.socket.send(
        JSON.stringify({
          t: 'welcome',
          v: 1,
          visitorId: 'visitor-1',
          token,
          conversations: [...this.log.keys()].map((id) => this.summary(id)),
          operatorsOnline: 1,
          available: this.available,
          startParam: 'dmlzaXRvci0x.sig',
          configVersion: '1',
          limits: { maxFrameBytes: 16384, maxTextLength: 4000 },
        }),
      )
    }
    peer.welcomed = true
    this.replay(peer, frame.cursor ?? {}, peer.kind === 'visitor', true)
  }

  /**
   * Stored events after the cursor, per conversation, in seq order, at most
   * `replayLimit` (see there); with `all`, also conversations missing from the
   * cursor (a visitor's own), else only those in the cursor (an operator's).
   */
  private replay(peer: Peer, cursor: Cursor, all: boolean, skipAhead: boolean): void {
    for (const [id, events] of this.log) {
      const after = cursor[id]
      if (!all && after === undefined) continue
      const missing = events.filter((event) => event.seq > (after ?? 0))
      const latest = (after === undefined || skipAhead) && missing.length > this.replayLimit
      const page = latest ? missing.slice(-this.replayLimit) : missing.slice(0, this.replayLimit)
      for (const event of page) peer.socket.send(JSON.stringify({ t: 'event', ...event }))
    }
  }

  /** Forgets issued visitor tokens, so the next hello with one is `token_invalid`. */
  forgetTokens(): void {
    this.tokens.clear()
  }
}

/** Polls until `check` passes (real timers), failing with its last error after `ms`. */
export async function until(check: () => void, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      check()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
}
