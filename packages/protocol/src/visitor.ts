import { type Static, Type } from '@sinclair/typebox'
import {
  type Ack,
  Author,
  ClientId,
  ConversationEvent,
  ConversationSummary,
  Cursor,
  type ErrorFrameSchema,
  Id,
  Ping,
  type Pong,
  Rating,
  Seq,
  Timestamp,
} from './common.ts'
import { InvitationOperator } from './scenario.ts'

const Text = Type.String({ maxLength: 1_000_000 })
const Url = Type.String({ maxLength: 2048 })

/** Where the visitor is; sent in `hello` and on navigation. */
export const PageInfo = Type.Object({
  url: Url,
  title: Type.Optional(Type.String({ maxLength: 512 })),
})
export type PageInfo = Static<typeof PageInfo>

export const VisitorHello = Type.Object({
  t: Type.Literal('hello'),
  v: Type.Integer(),
  /** The token from an earlier `welcome`; absent for a new visitor. */
  token: Type.Optional(Type.String({ maxLength: 512 })),
  cursor: Type.Optional(Cursor),
  page: Type.Optional(PageInfo),
  referrer: Type.Optional(Url),
  lang: Type.Optional(Type.String({ maxLength: 35 })),
  tz: Type.Optional(Type.String({ maxLength: 64 })),
})

export const VisitorSend = Type.Object({
  t: Type.Literal('send'),
  cid: ClientId,
  /** Omitted for the first message: the relay opens a conversation. */
  conversationId: Type.Optional(Id),
  text: Text,
  /** The engagement scenario whose invitation led here (attribution and routing). */
  scenarioId: Type.Optional(Id),
})

export const Typing = Type.Object({
  t: Type.Literal('typing'),
  conversationId: Id,
  typing: Type.Boolean(),
})

export const Read = Type.Object({
  t: Type.Literal('read'),
  cid: Type.Optional(ClientId),
  conversationId: Id,
  seq: Seq,
})

/** Ask for every event after the cursor again (the client saw a gap). */
export const Sync = Type.Object({ t: Type.Literal('sync'), cursor: Cursor })

/**
 * The agreement version the visitor consented to (from `SiteConfig.agreement.version`).
 * Optional in the schema so a missing consent gets `consent_required`, not `bad_frame`.
 */
export const Consent = Type.Object({ version: Type.String({ minLength: 1, maxLength: 64 }) })
export type Consent = Static<typeof Consent>

// Structural caps only; field rules (required, too_long, phone_invalid...) live in
// `@parley/protocol/forms` so the widget and the relay give the same field codes.
const FormString = Type.String({ maxLength: 8192 })

/** Ask to be called back: opens a conversation of kind `callback` whose first event is a form. */
export const CallbackRequest = Type.Object({
  t: Type.Literal('callback'),
  cid: ClientId,
  name: FormString,
  phone: FormString,
  /** `asap`, or the start (epoch ms) of a slot from `nextSlots` inside the site's working hours. */
  when: Type.Union([Type.Literal('asap'), Timestamp]),
  comment: Type.Optional(FormString),
  consent: Type.Optional(Consent),
  /** The engagement scenario whose invitation led here (attribution and routing). */
  scenarioId: Type.Optional(Id),
})

/** Leave a message while nobody is available: opens a conversation of kind `offline`. */
export const OfflineRequest = Type.Object({
  t: Type.Literal('offline'),
  cid: ClientId,
  name: FormString,
  /** Email or phone (at least one) is required. */
  email: Type.Optional(FormString),
  phone: Type.Optional(FormString),
  text: FormString,
  consent: Type.Optional(Consent),
  /** The chat that lost its operators, if any (informational; a new conversation is opened). */
  conversationId: Type.Optional(Id),
  /** The engagement scenario whose invitation led here (attribution and routing). */
  scenarioId: Type.Optional(Id),
})

/** Pre-chat form: stored on the visitor profile; acked without a conversation. */
export const PrechatRequest = Type.Object({
  t: Type.Literal('prechat'),
  cid: ClientId,
  name: Type.Optional(FormString),
  email: Type.Optional(FormString),
  phone: Type.Optional(FormString),
  consent: Type.Optional(Consent),
})

