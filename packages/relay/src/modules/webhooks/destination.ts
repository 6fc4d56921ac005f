import type { WebhookEventType } from '@parley/protocol'
import { type TSchema, Type } from '@sinclair/typebox'
import { Webhook } from 'standardwebhooks'
import { CRM_DESTINATIONS } from '../crm/kinds.ts'

export type { WebhookEventType }

/**
 * The plug-in interface of the outbox. An endpoint has a `kind`; its kind turns the
 * endpoint's stored config into a `Destination`, and the delivery worker hands it one event
 * at a time (in order per endpoint and conversation, retried with backoff, each attempt
 * logged). `'webhook'` (a signed POST) is the kind of this module; CRM destinations
 * (Bitrix24, amoCRM) are other kinds added to `destinationKinds`.
 */

/** One event as queued in the outbox: the same object on every attempt. */
export interface OutboxEvent {
  /** `msg_…`: the `webhook-id`, the same on every retry and resend (receivers dedupe on it). */
  id: string
  type: WebhookEventType
  /** Milliseconds since the epoch: when it happened. */
  timestamp: number
  conversationId: string | null
  siteId: string
  data: Record<string, unknown>
}

/** What one try to deliver gave. `excerpt`: the start of the reply body (≤ 1 KB). */
export interface DeliveryAttempt {
  ok: boolean
  status: number | null
  latencyMs: number
  excerpt: string
  /** False: trying again cannot help (the delivery is given up at once). */
  retryable: boolean
  error?: string
}

export interface Destination {
  /** One attempt; `signal` aborts it at the relay's per-request timeout or shutdown. */
  deliver(event: OutboxEvent, signal: AbortSignal): Promise<DeliveryAttempt>
}

/**
 * A kind of destination. `configSchema` checks what the endpoint stores in `config` when it is
 * saved; `secretFields` are config keys never returned by the API (credentials). A kind with
 * `urlOf` keeps where it sends in its config (a CRM): `create` gets that config alone, and the
 * endpoint's `url` is `urlOf(config)`, shown and checked against the SSRF guard when saved (so
 * it must carry no credential). Without `urlOf`, `create` gets the config merged with the
 * endpoint's `{ url, secret, now }`. `deps.fetch` is the relay's guarded fetch: it refuses
 * non-public addresses (unless allowed by configuration) and follows no redirect.
 */
export interface DestinationKind<C> {
  kind: string
  configSchema: TSchema
  secretFields: readonly string[]
  urlOf?(config: C): string
  create(config: C, deps: { fetch: typeof fetch }): Destination
}

/** Most of a reply body kept in the delivery log. */
export const EXCERPT_BYTES = 1024

/** The start of a body, at most `EXCERPT_BYTES` bytes of UTF-8 (never a broken character). */
export function excerptOf(body: string): string {
  const bytes = Buffer.from(body, 'utf8')
  if (bytes.length <= EXCERPT_BYTES) return body
  return bytes
    .subarray(0, EXCERPT_BYTES)
    .toString('utf8')
    .replace(/\uFFFD+$/, '')
}

/** Reads at most `EXCERPT_BYTES` of a reply (a large body is not read to its end). */
export async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < EXCERPT_BYTES + 4) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return excerptOf(Buffer.concat(chunks).toString('utf8'))
}

/** The JSON body a webhook receiver gets. */
export function webhookBody(event: OutboxEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: new Date(event.timestamp).toISOString(),
    siteId: event.siteId,
    conversationId: event.conversationId,
    data: event.data,
  })
}

export interface WebhookConfig {
  url: string
  /** `whsec_…` (base64 key after the prefix), as Standard Webhooks libraries take it. */
  secret: string
  /** The time put in `webhook-timestamp` (the relay's clock). */
  now?: () => number
}

/**
 * A signed POST per the Standard Webhooks specification: `webhook-id`,
 * `webhook-timestamp` (seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>`, made by the `standardwebhooks` library.
 */
export const webhookKind: DestinationKind<WebhookConfig> = {
  kind: 'webhook',
  configSchema: Type.Object({}, { additionalProperties: false }),
  secretFields: [],
  create(config, { fetch }) {
    const signer = new Webhook(config.secret)
    const now = config.now ?? Date.now
    return {
      async deliver(event, signal) {
        const body = webhookBody(event)
        const at = new Date(now())
        const headers = {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhooks/1',
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signer.sign(event.id, at, body),
        }
        const started = performance.now()
        try {
          const response = await fetch(config.url, {
            method: 'POST',
            headers,
            body,
            signal,
            redirect: 'manual',
          })
          const excerpt = await readExcerpt(response)
          const latencyMs = Math.round(performance.now() - started)
          const ok = response.status >= 200 && response.status < 300
          const attempt: DeliveryAttempt = {
            ok,
            status: response.status,
            latencyMs,
            excerpt,
            retryable: !ok,
          }
          if (response.status >= 300 && response.status < 400) {
            attempt.error = 'Redirects are not followed; point the endpoint at the final URL'
          } else if (!ok) attempt.error = `HTTP ${response.status}`
          return attempt
        } catch (error) {
          return {
            ok: false,
            status: null,
            latencyMs: Math.round(performance.now() - started),
            excerpt: '',
            retryable: true,
            error: describeFetchError(error),
          }
        }
      },
    }
  },
}

/** A fetch failure in words for the delivery log (never a stack). */
export function describeFetchError(error: unknown): string {
  const err = error as {
    name?: string
    message?: string
    cause?: { code?: string; message?: string }
  }
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return 'Timed out'
  const cause = err?.cause
  if (cause?.code === 'WEBHOOK_URL_PRIVATE') return `Refused: ${cause.message}`
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`
  return err?.message ?? String(error)
}

/**
 * The destination kinds the relay knows, by `kind`: signed webhooks and the CRMs (Bitrix24,
 * amoCRM). Adding one is one line here (its module exports a `DestinationKind`).
 */
// biome-ignore lint/suspicious/noExplicitAny: each kind has its own config type.
export const destinationKinds: Map<string, DestinationKind<any>> = new Map<
  string,
  // biome-ignore lint/suspicious/noExplicitAny: each kind has its own config type.
  DestinationKind<any>
>([[webhookKind.kind, webhookKind], ...CRM_DESTINATIONS.map((kind) => [kind.kind, kind] as const)])
