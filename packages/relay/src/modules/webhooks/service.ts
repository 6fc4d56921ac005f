import { randomBytes } from 'node:crypto'
import {
  type FieldError,
  type SubscribableEventType,
  schemaErrors,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '@parley/protocol'
import type { FastifyBaseLogger } from 'fastify'
import { onSignal, sendSignal } from '../../infra/bus/signal.ts'
import type { Bus } from '../../infra/bus/types.ts'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import type { Duty } from '../../infra/duty.ts'
import { fieldError, relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import type { Timers } from '../../infra/ws/frame-socket.ts'
import type { EventSink, RelayFact } from '../conversations/event-sink.ts'
import { sampleLead } from '../crm/lead-data.ts'
import { checkEndpointUrl, type PrivateNetworks, type Resolver, UrlRefused } from './address.ts'
import {
  type Destination,
  type DestinationKind,
  destinationKinds,
  type OutboxEvent,
} from './destination.ts'
import { eventsOf, type FactLookups } from './events.ts'
import type { DeliveryRecord, EndpointRecord, WebhookStore } from './store.ts'
import { type DeliveryPolicy, DeliveryWorker } from './worker.ts'

export interface WebhookServiceOptions {
  db: UnitOfWork
  store: WebhookStore
  lookups: FactLookups
  now: () => number
  timers: Timers
  random?: () => number
  policy: DeliveryPolicy
  allowPrivateNetworks: PrivateNetworks
  /** The guarded fetch destinations send with. */
  fetch: typeof fetch
  resolve?: Resolver
  log: FastifyBaseLogger
  /** Where the console is reached, for links in CRM leads (`RelayConfig.publicUrl`). */
  publicUrl?: string
  /**
   * Several relays: only the one holding `duty` sends; the others tell it of rows they queue
   * and of endpoint changes over `bus`, and it also looks at the outbox every
   * `pollMs` in case a nudge was lost. Absent: this relay is the only one.
   */
  cluster?: { duty: Duty; bus: Bus; pollMs: number }
}

/** Signals between relays (`infra/bus/signal.ts`). */
const QUEUED_SIGNAL = 'webhooks:queued'
const ENDPOINTS_SIGNAL = 'webhooks:endpoints'

/** What a CRM connection subscribes to: all it files. */
const CRM_EVENTS: readonly SubscribableEventType[] = ['lead.created']

/**
 * Each error of a kind's config, as `config.<key>` (`url_invalid` for a URL that does not have
 * the form its kind needs).
 */
function configErrors(kind: DestinationKind<unknown>, config: unknown): FieldError[] {
  return schemaErrors(kind.configSchema, config).map(({ field, code }) => {
    const key = field.replace(/^\//, '').replace(/\//g, '.')
    const name = key ? `config.${key}` : 'config'
    return {
      field: name,
      code: code === 'value_invalid' && /url$/i.test(key) ? 'url_invalid' : code,
    }
  })
}

/** A new `whsec_…` secret: 24 random bytes, base64 (what Standard Webhooks libraries take). */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

/**
 * An endpoint as the API shows it: never its secret, nor its kind's credentials (`credentials`
 * names those that are set).
 */
export function toEndpoint(
  record: EndpointRecord,
): WebhookEndpoint & { config: Record<string, unknown> | null } {
  const kind = destinationKinds.get(record.kind)
  let config = record.config
  const credentials: string[] = []
  if (config && kind) {
    for (const key of kind.secretFields) {
      if (config[key] !== undefined && config[key] !== '') credentials.push(key)
    }
    config = Object.fromEntries(
      Object.entries(config).filter(([key]) => !kind.secretFields.includes(key)),
    )
  }
  return {
    id: record.id,
    kind: record.kind,
    url: record.url,
    description: record.description,
    events: record.events,
    active: record.active,
    disabledReason: record.disabledReason,
    disabledAt: record.disabledAt,
    config,
    credentials,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  }
}

export function toDelivery(record: DeliveryRecord): WebhookDelivery {
  return {
    id: String(record.seq),
    messageId: record.event.id,
    type: record.event.type,
    conversationId: record.event.conversationId,
    state: record.state,
    attempts: record.log.map((a) => ({
      at: a.at,
      ok: a.ok,
      status: a.status,
      latencyMs: a.latencyMs,
      excerpt: a.excerpt,
      error: a.error ?? null,
    })),
    nextAttemptAt: record.state === 'pending' ? record.nextAt : null,
    createdAt: record.createdAt,
  }
}

export interface EndpointInput {
  /** A webhook's; a CRM's comes from its config. */
  url?: string
  /** Required for a webhook; a CRM takes only `lead.created` (the default). */
  events?: SubscribableEventType[]
  description?: string
  active?: boolean
  kind?: string
  config?: Record<string, unknown> | null
}

/**
 * Webhook endpoints and the outbox they are fed from. As the conversation service's event
 * sink it writes one outbox row per subscribed active endpoint in the transaction of the
 * change; its `DeliveryWorker` sends them.
 */
export class WebhookService implements EventSink {
  readonly worker: DeliveryWorker
  /** Active endpoints by the types they subscribe to. */
  private subscribed = new Map<SubscribableEventType, EndpointRecord[]>()
  private wanted = new Set<SubscribableEventType>()
  /** Every endpoint, as last loaded (each change reloads). */
  private byId = new Map<string, EndpointRecord>()
  private readonly destinations = new Map<string, { version: string; destination: Destination }>()
  private readonly unsubscribe: (() => void)[] = []
  private poll: unknown
  /** A nudge to the sending relay is queued behind the transaction that wrote rows. */
  private nudging = false
  private nudgeAgain = false

  constructor(private readonly options: WebhookServiceOptions) {
    this.worker = new DeliveryWorker({
      db: options.db,
      store: options.store,
      endpoint: (id) => this.byId.get(id),
      destination: (endpoint) => this.destinationOf(endpoint),
      now: options.now,
      timers: options.timers,
      random: options.random ?? Math.random,
      policy: options.policy,
      log: options.log,
      onDisabled: () => void this.changed(),
      active: () => options.cluster?.duty.held ?? true,
    })
  }

  /** How many active endpoints this relay queues rows for, as it last loaded them. */
  get activeEndpoints(): number {
    return [...this.byId.values()].filter((e) => e.active).length
  }

  /** Loads the endpoints and starts delivering what the outbox holds (after a restart too). */
  async start(): Promise<void> {
    await this.reload()
    const { cluster } = this.options
    if (cluster) {
      const { duty, bus, pollMs } = cluster
      this.unsubscribe.push(
        onSignal(bus, QUEUED_SIGNAL, () => this.worker.kick()),
        onSignal(bus, ENDPOINTS_SIGNAL, () => void this.reload().then(() => this.worker.kick())),
      )
      duty.onChange((held) => {
        if (held) this.worker.kick()
      })
      const poll = () => {
        this.poll = this.options.timers.setTimeout(poll, pollMs)
        if (duty.held) this.worker.kick()
      }
      this.poll = this.options.timers.setTimeout(poll, pollMs)
    }
    this.worker.kick()
  }

  close(): Promise<void> {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe()
    if (this.poll !== undefined) this.options.timers.clearTimeout(this.poll)
    this.poll = undefined
    return this.worker.close()
  }

  // EventSink

  async record(tx: Tx, fact: RelayFact): Promise<void> {
    if (this.wanted.size === 0) return
    const pending = await eventsOf(tx, fact, this.wanted, this.options.lookups)
    if (pending.length === 0) return
    const now = this.options.now()
    const rows = pending.flatMap(({ event, orderingKey }) =>
      (this.subscribed.get(event.type as SubscribableEventType) ?? []).map((endpoint) => ({
        endpointId: endpoint.id,
        orderingKey,
        event,
        nextAt: now,
        createdAt: now,
      })),
    )
    await this.options.store.enqueue(tx, rows)
    this.worker.kick()
    this.nudge()
  }

  /**
   * Tells the relay that sends (maybe another) that rows were queued, once they are
   * committed: an empty transaction asked for now resolves after the one writing them.
   */
  private nudge(): void {
    const { cluster } = this.options
    if (!cluster || cluster.duty.held) return
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
        sendSignal(cluster.bus, QUEUED_SIGNAL)
        if (this.nudgeAgain) {
          this.nudgeAgain = false
          this.nudge()
        }
      })
  }

  /** The endpoints changed here: reload them, and have every other relay reload too. */
  private async changed(): Promise<void> {
    await this.reload()
    if (this.options.cluster) sendSignal(this.options.cluster.bus, ENDPOINTS_SIGNAL)
  }

  // Endpoints

  list(): Promise<EndpointRecord[]> {
    return this.options.store.listEndpoints()
  }

  async get(id: string): Promise<EndpointRecord> {
    const endpoint = await this.options.store.getEndpoint(id)
    if (!endpoint) throw relayError('webhook_not_found')
    return endpoint
  }

  /**
   * Creates an endpoint; the reply's secret (a webhook's) is the only time it is shown. A CRM
   * connection takes its kind's `config` instead of `url` and `events`.
   */
  async create(
    input: EndpointInput,
  ): Promise<{ endpoint: EndpointRecord; secret: string | undefined }> {
    const kind = this.kindOf(input.kind ?? 'webhook')
    const { url, events, config } = this.settingsOf(kind, input, undefined)
    await this.checkUrl(url)
    const now = this.options.now()
    const endpoint: EndpointRecord = {
      id: randomId('wh'),
      kind: kind.kind,
      url,
      description: input.description?.trim() ?? '',
      events,
      active: input.active ?? true,
      secret: newSecret(),
      config,
      disabledReason: null,
      disabledAt: null,
      failingSince: null,
      deadInARow: 0,
      createdAt: now,
      updatedAt: now,
    }
    await this.options.db.transaction((tx) => this.options.store.createEndpoint(tx, endpoint))
    await this.changed()
    return { endpoint, secret: kind.urlOf ? undefined : endpoint.secret }
  }

  /**
   * The url, events and config an endpoint of `kind` gets from `input` (a change of `current`
   * when given), or a `field_invalid` naming each bad field. A CRM's `config` replaces its
   * settings, a credential left out keeping the saved one; its url is derived from it.
   */
  private settingsOf(
    kind: DestinationKind<unknown>,
    input: Partial<EndpointInput>,
    current: EndpointRecord | undefined,
  ): { url: string; events: SubscribableEventType[]; config: Record<string, unknown> | null } {
    const fields: FieldError[] = []
    if (!kind.urlOf) {
      const url = input.url ?? current?.url
      const events = input.events ?? current?.events
      if (url === undefined) fields.push({ field: 'url', code: 'required' })
      if (events === undefined) fields.push({ field: 'events', code: 'required' })
      const config = input.config === undefined ? (current?.config ?? null) : input.config
      if (config !== null) fields.push(...configErrors(kind, config))
      if (fields.length > 0) throw fieldError(fields)
      return { url: url!, events: [...events!], config }
    }
    if (input.url !== undefined) fields.push({ field: 'url', code: 'unknown_field' })
    const events = input.events ?? current?.events ?? [...CRM_EVENTS]
    if (events.length !== 1 || events[0] !== 'lead.created') {
      fields.push({ field: 'events', code: 'value_invalid' })
    }
    let config: Record<string, unknown> | null = null
    if (input.config == null) {
      if (current?.config) config = current.config
      else fields.push({ field: 'config', code: 'required' })
    } else {
      config = { ...input.config }
      for (const key of kind.secretFields) {
        if (config[key] === undefined && current?.config?.[key] !== undefined) {
          config[key] = current.config[key]
        }
      }
      fields.push(...configErrors(kind, config))
    }
    if (fields.length > 0) throw fieldError(fields)
    return { url: kind.urlOf(config), events: [...events], config }
  }

  /** Changes an endpoint. Turning it on clears why it was turned off and retries what waits. */
  async update(
    id: string,
    patch: Partial<Pick<EndpointInput, 'url' | 'events' | 'description' | 'active' | 'config'>>,
  ): Promise<EndpointRecord> {
    const current = await this.get(id)
    const kind = this.kindOf(current.kind)
    const settings = this.settingsOf(kind, patch, current)
    if (settings.url !== current.url) await this.checkUrl(settings.url)
    const now = this.options.now()
    const reactivated = patch.active === true && !current.active
    const updated = await this.options.db.transaction(async (tx) => {
      const next = await this.options.store.updateEndpoint(tx, id, {
        ...(settings.url !== current.url && { url: settings.url }),
        ...(patch.events !== undefined && { events: settings.events }),
        ...(patch.description !== undefined && { description: patch.description.trim() }),
        ...(patch.config !== undefined && { config: settings.config }),
        ...(patch.active !== undefined && { active: patch.active }),
        ...(patch.active !== undefined && { disabledReason: null, disabledAt: null }),
        ...(reactivated && { failingSince: null, deadInARow: 0 }),
        updatedAt: now,
      })
      if (reactivated) await this.options.store.retryPendingNow(tx, id, now)
      return next
    })
    if (!updated) throw relayError('webhook_not_found')
    await this.changed()
    this.worker.kick()
    return updated
  }

  async remove(id: string): Promise<void> {
    const removed = await this.options.db.transaction((tx) =>
      this.options.store.deleteEndpoint(tx, id),
    )
    if (!removed) throw relayError('webhook_not_found')
    await this.changed()
  }

  /** A new secret, shown once; the old one stops signing at once. */
  async rotateSecret(id: string): Promise<{ endpoint: EndpointRecord; secret: string }> {
    const current = await this.get(id)
    if (this.kindOf(current.kind).urlOf) {
      throw relayError('bad_request', 'A CRM connection signs nothing: it has no secret')
    }
    const secret = newSecret()
    const endpoint = await this.options.db.transaction((tx) =>
      this.options.store.updateEndpoint(tx, id, { secret, updatedAt: this.options.now() }),
    )
    if (!endpoint) throw relayError('webhook_not_found')
    await this.changed()
    return { endpoint, secret }
  }

  // Deliveries

  async deliveries(id: string, limit: number): Promise<DeliveryRecord[]> {
    await this.get(id)
    return this.options.store.listDeliveries(id, limit)
  }

  /**
   * Queues a delivered or given-up event again, with the same `webhook-id` (a receiver that
   * already has it may skip it). A pending one is tried now.
   */
  async resend(id: string, deliveryId: string): Promise<DeliveryRecord> {
    await this.get(id)
    const seq = /^\d{1,15}$/.test(deliveryId) ? Number(deliveryId) : Number.NaN
    const record = await this.options.store.getDelivery(id, seq)
    if (!record) throw relayError('webhook_delivery_not_found')
    const now = this.options.now()
    const created = await this.options.db.transaction(async (tx) => {
      const [again] = await this.options.store.enqueue(tx, [
        {
          endpointId: id,
          orderingKey: record.orderingKey,
          event: record.event,
          nextAt: now,
          createdAt: now,
        },
      ])
      return (await this.options.store.getDelivery(id, again!, tx))!
    })
    this.worker.kick()
    return created
  }

  /**
   * Queues a `webhook.test` event for this endpoint alone (sent even while it is off). A CRM
   * connection gets a sample lead in it, which its connector files as a lead.
   */
  async sendTest(id: string): Promise<DeliveryRecord> {
    const endpoint = await this.get(id)
    const now = this.options.now()
    const crm = this.kindOf(endpoint.kind).urlOf !== undefined
    const event: OutboxEvent = {
      id: randomId('msg'),
      type: 'webhook.test',
      timestamp: now,
      conversationId: null,
      siteId: '',
      data: crm
        ? { ...sampleLead(now, this.options.publicUrl) }
        : { endpointId: endpoint.id, message: 'A test event from Parley' },
    }
    const created = await this.options.db.transaction(async (tx) => {
      const [seq] = await this.options.store.enqueue(tx, [
        { endpointId: id, orderingKey: `test:${event.id}`, event, nextAt: now, createdAt: now },
      ])
      return (await this.options.store.getDelivery(id, seq!, tx))!
    })
    this.worker.kick()
    return created
  }

  private kindOf(name: string): DestinationKind<unknown> {
    const kind = destinationKinds.get(name)
    if (!kind) throw fieldError([{ field: 'kind', code: 'value_invalid' }])
    return kind
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await checkEndpointUrl(url, this.options.allowPrivateNetworks, this.options.resolve)
    } catch (error) {
      if (!(error instanceof UrlRefused)) throw error
      if (error.code === 'url_invalid') throw fieldError([{ field: 'url', code: 'url_invalid' }])
      throw relayError(error.code, error.message)
    }
  }

  private destinationOf(endpoint: EndpointRecord): Destination {
    // Not `updatedAt` alone: two changes can share a millisecond.
    const version = `${endpoint.updatedAt}:${endpoint.url}:${endpoint.secret}:${JSON.stringify(endpoint.config)}`
    const cached = this.destinations.get(endpoint.id)
    if (cached?.version === version) return cached.destination
    const kind = this.kindOf(endpoint.kind)
    const config = kind.urlOf
      ? endpoint.config
      : {
          ...(endpoint.config ?? {}),
          url: endpoint.url,
          secret: endpoint.secret,
          now: this.options.now,
        }
    const destination = kind.create(config, { fetch: this.options.fetch })
    this.destinations.set(endpoint.id, { version, destination })
    return destination
  }

  private async reload(): Promise<void> {
    const subscribed = new Map<SubscribableEventType, EndpointRecord[]>()
    const endpoints = await this.options.store.listEndpoints()
    this.byId = new Map(endpoints.map((e) => [e.id, e]))
    for (const endpoint of endpoints) {
      if (!endpoint.active) continue
      for (const type of endpoint.events) {
        subscribed.set(type, [...(subscribed.get(type) ?? []), endpoint])
      }
    }
    this.subscribed = subscribed
    this.wanted = new Set(subscribed.keys())
  }
}
