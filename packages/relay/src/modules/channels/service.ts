import { createHmac } from 'node:crypto'
import type {
  ChannelDelivery,
  ChannelKind,
  ContactPoint,
  CreateContactPointBody,
  UpdateContactPointBody,
} from '@parley/protocol'
import type { FastifyBaseLogger } from 'fastify'
import { publishAll } from '../../infra/bus/outcome.ts'
import { onSignal, sendSignal } from '../../infra/bus/signal.ts'
import { OPERATORS_TOPIC } from '../../infra/bus/topics.ts'
import type { Bus } from '../../infra/bus/types.ts'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import type { Duty } from '../../infra/duty.ts'
import { fieldError, relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import type { Timers } from '../../infra/ws/frame-socket.ts'
import { cleanName, isAcceptedType } from '../attachments/content.ts'
import {
  type AcceptedFile,
  type AttachmentRefusal,
  type AttachmentService,
  attachmentFacts,
} from '../attachments/service.ts'
import type { EventSink, RelayFact } from '../conversations/event-sink.ts'
import type { ConversationService } from '../conversations/service.ts'
import type { AppendInput, AppendResult } from '../conversations/store.ts'
import type { VisitorProfiles } from '../visitors/profiles.ts'
import type { StartParams } from '../visitors/start-param.ts'
import type { VisitorContact } from '../visitors/store.ts'
import type {
  Channel,
  ChannelContext,
  InboundAttachment,
  InboundEvent,
  InboundReply,
  InboundRequest,
  Sender,
} from './channel.ts'
import type { ChannelCredentials, CredentialBox } from './credentials.ts'
import { type ChannelPolicy, OutboxWorker, type Readiness } from './outbox.ts'
import { Poller } from './poller.ts'
import type { ChannelChat, ChannelOutboxRow, ChannelStore, ContactPointRecord } from './store.ts'

/**
 * What came of a file a message carries: stored with it, or refused with a stable code (the
 * message is stored with a note). Channels that cannot fetch files (none: no `fileId` or
 * no `download`) have neither: the message's text describes the file.
 */
type FileOutcome =
  | { accepted: AcceptedFile }
  | { refused: AttachmentRefusal; name: string; type: string | undefined; size?: number }
  | undefined

/** Credentials each kind needs, in the order they are asked for. */
const REQUIRED: Record<ChannelKind, (keyof ChannelCredentials)[]> = {
  telegram: ['token'],
  viber: ['token'],
  vk: ['token', 'secret', 'confirmation'],
}

export interface ChannelServiceOptions {
  db: UnitOfWork
  store: ChannelStore
  bus: Bus
  conversations: ConversationService
  profiles: VisitorProfiles
  startParams: StartParams
  /** The site ids the relay serves (a contact point belongs to one). */
  siteExists(siteId: string): Promise<boolean>
  /** The routing group of the site by id or name; undefined when there is none. */
  groupOf(siteId: string, group: string): string | undefined
  channels: ReadonlyMap<ChannelKind, Channel>
  /** Where files visitors send are checked and stored. */
  attachments: AttachmentService
  /** A download's time limit, and how long after a message was sent it is retried. */
  downloads: { timeoutMs: number; retryForMs: number }
  /**
   * E-mail (`PARLEY_SMTP_URL`): replies to offline leads that left an e-mail; `siteName` is
   * what the subject names. Undefined: no e-mail is sent.
   */
  email?: { sender: Sender; siteName(conversationId: string): Promise<string> }
  /**
   * A site chat's reply is e-mailed once its visitor has had no socket open this long
   * (`PARLEY_EMAIL_AWAY_MINUTES`) and has not read it.
   */
  emailAwayMs: number
  /** Since when the visitor has had no socket open: null while one is; undefined: unknown. */
  visitorLeftAt(siteId: string, visitorId: string): number | null | undefined
  /** Undefined without `PARLEY_SECRET_KEY`: no contact point can be added. */
  box: CredentialBox | undefined
  /** The key the webhook secrets are derived from. */
  webhookKey: string
  publicUrl: string | undefined
  now: () => number
  timers: Timers
  random: () => number
  policy: ChannelPolicy
  /** Long polling: seconds one `getUpdates` waits. */
  pollTimeoutSeconds: number
  log: FastifyBaseLogger
  /**
   * Several relays: only the one holding `duty` sends the outbox and long-polls bots (one
   * `getUpdates` per bot); the others tell it of rows they queue, and every relay reloads
   * the contact points when one changes them, over `bus`. The holder also looks at the
   * outbox every `pollMs` in case a nudge was lost. Absent: this relay is the only one.
   */
  cluster?: { duty: Duty; pollMs: number }
}

/** Signals between relays (`infra/bus/signal.ts`). */
const QUEUED_SIGNAL = 'channels:queued'
const POINTS_SIGNAL = 'channels:points'

const GO: Readiness = { go: true }

/** The path the messenger posts a contact point's updates to. */
export const webhookPath = (id: string) => `/v1/channels/${id}/webhook`

/**
 * Messenger contact points and their conversations. Inbound: a verified update becomes an
 * event of the chat's conversation (created in the contact point's routing group, with
 * `channel` set) and is published like a site chat's. Outbound: as an event sink it queues an
 * operator's message to a messenger conversation in the message's transaction; the
 * `OutboxWorker` sends it.
 */
export class ChannelService implements EventSink {
  readonly worker: OutboxWorker
  private readonly points = new Map<string, ContactPointRecord>()
  private readonly pollers = new Map<string, Poller>()
  private closed = false
  private readonly unsubscribe: (() => void)[] = []
  private lookTimer: unknown
  /** A nudge to the sending relay is queued behind the transaction that wrote rows. */
  private nudging = false
  private nudgeAgain = false

  constructor(private readonly options: ChannelServiceOptions) {
    this.worker = new OutboxWorker({
      db: options.db,
      store: options.store,
      target: async (row) => {
        if (row.channel === 'email') {
          if (!options.email) return undefined
          const name = await options.email.siteName(row.conversationId)
          return {
            channel: options.email.sender,
            context: { contactPointId: '', name, credentials: {}, webhookSecret: '' },
          }
        }
        const point = row.contactPointId ? this.points.get(row.contactPointId) : undefined
        const channel = point && options.channels.get(point.kind)
        if (!point || !channel) return undefined
        const file = await options.attachments.forEvent(row.eventId)
        return {
          channel,
          context: this.contextOf(point),
          ...(file && {
            file: { name: file.name, contentType: file.contentType, data: file.data },
          }),
        }
      },
      ready: (row) => this.readiness(row),
      onChange: (row) => this.announceDelivery(row),
      onBlocked: (id, chatId) => this.block(id, chatId),
      now: options.now,
      timers: options.timers,
      random: options.random,
      policy: options.policy,
      log: options.log,
      active: () => this.sends,
    })
  }

  /** Whether this relay sends the outbox and polls the bots (it holds the duty). */
  private get sends(): boolean {
    return this.options.cluster?.duty.held ?? true
  }

  /** Loads the contact points, starts their pollers and sends what the outbox holds. */
  async start(): Promise<void> {
    await this.reload()
    const { cluster, bus, timers } = this.options
    if (cluster) {
      this.unsubscribe.push(
        onSignal(bus, QUEUED_SIGNAL, () => this.worker.kick()),
        onSignal(bus, POINTS_SIGNAL, () => void this.reload()),
      )
      // Taking over: the contact points (their poll offsets) as the last holder left them.
      cluster.duty.onChange((held) => {
        if (held) void this.reload().then(() => this.worker.kick())
        else for (const point of this.points.values()) this.syncPoller(point)
      })
      const look = () => {
        this.lookTimer = timers.setTimeout(look, cluster.pollMs)
        if (this.sends) this.worker.kick()
      }
      this.lookTimer = timers.setTimeout(look, cluster.pollMs)
    }
    this.worker.kick()
  }

  /** The contact points as stored (another relay may have changed them); pollers follow. */
  private async reload(): Promise<void> {
    const stored = await this.options.store.listContactPoints()
    const ids = new Set(stored.map((p) => p.id))
    for (const [id, poller] of this.pollers) {
      if (ids.has(id)) continue
      void poller.stop()
      this.pollers.delete(id)
    }
    this.points.clear()
    for (const point of stored) this.points.set(point.id, point)
    for (const point of stored) this.syncPoller(point)
  }

  /** Every relay reloads the contact points (one was added, changed or removed here). */
  private pointsChanged(): void {
    if (this.options.cluster) sendSignal(this.options.bus, POINTS_SIGNAL)
  }

  /**
   * Tells the relay that sends (maybe another) that rows were queued, once they are
   * committed: an empty transaction asked for now resolves after the one writing them.
   */
  private nudge(): void {
    if (!this.options.cluster || this.sends) return
    // One nudge waits at a time; rows queued meanwhile get one more after it.
    if (this.nudging) {
      this.nudgeAgain = true
      return
    }
    this.nudging = true
    void this.options.db
      .transaction(async () => {})
      .finally(() => {
        this.nudging = false
        sendSignal(this.options.bus, QUEUED_SIGNAL)
        if (this.nudgeAgain) {
          this.nudgeAgain = false
          this.nudge()
        }
      })
  }

  async close(): Promise<void> {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe()
    if (this.lookTimer !== undefined) this.options.timers.clearTimeout(this.lookTimer)
    this.closed = true
    await Promise.all([...this.pollers.values()].map((p) => p.stop()))
    this.pollers.clear()
    await this.worker.close()
  }

  /** How many contact points are stored (startup checks the key when there are any). */
  get size(): number {
    return this.points.size
  }

  // Contact points

  list(): ContactPoint[] {
    return [...this.points.values()].map(toContactPoint)
  }

  get(id: string): ContactPoint {
    return toContactPoint(this.point(id))
  }

  async create(input: CreateContactPointBody): Promise<ContactPoint> {
    const box = this.requireBox()
    if (!(await this.options.siteExists(input.siteId))) {
      throw fieldError([{ field: 'siteId', code: 'value_invalid' }])
    }
    const group = this.checkGroup(input.siteId, input.group)
    const mode = input.mode ?? 'webhook'
    this.checkMode(input.kind, mode)
    const credentials = clean(input.credentials)
    const missing = REQUIRED[input.kind].filter((key) => !credentials[key])
    if (missing.length) {
      throw fieldError(missing.map((key) => ({ field: `credentials.${key}`, code: 'required' })))
    }
    const now = this.options.now()
    const id = randomId('cp')
    const record: ContactPointRecord = {
      id,
      kind: input.kind,
      siteId: input.siteId,
      name: input.name.trim(),
      group,
      mode,
      sealed: box.seal(id, credentials),
      credentialNames: names(credentials),
      status: 'pending',
      statusError: null,
      pollOffset: 0,
      createdAt: now,
      updatedAt: now,
    }
    await this.options.db.transaction((tx) => this.options.store.createContactPoint(tx, record))
    this.points.set(id, record)
    this.pointsChanged()
    return toContactPoint(await this.connect(record))
  }

  async update(id: string, patch: UpdateContactPointBody): Promise<ContactPoint> {
    const current = this.point(id)
    const box = this.requireBox()
    const mode = patch.mode ?? current.mode
    this.checkMode(current.kind, mode)
    const group =
      patch.group === undefined ? current.group : this.checkGroup(current.siteId, patch.group)
    let sealed = current.sealed
    let credentialNames = current.credentialNames
    if (patch.credentials) {
      const merged = { ...box.open(id, current.sealed), ...clean(patch.credentials) }
      sealed = box.seal(id, merged)
      credentialNames = names(merged)
    }
    const reconnect = patch.credentials !== undefined || mode !== current.mode
    const changed = await this.options.db.transaction((tx) =>
      this.options.store.updateContactPoint(tx, id, {
        ...(patch.name !== undefined && { name: patch.name.trim() }),
        group,
        mode,
        sealed,
        credentialNames,
        ...(reconnect && { status: 'pending' as const, statusError: null }),
        updatedAt: this.options.now(),
      }),
    )
    if (!changed) throw relayError('contact_point_not_found')
    this.points.set(id, changed)
    this.pointsChanged()
    return toContactPoint(reconnect ? await this.connect(changed) : changed)
  }

  async remove(id: string): Promise<void> {
    const point = this.point(id)
    await this.pollers.get(id)?.stop()
    this.pollers.delete(id)
    const deleted = await this.options.db.transaction((tx) =>
      this.options.store.deleteContactPoint(tx, id),
    )
    this.points.delete(id)
    if (!deleted) throw relayError('contact_point_not_found')
    this.pointsChanged()
    // Best effort: the bot stops posting to a webhook that is gone.
    const channel = this.options.channels.get(point.kind)
    if (point.status === 'webhook' && channel?.unregister) {
      await channel
        .unregister(
          this.contextOf(point),
          AbortSignal.timeout(this.options.policy.requestTimeoutMs),
        )
        .catch(() => undefined)
    }
  }

  /**
   * The contact point whose chat carries the conversation (its id and name), while the chat's
   * messages go to it and the contact point exists; undefined otherwise.
   */
  async contactPointOf(conversationId: string): Promise<{ id: string; name: string } | undefined> {
    const chat = await this.options.store.chatOfConversation(conversationId)
    const point = chat && this.points.get(chat.contactPointId)
    return point && { id: point.id, name: point.name }
  }

  /** The conversation's outbound messages and where each stands. */
  async deliveries(conversationId: string): Promise<ChannelDelivery[]> {
    return (await this.options.store.listOutbox(conversationId)).map(toDelivery)
  }

  // Inbound

  /**
   * One webhook request for a contact point: refused (`channel_update_forbidden`, nothing
   * stored) unless genuine; each event handled once, in one transaction with its update id.
   */
  async receive(id: string, request: InboundRequest, body: unknown): Promise<InboundReply> {
    const point = this.points.get(id)
    const channel = point && this.options.channels.get(point.kind)
    if (!point || !channel || !this.options.box) throw relayError('contact_point_not_found')
    const context = this.contextOf(point)
    if (!channel.verify(context, request)) throw relayError('channel_update_forbidden')
    const { events, reply } = channel.parse(context, body, request.raw)
    for (const event of events) await this.handle(point, event)
    return reply ?? { status: 200, contentType: 'application/json', body: '{}' }
  }

  /** Handles one event (from a webhook or a poll); a repeated `key` changes nothing. */
  async handle(point: ContactPointRecord, event: InboundEvent, pollOffset?: number): Promise<void> {
    const { db, store, conversations, now } = this.options
    // Fetched before the transaction that acknowledges the update (see `fetchFile`).
    const file = event.type === 'message' ? await this.fetchFile(point, event) : undefined
    let appended:
      | { cid: string; result: AppendResult; named: boolean; siteId: string; visitorId: string }
      | undefined
    let receipts: ChannelOutboxRow[] = []
    await db.transaction(async (tx) => {
      if (pollOffset !== undefined) {
        await store.updateContactPoint(tx, point.id, { pollOffset, updatedAt: now() })
      }
      if (event.key !== undefined && !(await store.markUpdate(tx, point.id, event.key, now()))) {
        return
      }
      switch (event.type) {
        case 'message': {
          appended = {
            cid: `${point.kind}:${event.key}`,
            ...(await this.message(tx, point, event, file)),
          }
          return
        }
        case 'subscription':
          await this.subscription(tx, point, event)
          return
        case 'receipt': {
          const row = await store.receipt(
            tx,
            point.id,
            event.externalId,
            event.state,
            event.error ?? null,
            now(),
          )
          receipts = row ? [row] : []
          return
        }
        case 'read':
          receipts = await store.readUpTo(tx, point.id, event.chatId, event.upTo, now())
          return
        case 'ignored':
          return
      }
    })
    // After the commit: describing the summary reads the database.
    if (appended) {
      publishAll(this.options.bus, await conversations.outcome(appended.cid, appended.result))
      // The visitor's name or phone is new: their open conversations show it now.
      if (appended.named) {
        const refreshed = await conversations.refreshVisitor(appended.siteId, appended.visitorId)
        publishAll(this.options.bus, { publish: refreshed })
      }
    }
    for (const row of receipts) this.announceDelivery(row)
  }

  /** The chat of a messenger user: tied to a site visitor by a start parameter, or a new one. */
  private async chatOf(
    tx: Tx,
    point: ContactPointRecord,
    chatId: string,
    start: string | undefined,
  ): Promise<ChannelChat> {
    const { store, startParams, now } = this.options
    const existing = await store.getChat(point.id, chatId, tx)
    const tied = start ? startParams.verify(point.siteId, start) : undefined
    if (existing && (!tied || tied === existing.visitorId)) return existing
    const chat: ChannelChat = {
      contactPointId: point.id,
      chatId,
      siteId: point.siteId,
      visitorId: tied ?? randomId('v'),
      // A chat tied to another visitor starts a conversation of theirs.
      conversationId: null,
      blocked: false,
      createdAt: existing?.createdAt ?? now(),
    }
    await store.putChat(tx, chat)
    return chat
  }

  private async subscription(
    tx: Tx,
    point: ContactPointRecord,
    event: Extract<InboundEvent, { type: 'subscription' }>,
  ): Promise<void> {
    const chat = await this.chatOf(tx, point, event.chatId, event.start)
    if (chat.blocked !== event.blocked) {
      await this.options.store.putChat(tx, { ...chat, blocked: event.blocked })
    }
  }

  /**
   * The file a message carries, fetched from the messenger and checked before its update is
   * stored: the file then commits with the message, and an acknowledged message never names
   * a file that is not on disk. A download that may work later (network, 5xx, 429) throws
   * `attachment_unavailable`: nothing is stored and the update is not confirmed (the webhook
   * answers 503 and Telegram sends it again; a poll keeps its offset and retries), until
   * `downloads.retryForMs` after the message was sent — then, as for a file that can never
   * come (too large, refused type, Telegram's own 20 MB limit), the message is stored with a
   * note and the refusal's code.
   */
  private async fetchFile(
    point: ContactPointRecord,
    event: Extract<InboundEvent, { type: 'message' }>,
  ): Promise<FileOutcome> {
    const declared = event.attachment
    if (!declared) return undefined
    const { attachments, downloads, now } = this.options
    const fallback = declared.kind === 'photo' ? 'photo.jpg' : 'file'
    const refuse = (code: AttachmentRefusal, size = declared.size): FileOutcome => ({
      refused: code,
      name: cleanName(declared.name, fallback),
      type: declared.mimeType,
      ...(size !== undefined && { size }),
    })
    const early = attachments.check(declared)
    if (early) return refuse(early)
    const channel = this.options.channels.get(point.kind)
    if (!declared.fileId || !channel?.download) return undefined
    const got = await channel.download(
      this.contextOf(point),
      declared,
      attachments.maxBytes,
      AbortSignal.timeout(downloads.timeoutMs),
    )
    if (!got.ok) {
      if (got.tooLarge) return refuse('attachment_too_large')
      const fresh = now() - (event.sentAt ?? 0) < downloads.retryForMs
      if (got.retryable && fresh) {
        this.options.log.warn(
          { contactPoint: point.id, update: event.key, error: got.error },
          'a file could not be fetched; the update is refused so the messenger sends it again',
        )
        throw relayError('attachment_unavailable')
      }
      return refuse('attachment_unavailable')
    }
    const checked = attachments.accept(got.data, declared, fallback)
    return checked.ok ? { accepted: checked.file } : refuse(checked.code, got.data.length)
  }

  private async message(
    tx: Tx,
    point: ContactPointRecord,
    event: Extract<InboundEvent, { type: 'message' }>,
    file: FileOutcome,
  ) {
    const { store, conversations, profiles, now } = this.options
    const chat = await this.chatOf(tx, point, event.chatId, event.start)
    const at = now()
    const contact = await this.contactFrom(tx, chat, event)
    if (contact) {
      await profiles.applyPatch(tx, { siteId: chat.siteId, visitorId: chat.visitorId, contact }, at)
    }
    const open =
      chat.conversationId !== null ? await conversations.get(chat.conversationId, tx) : undefined
    const target: AppendInput['target'] =
      open && open.status === 'open'
        ? { conversationId: open.id }
        : {
            create: {
              siteId: chat.siteId,
              visitorId: chat.visitorId,
              kind: 'chat',
              ...(event.name && { contact: { name: event.name } }),
            },
          }
    const input: AppendInput = {
      id: randomId('e'),
      cid: `${point.kind}:${event.key}`,
      authorKey: `visitor:${chat.siteId}:${chat.visitorId}`,
      author: { kind: 'visitor', id: chat.visitorId },
      kind: 'message',
      text: textOf(event.text, event.attachment, file, this.options.attachments.maxBytes),
      at,
      target,
      newConversationId: randomId('c'),
      opening: { channel: point.kind, ...(point.group && { group: point.group }) },
    }
    const facts =
      file &&
      attachmentFacts(
        'accepted' in file ? { ...file.accepted, size: file.accepted.data.length } : undefined,
        'refused' in file ? { ...file, code: file.refused } : undefined,
      )
    if (facts) input.data = { ...facts }
    const result = await conversations.append(tx, input)
    if (file && 'accepted' in file && !result.duplicate) {
      await this.options.attachments.save(tx, file.accepted, {
        siteId: chat.siteId,
        conversationId: result.conversation.id,
        eventId: result.event.id,
      })
    }
    if (result.conversation.id !== chat.conversationId || chat.blocked) {
      await store.putChat(tx, { ...chat, conversationId: result.conversation.id, blocked: false })
    }
    return { result, named: contact !== undefined, siteId: chat.siteId, visitorId: chat.visitorId }
  }

  /**
   * What the message tells of who the visitor is, for their profile (and so every conversation
   * of theirs, the site's too when the chat is tied to a site visitor): the messenger's name
   * only while the profile has none — a name they typed in a form or gave by `identify` is
   * never replaced by a display name (a later form replaces this one); a phone they shared of
   * their own is as good as a typed one, the newest wins. Undefined: nothing new.
   */
  private async contactFrom(
    tx: Tx,
    chat: ChannelChat,
    event: Extract<InboundEvent, { type: 'message' }>,
  ): Promise<VisitorContact | undefined> {
    if (!event.name && !event.phone) return undefined
    const profile = await this.options.profiles.get(chat.siteId, chat.visitorId, tx)
    const contact: VisitorContact = {}
    if (event.name && !profile?.name) contact.name = event.name
    if (event.phone && event.phone !== profile?.phone) contact.phone = event.phone
    return contact.name || contact.phone ? contact : undefined
  }

  // Outbound (EventSink)

  async record(tx: Tx, fact: RelayFact): Promise<void> {
    if (fact.kind !== 'appended') return
    const { input, result } = fact
    if (input.kind !== 'message' || input.author.kind !== 'operator') return
    const { conversation } = result
    // An offline lead that left an e-mail (the visitor is not on the site to read the answer),
    // or a site chat whose visitor gave one: sent once they are away and have not read it.
    if (!conversation.channel) {
      if (!this.options.email || conversation.kind === 'callback') return
      const address =
        conversation.visitorEmail ??
        (conversation.kind === 'chat'
          ? (await this.options.profiles.get(conversation.siteId, conversation.visitorId, tx))
              ?.email
          : undefined)
      if (!address) return
      const now = this.options.now()
      await this.options.store.enqueue(tx, {
        eventId: result.event.id,
        channel: 'email',
        contactPointId: null,
        chatId: address,
        conversationId: conversation.id,
        text: result.event.text,
        nextAt: now,
        createdAt: now,
      })
      this.worker.kick()
      this.nudge()
      return
    }
    const chat = await this.options.store.chatOfConversation(result.conversation.id, tx)
    if (!chat || chat.blocked) return
    const now = this.options.now()
    await this.options.store.enqueue(tx, {
      eventId: result.event.id,
      channel: conversation.channel,
      contactPointId: chat.contactPointId,
      chatId: chat.chatId,
      conversationId: result.conversation.id,
      text: result.event.text,
      nextAt: now,
      createdAt: now,
    })
    this.worker.kick()
    this.nudge()
  }

  /**
   * Whether an outbox row may go now. Only a site chat's e-mail waits: until its visitor has
   * had no socket open for `emailAwayMs` (on this relay; one it has not seen since it started
   * counts as away since the reply), and not at all once they read it on the site.
   */
  private async readiness(row: ChannelOutboxRow): Promise<Readiness> {
    if (row.channel !== 'email') return GO
    const { conversations, emailAwayMs, now } = this.options
    const conversation = await conversations.get(row.conversationId)
    if (conversation?.kind !== 'chat') return GO
    if (await conversations.visitorHasRead(conversation, row.eventId)) return { settled: 'read' }
    const left = this.options.visitorLeftAt(conversation.siteId, conversation.visitorId)
    if (left === null) return { waitUntil: now() + emailAwayMs }
    const awayUntil = (left ?? row.createdAt) + emailAwayMs
    return awayUntil > now() ? { waitUntil: awayUntil } : GO
  }

  // Internals

  private point(id: string): ContactPointRecord {
    const point = this.points.get(id)
    if (!point) throw relayError('contact_point_not_found')
    return point
  }

  private requireBox(): CredentialBox {
    if (!this.options.box) throw relayError('channel_secret_key_missing')
    return this.options.box
  }

  private checkGroup(siteId: string, group: string | null | undefined): string | null {
    if (group === undefined || group === null) return null
    const id = this.options.groupOf(siteId, group)
    if (!id) throw fieldError([{ field: 'group', code: 'value_invalid' }])
    return id
  }

  private checkMode(kind: ChannelKind, mode: ContactPointRecord['mode']): void {
    if (mode === 'polling' && !this.options.channels.get(kind)?.polling) {
      throw fieldError([{ field: 'mode', code: 'value_invalid' }])
    }
  }

  contextOf(point: ContactPointRecord): ChannelContext {
    return {
      contactPointId: point.id,
      name: point.name,
      credentials: this.options.box?.open(point.id, point.sealed) ?? {},
      webhookSecret: createHmac('sha256', this.options.webhookKey)
        .update(`channel-webhook\n${point.id}`)
        .digest('base64url'),
    }
  }

  /** Registers the webhook, or starts polling; stores how that went. */
  private async connect(point: ContactPointRecord): Promise<ContactPointRecord> {
    const channel = this.options.channels.get(point.kind)
    if (!channel) return point
    const signal = AbortSignal.timeout(this.options.policy.requestTimeoutMs)
    let status: ContactPointRecord['status']
    let statusError: string | null = null
    try {
      if (point.mode === 'polling') {
        await channel.unregister?.(this.contextOf(point), signal)
        status = 'polling'
      } else if (!this.options.publicUrl) {
        status = 'failed'
        statusError =
          'The relay has no public URL (PARLEY_PUBLIC_URL) for the messenger to post to; set it, or use polling'
      } else {
        await channel.register(
          this.contextOf(point),
          `${this.options.publicUrl}${webhookPath(point.id)}`,
          signal,
        )
        status = 'webhook'
      }
    } catch (err) {
      status = 'failed'
      statusError = (err as Error)?.message ?? String(err)
    }
    const changed = await this.options.db.transaction((tx) =>
      this.options.store.updateContactPoint(tx, point.id, {
        status,
        statusError,
        updatedAt: this.options.now(),
      }),
    )
    const current = changed ?? point
    this.points.set(point.id, current)
    this.syncPoller(current)
    this.pointsChanged()
    return current
  }

  /** A poller runs exactly for the polling contact points whose status is `polling`. */
  private syncPoller(point: ContactPointRecord): void {
    const running = this.pollers.get(point.id)
    const wanted =
      point.mode === 'polling' && point.status === 'polling' && !this.closed && this.sends
    if (running && !wanted) {
      void running.stop()
      this.pollers.delete(point.id)
    }
    const channel = this.options.channels.get(point.kind)
    if (!running && wanted && channel?.poll) {
      const poller = new Poller({
        poll: (offset, signal) =>
          channel.poll!(
            this.contextOf(this.points.get(point.id) ?? point),
            offset,
            this.options.pollTimeoutSeconds,
            signal,
          ),
        offset: point.pollOffset,
        handle: async (update, next) => {
          const current = this.points.get(point.id) ?? point
          const { events } = channel.parse(this.contextOf(current), update)
          if (events.length === 0) events.push({ type: 'ignored' })
          for (const [i, event] of events.entries()) {
            await this.handle(current, event, i === events.length - 1 ? next : undefined)
          }
          if (next !== undefined) current.pollOffset = next
        },
        timers: this.options.timers,
        retryDelay: (attempt) =>
          Math.min(1000 * 2 ** attempt, 60_000) * (0.75 + this.options.random() * 0.5),
        log: this.options.log,
      })
      this.pollers.set(point.id, poller)
      poller.start()
    }
  }

  private async block(contactPointId: string, chatId: string): Promise<void> {
    const { db, store } = this.options
    await db.transaction(async (tx) => {
      const chat = await store.getChat(contactPointId, chatId, tx)
      if (chat && !chat.blocked) await store.putChat(tx, { ...chat, blocked: true })
    })
  }

  /** Tells the operators who see the conversation where a message stands. */
  private announceDelivery(row: ChannelOutboxRow): void {
    void this.options.conversations.get(row.conversationId).then((conversation) => {
      if (!conversation) return
      this.options.bus.publish(OPERATORS_TOPIC, {
        frame: { t: 'delivery', conversationId: row.conversationId, delivery: toDelivery(row) },
        audience: {
          groupId: conversation.group ?? null,
          operatorId: conversation.operator?.id ?? null,
        },
      })
    })
  }
}

function toContactPoint(record: ContactPointRecord): ContactPoint {
  return {
    id: record.id,
    kind: record.kind,
    siteId: record.siteId,
    name: record.name,
    group: record.group,
    mode: record.mode,
    credentials: Object.fromEntries(record.credentialNames.map((n) => [n, 'set' as const])),
    webhookPath: webhookPath(record.id),
    status: record.status,
    statusError: record.statusError,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  }
}

function toDelivery(row: ChannelOutboxRow): ChannelDelivery {
  return {
    eventId: row.eventId,
    channel: row.channel,
    state: row.state,
    attempts: row.attempts,
    error: row.error,
    updatedAt: row.updatedAt,
  }
}

/** Credentials without empty values (an empty field in a form is "keep"). */
function clean(credentials: ChannelCredentials): ChannelCredentials {
  return Object.fromEntries(
    Object.entries(credentials).filter(([, value]) => typeof value === 'string' && value !== ''),
  )
}

const names = (credentials: ChannelCredentials) => Object.keys(credentials).sort()

/**
 * A message's text, with the file it carried described (what every reader of text sees:
 * the widget's transcript, search, webhooks, e-mail) and why it was not stored, if it was not.
 */
export function textOf(
  text: string,
  attachment: InboundAttachment | undefined,
  file: FileOutcome,
  maxBytes: number,
): string {
  if (!attachment) return text
  const label = attachment.kind === 'photo' ? 'Photo' : `File ${attachment.name ?? ''}`.trim()
  const bytes =
    file && 'accepted' in file ? file.accepted.data.length : (file?.size ?? attachment.size)
  const size = bytes !== undefined ? ` (${Math.max(1, Math.round(bytes / 1024))} KB)` : ''
  const refusal = file && 'refused' in file ? file.refused : undefined
  const megabytes = Math.round((maxBytes / 1024 / 1024) * 10) / 10
  const refused =
    refusal === 'attachment_too_large'
      ? ` — not accepted: larger than ${megabytes} MB`
      : refusal === 'attachment_type_refused'
        ? attachment.mimeType && !isAcceptedType(attachment.mimeType)
          ? ` — not accepted: ${attachment.mimeType} files are not taken`
          : ' — not accepted: not a file type the relay takes'
        : refusal === 'attachment_unavailable'
          ? ' — could not be downloaded'
          : ''
  const note = `[${label}${size}${refused}]`
  return text ? `${note} ${text}` : note
}