/**
 * The site tells who the visitor is. `hash` = hex HMAC-SHA256(userId, site identity secret);
 * required when the site sets `identityVerification: 'required'`.
 */
export const IdentifyRequest = Type.Object({
  t: Type.Literal('identify'),
  cid: ClientId,
  userId: Type.String({ minLength: 1, maxLength: 256 }),
  name: Type.Optional(FormString),
  email: Type.Optional(FormString),
  phone: Type.Optional(FormString),
  hash: Type.Optional(Type.String({ maxLength: 128 })),
})

/** Custom attributes merged into the visitor profile (≤ 50 keys, key ≤ 64, value ≤ 256). */
export const AttributesRequest = Type.Object({
  t: Type.Literal('attributes'),
  cid: ClientId,
  attributes: Type.Record(
    Type.String(),
    Type.Union([Type.String({ maxLength: 8192 }), Type.Number(), Type.Boolean()]),
    { maxProperties: 200 },
  ),
})

/** Rate a closed conversation of this visitor. */
export const RateRequest = Type.Object({
  t: Type.Literal('rate'),
  cid: ClientId,
  conversationId: Id,
  rating: Rating,
  comment: Type.Optional(FormString),
})

/** What happened to an engagement scenario's invitation; stored for attribution. */
export const EngageEvent = Type.Union([
  Type.Literal('impression'),
  Type.Literal('click'),
  Type.Literal('dismiss'),
])
export type EngageEvent = Static<typeof EngageEvent>

/** An invitation was shown, clicked or dismissed (acked with `{cid, id, at}`). */
export const Engage = Type.Object({
  t: Type.Literal('engage'),
  cid: ClientId,
  scenarioId: Id,
  event: EngageEvent,
  /** The page URL it happened on. */
  page: Url,
  /** The engine's session id, if any. */
  session: Type.Optional(Type.String({ maxLength: 64 })),
})
export type EngageFrame = Static<typeof Engage>

/**
 * Where the visitor is, looked up by the relay from the IP (or a trusted proxy header).
 * `country`: ISO 3166-1 alpha-2 (`RU`); `region`: the ISO 3166-2 subdivision code without
 * the country prefix (`MOW`, `CA`), only where the database and the relay's table know it.
 */
export const VisitRegion = Type.Object({
  country: Type.String(),
  region: Type.Optional(Type.String()),
})
export type VisitRegion = Static<typeof VisitRegion>

/**
 * The visitor withdraws every consent they gave on this site (acked `{cid, id, at}`). What they
 * sent stays until erased; forms need a new consent from then on.
 */
export const WithdrawConsent = Type.Object({
  t: Type.Literal('withdraw_consent'),
  cid: ClientId,
})
export type WithdrawConsentFrame = Static<typeof WithdrawConsent>

/**
 * The visitor logs out (`shutdown()`): every token the visitor holds stops working, on
 * every device. Acked `{cid, id, at}` when it has a `cid`; the socket is closed after.
 */
export const Forget = Type.Object({
  t: Type.Literal('forget'),
  cid: Type.Optional(ClientId),
})
export type ForgetFrame = Static<typeof Forget>

export const VisitorInbound = Type.Union([
  VisitorHello,
  VisitorSend,
  Typing,
  Read,
  Sync,
  Ping,
  CallbackRequest,
  OfflineRequest,
  PrechatRequest,
  IdentifyRequest,
  AttributesRequest,
  RateRequest,
  Engage,
  WithdrawConsent,
  Forget,
])
export type VisitorInbound = Static<typeof VisitorInbound>
export type CallbackFrame = Static<typeof CallbackRequest>
export type OfflineFrame = Static<typeof OfflineRequest>
export type PrechatFrame = Static<typeof PrechatRequest>
export type IdentifyFrame = Static<typeof IdentifyRequest>
export type AttributesFrame = Static<typeof AttributesRequest>
export type RateFrame = Static<typeof RateRequest>
export type VisitorHello = Static<typeof VisitorHello>
export type VisitorSend = Static<typeof VisitorSend>
export type TypingFrame = Static<typeof Typing>
export type ReadFrame = Static<typeof Read>
export type SyncFrame = Static<typeof Sync>

