import type { DeliveryState, EndpointRecord, OutboxRow, StoredAttempt } from './store.ts'

/** The rows of the webhooks tables as both engines read them, and what they become. */
export interface EndpointRow {
  id: string
  kind: string
  url: string
  description: string
  events: string
  active: number
  secret: string
  config: string | null
  disabled_reason: string | null
  disabled_at: number | null
  failing_since: number | null
  dead_in_a_row: number
  created_at: number
  updated_at: number
}

export interface OutboxDbRow {
  seq: number
  endpoint_id: string
  ordering_key: string
  event: string
  state: DeliveryState
  attempts: number
  next_at: number
  created_at: number
}

export interface AttemptRow {
  outbox_seq: number
  at: number
  ok: number
  status: number | null
  latency_ms: number
  excerpt: string
  error: string | null
}

export function toEndpoint(row: EndpointRow): EndpointRecord {
  return {
    id: row.id,
    kind: row.kind,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events),
    active: row.active === 1,
    secret: row.secret,
    config: row.config === null ? null : JSON.parse(row.config),
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    failingSince: row.failing_since,
    deadInARow: row.dead_in_a_row,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export function toOutbox(row: OutboxDbRow): OutboxRow {
  return {
    seq: row.seq,
    endpointId: row.endpoint_id,
    orderingKey: row.ordering_key,
    event: JSON.parse(row.event),
    state: row.state,
    attempts: row.attempts,
    nextAt: row.next_at,
    createdAt: row.created_at,
  }
}

export function toAttempt(row: AttemptRow): StoredAttempt {
  const attempt: StoredAttempt = {
    at: row.at,
    ok: row.ok === 1,
    status: row.status,
    latencyMs: row.latency_ms,
    excerpt: row.excerpt,
    retryable: !row.ok,
  }
  if (row.error !== null) attempt.error = row.error
  return attempt
}
