import type { SubscribableEventType } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { DeliveryAttempt, OutboxEvent } from './destination.ts'

/** An endpoint as stored, with its secret. */
export interface EndpointRecord {
  id: string
  kind: string
  url: string
  description: string
  events: SubscribableEventType[]
  active: boolean
  secret: string
  config: Record<string, unknown> | null
  disabledReason: string | null
  disabledAt: number | null
  /** The first failed attempt since the last success; null when not failing. */
  failingSince: number | null
  /** Deliveries given up in a row since the last success. */
  deadInARow: number
  createdAt: number
  updatedAt: number
}

export type EndpointPatch = Partial<
  Pick<
    EndpointRecord,
    | 'url'
    | 'description'
    | 'events'
    | 'active'
    | 'secret'
    | 'config'
    | 'disabledReason'
    | 'disabledAt'
    | 'failingSince'
    | 'deadInARow'
  >
> & { updatedAt: number }

export type DeliveryState = 'pending' | 'delivered' | 'dead'

/** One event queued for one endpoint. */
export interface OutboxRow {
  /** Position in the outbox: deliveries of one ordering key go out in this order. */
  seq: number
  endpointId: string
  orderingKey: string
  event: OutboxEvent
  state: DeliveryState
  attempts: number
  nextAt: number
  createdAt: number
}

export interface NewOutboxRow {
  endpointId: string
  orderingKey: string
  event: OutboxEvent
  nextAt: number
  createdAt: number
}

export interface StoredAttempt extends DeliveryAttempt {
  at: number
}

/** A row with its attempts, oldest first. */
export interface DeliveryRecord extends OutboxRow {
  log: StoredAttempt[]
}

/** What one attempt changes of its row. */
export interface AttemptOutcome {
  state: DeliveryState
  attempts: number
  nextAt: number
}

/**
 * Webhook endpoints, the outbox and the attempt log. `describeWebhookStore` in
 * `contract.ts` is the suite every adapter passes.
 */
export interface WebhookStore {
  createEndpoint(tx: Tx, endpoint: EndpointRecord): Promise<void>
  getEndpoint(id: string, tx?: Tx): Promise<EndpointRecord | undefined>
  /** Oldest first. */
  listEndpoints(tx?: Tx): Promise<EndpointRecord[]>
  updateEndpoint(tx: Tx, id: string, patch: EndpointPatch): Promise<EndpointRecord | undefined>
  /** Removes the endpoint with its outbox rows and attempts; false when there was none. */
  deleteEndpoint(tx: Tx, id: string): Promise<boolean>
  /** Queues rows (in the order given). Returns their seqs. */
  enqueue(tx: Tx, rows: readonly NewOutboxRow[]): Promise<number[]>
  /**
   * The first pending row of each (endpoint, ordering key) whose endpoint is active (or the
   * row is a `webhook.test`) and that is due by `now`: soonest due first, at most `limit`.
   */
  dueHeads(now: number, limit: number, tx?: Tx): Promise<OutboxRow[]>
  /** The first `limit` pending rows of an endpoint and key, in order (its head first). */
  pendingLine(endpointId: string, orderingKey: string, limit: number, tx?: Tx): Promise<OutboxRow[]>
  /** When the soonest pending head (as `dueHeads` picks them) is due; null when none. */
  nextDue(tx?: Tx): Promise<number | null>
  /** Logs an attempt and applies its outcome to the row, in `tx`. */
  recordAttempt(tx: Tx, seq: number, attempt: StoredAttempt, outcome: AttemptOutcome): Promise<void>
  /** An endpoint's rows, newest first, each with its attempts. */
  listDeliveries(endpointId: string, limit: number): Promise<DeliveryRecord[]>
  getDelivery(endpointId: string, seq: number, tx?: Tx): Promise<DeliveryRecord | undefined>
  /** Makes an endpoint's pending rows due at `at` (it was turned on again). */
  retryPendingNow(tx: Tx, endpointId: string, at: number): Promise<void>
  /** Rows per state, for an endpoint or all. */
  countByState(endpointId?: string): Promise<Record<DeliveryState, number>>
}
