import type { TSchema } from '@sinclair/typebox'

/*
 * A copy of the interface `modules/webhooks/destination.ts` defines (the webhooks outbox,
 * built on another branch). After both are merged, the connectors import it from there and
 * this file goes.
 */

/** One event of the outbox, as a destination receives it. */
export interface OutboxEvent {
  id: string
  type: string
  timestamp: number
  conversationId: string | null
  siteId: string
  data: Record<string, unknown>
}

/** What one delivery attempt did, for the outbox's log and retry decision. */
export interface DeliveryAttempt {
  ok: boolean
  /** The HTTP status of the (last) request, null when none was answered. */
  status: number | null
  latencyMs: number
  /** The start of the answer's body, for the delivery log. */
  excerpt: string
  /** Whether trying again later may succeed. */
  retryable: boolean
  error?: string
}

/** Where an endpoint's events go. */
export interface Destination {
  deliver(event: OutboxEvent, signal: AbortSignal): Promise<DeliveryAttempt>
}

/** A kind of destination: its settings, which of them are secret, and how to build one. */
export interface DestinationKind<C> {
  kind: string
  configSchema: TSchema
  secretFields: readonly string[]
  create(config: C, deps: { fetch: typeof fetch }): Destination
}