/** Limits the relay announces so a client can check input before sending. */
export const Limits = Type.Object({ maxFrameBytes: Type.Integer(), maxTextLength: Type.Integer() })
export type Limits = Static<typeof Limits>

export const VisitorWelcome = Type.Object({
  t: Type.Literal('welcome'),
  v: Type.Integer(),
  visitorId: Id,
  token: Type.String(),
  conversations: Type.Array(ConversationSummary),
  operatorsOnline: Type.Integer(),
  configVersion: Type.String(),
  limits: Limits,
  /** Signed messenger start parameter (≤ 64 chars of [A-Za-z0-9_-]) tying a bot chat to this visitor. */
  startParam: Type.String(),
  /** Operators online and within the site's working hours: show chat, else the offline form. */
  available: Type.Boolean(),
  /** The visitor's region when known (see `VisitRegion`). */
  region: Type.Optional(VisitRegion),
})
export type VisitorWelcome = Static<typeof VisitorWelcome>

export const EventFrame = Type.Composite([
  Type.Object({ t: Type.Literal('event') }),
  ConversationEvent,
])
export type EventFrame = Static<typeof EventFrame>

export const TypingOut = Type.Object({
  t: Type.Literal('typing'),
  conversationId: Id,
  typing: Type.Boolean(),
  author: Author,
})
export const ReadOut = Type.Object({
  t: Type.Literal('read'),
  conversationId: Id,
  seq: Seq,
  author: Author,
})
export const ConversationFrame = Type.Object({
  t: Type.Literal('conversation'),
  conversation: ConversationSummary,
})
export const Presence = Type.Object({
  t: Type.Literal('presence'),
  operatorsOnline: Type.Integer(),
  /** `operatorsOnline > 0` and within the site's working hours. */
  available: Type.Boolean(),
})
/**
 * The visitor's place in the queue of a conversation that waits for an operator, sent when it
 * changes (and after `welcome` for each waiting conversation). `position: null`: it no longer
 * waits (an operator has it). `waitSeconds` is estimated from the group's recent waits; null
 * when there are too few to tell — never a made-up number.
 */
export const QueueFrame = Type.Object({
  t: Type.Literal('queue'),
  conversationId: Id,
  position: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  waitSeconds: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
})
export type QueueFrame = Static<typeof QueueFrame>

/**
 * An operator invites the visitor to a chat (proactive chat, from monitoring): the widget
 * shows it as a scenario's `openChat` invitation does — the operator's message (name,
 * position, photo) first in the chat — and the visitor's first message names `id` as its
 * `scenarioId`, so the conversation opens with this invitation as its first event. Sent to
 * every connected socket of the visitor, on whichever relay it is.
 */
export const InvitationFrame = Type.Object({
  t: Type.Literal('invitation'),
  id: Id,
  message: Type.String({ minLength: 1, maxLength: 1000 }),
  operator: InvitationOperator,
})
export type InvitationFrame = Static<typeof InvitationFrame>

export type TypingOutFrame = Static<typeof TypingOut>
export type ReadOutFrame = Static<typeof ReadOut>
export type ConversationFrame = Static<typeof ConversationFrame>
export type PresenceFrame = Static<typeof Presence>
export type AckFrame = Static<typeof Ack>
export type PongFrame = Static<typeof Pong>
export type PingFrame = Static<typeof Ping>
export type ErrorFrame = Omit<Static<typeof ErrorFrameSchema>, 'code' | 'fields'> & {
  code: import('./codes.ts').ErrorCode
  /** With `field_invalid`. */
  fields?: import('./forms/fields.ts').FieldError[]
}

export type VisitorOutbound =
  | VisitorWelcome
  | AckFrame
  | EventFrame
  | TypingOutFrame
  | ReadOutFrame
  | ConversationFrame
  | PresenceFrame
  | QueueFrame
  | InvitationFrame
  | ErrorFrame
  | PongFrame
