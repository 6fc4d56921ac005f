import { type Static, Type } from '@sinclair/typebox'

/** The messengers a contact point can be (e-mail is the relay's SMTP, not a contact point). */
export const CHANNEL_KINDS = ['telegram', 'vk', 'viber'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]
export const ChannelKindSchema = Type.Union(
  CHANNEL_KINDS.map((kind) => Type.Literal(kind)),
  { description: 'The messenger' },
)

/**
 * How updates reach the relay: `webhook` (the messenger posts to the relay's public URL;
 * the relay registers it) or `polling` (the relay asks, Telegram's `getUpdates`, for setups
 * without a public URL).
 */
export const ContactPointMode = Type.Union([Type.Literal('webhook'), Type.Literal('polling')])
export type ContactPointMode = Static<typeof ContactPointMode>

const Secret = Type.String({ minLength: 1, maxLength: 512 })

/**
 * Credentials as written: each key given replaces the stored one; none is ever returned.
 * Telegram: `token` (from BotFather). Viber: `token` (the bot's auth token). VK: `token`
 * (a community access token), `secret` (the Callback API secret key) and `confirmation`
 * (the string the Callback API's confirmation request must be answered with).
 */
export const ContactPointCredentials = Type.Object(
  {
    token: Type.Optional(Secret),
    secret: Type.Optional(Secret),
    confirmation: Type.Optional(Secret),
  },
  { additionalProperties: false },
)
export type ContactPointCredentials = Static<typeof ContactPointCredentials>

/** `POST /v1/admin/contact-points`. */
export const CreateContactPointBody = Type.Object(
  {
    kind: ChannelKindSchema,
    siteId: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /** The routing group its conversations start in; absent: the site's default group. */
    group: Type.Optional(Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 64 })])),
    /** @default 'webhook' */
    mode: Type.Optional(ContactPointMode),
    credentials: ContactPointCredentials,
  },
  { additionalProperties: false },
)
export type CreateContactPointBody = Static<typeof CreateContactPointBody>

/** `PATCH /v1/admin/contact-points/:id`: a key left out keeps its value. */
export const UpdateContactPointBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    group: Type.Optional(Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 64 })])),
    mode: Type.Optional(ContactPointMode),
    credentials: Type.Optional(ContactPointCredentials),
  },
  { additionalProperties: false },
)
export type UpdateContactPointBody = Static<typeof UpdateContactPointBody>

/**
 * How the contact point's updates are flowing: `pending` (not registered yet), `webhook`
 * (the messenger accepted the relay's URL), `polling`, `failed` (see `statusError`).
 */
export const ContactPointStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('webhook'),
  Type.Literal('polling'),
  Type.Literal('failed'),
])
export type ContactPointStatus = Static<typeof ContactPointStatus>

/** A contact point as the API shows it: each credential only as `"set"`. */
export const ContactPoint = Type.Object({
  id: Type.String(),
  kind: ChannelKindSchema,
  siteId: Type.String(),
  name: Type.String(),
  group: Type.Union([Type.Null(), Type.String()]),
  mode: ContactPointMode,
  credentials: Type.Record(Type.String(), Type.Literal('set'), {
    description: 'Which credentials are stored; their values are never returned',
  }),
  /** The address the messenger posts updates to (relative to the relay's public URL). */
  webhookPath: Type.String(),
  status: ContactPointStatus,
  statusError: Type.Union([Type.Null(), Type.String()]),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
})
export type ContactPoint = Static<typeof ContactPoint>

export const ContactPointReply = Type.Object({ contactPoint: ContactPoint })
export type ContactPointReply = Static<typeof ContactPointReply>
export const ContactPointListReply = Type.Object({ contactPoints: Type.Array(ContactPoint) })
export type ContactPointListReply = Static<typeof ContactPointListReply>

/**
 * Where an operator's message to a messenger visitor stands: `pending` (queued or being
 * retried), `sent` (the messenger accepted it), `delivered`, `read` (where the messenger
 * says so), `failed` (given up; `error` says why).
 */
export const ChannelDeliveryState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sent'),
  Type.Literal('delivered'),
  Type.Literal('read'),
  Type.Literal('failed'),
])
export type ChannelDeliveryState = Static<typeof ChannelDeliveryState>

export const ChannelDelivery = Type.Object({
  /** The message event's id. */
  eventId: Type.String(),
  /** Where it goes: the messenger, or `email` (the relay's SMTP). */
  channel: Type.Optional(
    Type.Union([...CHANNEL_KINDS.map((kind) => Type.Literal(kind)), Type.Literal('email')]),
  ),
  state: ChannelDeliveryState,
  attempts: Type.Integer(),
  error: Type.Union([Type.Null(), Type.String()]),
  updatedAt: Type.Integer(),
})
export type ChannelDelivery = Static<typeof ChannelDelivery>

/** `GET /v1/conversations/:id/deliveries`: the conversation's outbound messages, oldest first. */
export const ChannelDeliveriesReply = Type.Object({ deliveries: Type.Array(ChannelDelivery) })
export type ChannelDeliveriesReply = Static<typeof ChannelDeliveriesReply>
