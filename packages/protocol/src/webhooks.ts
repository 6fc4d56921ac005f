import { type Static, Type } from '@sinclair/typebox'
import { DESTINATION_KINDS } from './crm.ts'

/**
 * What a webhook endpoint can subscribe to. `webhook.test` is never subscribed: it is sent
 * only by "Send a test event".
 */
export const WEBHOOK_EVENT_TYPES = [
  'conversation.created',
  'conversation.assigned',
  'conversation.closed',
  'message.created',
  'lead.created',
  'callback.status_changed',
  'rating.created',
  'visitor.identified',
] as const

export type SubscribableEventType = (typeof WEBHOOK_EVENT_TYPES)[number]
/** Every type a delivery can carry. */
export type WebhookEventType = SubscribableEventType | 'webhook.test'

export const WebhookEventTypeSchema = Type.Union(
  WEBHOOK_EVENT_TYPES.map((type) => Type.Literal(type)),
  { description: 'An event an endpoint can subscribe to' },
)

const EventList = Type.Array(WebhookEventTypeSchema, {
  minItems: 1,
  uniqueItems: true,
  maxItems: 8,
})
const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'http(s) URL; no credentials',
})

const Kind = Type.Union(
  DESTINATION_KINDS.map((kind) => Type.Literal(kind)),
  {
    description:
      '`webhook` (default): signed POSTs to `url`; `bitrix24` or `amocrm`: each `lead.created` filed as a lead in that CRM, per `config`',
  },
)

const Config = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'The settings of a CRM kind, checked when saved (`field_invalid` names each bad key as `config.<key>`). `bitrix24`: `Bitrix24Config` `{webhookUrl, sourceId?, assignedById?}`; `amocrm`: `AmoCrmConfig` `{baseUrl, accessToken, pipelineId, statusId, responsibleUserId?}`. Credentials (`webhookUrl`, `accessToken`) are write-only.',
  },
)

/**
 * `POST /v1/admin/webhooks`. A `webhook` needs `url` and `events`; a CRM kind takes `config`
 * instead (its `url` is derived from it; `events` can only be `["lead.created"]`, the default).
 */
export const CreateWebhookBody = Type.Object(
  {
    kind: Type.Optional(Kind),
    url: Type.Optional(Url),
    events: Type.Optional(EventList),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    active: Type.Optional(Type.Boolean()),
    config: Type.Optional(Config),
  },
  { additionalProperties: false },
)
export type CreateWebhookBody = Static<typeof CreateWebhookBody>

/**
 * `PATCH /v1/admin/webhooks/:id`: a key left out keeps its value. Activating clears the disabled
 * reason. A CRM's `config` replaces its settings, except that a credential left out keeps the
 * saved one (so changing the stage needs no token).
 */
export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(EventList),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    active: Type.Optional(Type.Boolean()),
    config: Type.Optional(Config),
  },
  { additionalProperties: false },
)
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>

/** An endpoint as the API shows it: never its secret. */
export const WebhookEndpoint = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: "'webhook', 'bitrix24' or 'amocrm'" }),
  url: Type.String({
    description:
      "Where it sends: a webhook's URL; a CRM's portal or account address (no credential)",
  }),
  description: Type.String(),
  events: Type.Array(WebhookEventTypeSchema),
  active: Type.Boolean(),
  disabledReason: Type.Union([Type.Null(), Type.String()], {
    description: 'Why the relay turned the endpoint off (null: active, or turned off by an admin)',
  }),
  disabledAt: Type.Union([Type.Null(), Type.Integer()]),
  config: Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())], {
    description: "A CRM connection's settings without its credentials (null for 'webhook')",
  }),
  credentials: Type.Array(Type.String(), {
    description: 'The credential keys of `config` that are set; their values are never returned',
  }),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
})
export type WebhookEndpoint = Static<typeof WebhookEndpoint>

export const WebhookReply = Type.Object({ endpoint: WebhookEndpoint })
export const WebhookListReply = Type.Object({ endpoints: Type.Array(WebhookEndpoint) })
/** The reply of create and rotate: the only time the secret is shown (a CRM connection has none). */
export const WebhookSecretReply = Type.Object({
  endpoint: WebhookEndpoint,
  secret: Type.Optional(
    Type.String({
      description: "whsec_… signing secret: shown once, store it now ('webhook' only)",
    }),
  ),
})
export type WebhookSecretReply = Static<typeof WebhookSecretReply>

/** One try to deliver one event to one endpoint. */
export const WebhookAttempt = Type.Object({
  at: Type.Integer(),
  ok: Type.Boolean(),
  status: Type.Union([Type.Null(), Type.Integer()], { description: 'HTTP status; null: no reply' }),
  latencyMs: Type.Integer(),
  excerpt: Type.String({ description: 'The start of the reply body (at most 1 KB)' }),
  error: Type.Union([Type.Null(), Type.String()]),
})
export type WebhookAttempt = Static<typeof WebhookAttempt>

/** One event queued for one endpoint, with its attempts (newest delivery first). */
export const WebhookDelivery = Type.Object({
  id: Type.String({ description: 'Delivery id (for resend)' }),
  messageId: Type.String({ description: 'The webhook-id header: the same on every retry' }),
  type: Type.String(),
  conversationId: Type.Union([Type.Null(), Type.String()]),
  state: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]),
  attempts: Type.Array(WebhookAttempt),
  nextAttemptAt: Type.Union([Type.Null(), Type.Integer()]),
  createdAt: Type.Integer(),
})
export type WebhookDelivery = Static<typeof WebhookDelivery>

export const WebhookDeliveriesReply = Type.Object({ deliveries: Type.Array(WebhookDelivery) })
export type WebhookDeliveriesReply = Static<typeof WebhookDeliveriesReply>
export const WebhookDeliveryReply = Type.Object({ delivery: WebhookDelivery })

export const WebhookDeliveryParams = Type.Object({
  id: Type.String({ description: 'The endpoint id' }),
  delivery: Type.String({ description: 'The delivery id' }),
})
export type WebhookDeliveryParams = Static<typeof WebhookDeliveryParams>

export const WebhookDeliveriesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
})
