import { type Static, Type } from '@sinclair/typebox'
import { ChannelKindSchema } from './channels.ts'

/** Client-chosen id for a frame, so a retry is recognised and acknowledged once. */
export const ClientId = Type.String({ minLength: 1, maxLength: 64 })
export const Id = Type.String({ minLength: 1, maxLength: 64 })
/** Sequence number of an event inside its conversation, starting at 1. */
export const Seq = Type.Integer({ minimum: 0 })
/** Milliseconds since the epoch. */
export const Timestamp = Type.Integer({ minimum: 0 })

export const AuthorKind = Type.Union([
  Type.Literal('visitor'),
  Type.Literal('operator'),
  Type.Literal('system'),
])
export type AuthorKind = Static<typeof AuthorKind>

export const Author = Type.Object({
  kind: AuthorKind,
  id: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
})
export type Author = Static<typeof Author>

/**
 * `form`: a submitted callback/offline form; `text` is a readable summary, `data` the fields.
 * `system`: something that happened to the conversation (closed, rated, ...), as `data`.
 */
export const EventKind = Type.Union([
  Type.Literal('message'),
  Type.Literal('system'),
  Type.Literal('form'),
])
export type EventKind = Static<typeof EventKind>

/** One entry of a conversation's log, as delivered to every subscriber. */
export const ConversationEvent = Type.Object({
  conversationId: Id,
  seq: Seq,
  id: Id,
  kind: EventKind,
  author: Author,
  /**
   * A message's text; a `form` event's summary for operators. `''` for a `system` event with
   * `data.type`: a UI words it from `data` in its reader's language. A system event stored
   * before those (no `data.type`) has only English prose here, shown as it is.
   */
  text: Type.String(),
  at: Timestamp,
  /**
   * The normalised fields of a `form` event (name, phone, email, when, comment, ...); a
   * `system` event's facts, a `SystemEventData` (`systemEventData` reads them).
   */
  data: Type.Optional(Type.Record(Type.String(), Type.String())),
})
export type ConversationEvent = Static<typeof ConversationEvent>

export const ConversationStatus = Type.Union([Type.Literal('open'), Type.Literal('closed')])
export type ConversationStatus = Static<typeof ConversationStatus>

/**
 * `chat`: a live conversation; `callback`: a request to be called back; `offline`: a lead left
 * while no operator was available. The last two start with a `form` event.
 */
export const ConversationKind = Type.Union([
  Type.Literal('chat'),
  Type.Literal('callback'),
  Type.Literal('offline'),
])
export type ConversationKind = Static<typeof ConversationKind>

/** A rating the visitor gave a closed conversation. */
export const Rating = Type.Integer({ minimum: 1, maximum: 5 })

/** The operator as the visitor sees them. */
export const OperatorCard = Type.Object({
  id: Id,
  name: Type.String(),
  position: Type.Optional(Type.String()),
  photoUrl: Type.Optional(Type.String()),
})
export type OperatorCard = Static<typeof OperatorCard>

/** What a participant knows about a conversation without its events. */
/** Where the handling of a callback request or an offline lead stands. */
export const LeadStatus = Type.Union([
  Type.Literal('new'),
  Type.Literal('in_progress'),
  Type.Literal('done'),
  Type.Literal('unreachable'),
])
export type LeadStatus = Static<typeof LeadStatus>

/** A callback's or offline lead's handling, for operators only. */
export const LeadState = Type.Object({
  status: LeadStatus,
  /** The employee who has it. */
  assignee: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
})
export type LeadState = Static<typeof LeadState>

export const ConversationSummary = Type.Object({
  id: Id,
  siteId: Id,
  visitorId: Id,
  /** The relay always sends it; absent means `chat` (summaries from older relays). @default 'chat' */
  kind: Type.Optional(ConversationKind),
  status: ConversationStatus,
  lastSeq: Seq,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  operator: Type.Optional(OperatorCard),
  lastText: Type.Optional(Type.String()),
  /** From a form, pre-chat or identify. */
  visitorName: Type.Optional(Type.String()),
  /** E.164, from a form, pre-chat or identify. */
  visitorPhone: Type.Optional(Type.String()),
  visitorEmail: Type.Optional(Type.String()),
  page: Type.Optional(Type.String()),
  /** 1..5, once the visitor rated the closed conversation. */
  rating: Type.Optional(Rating),
  ratingComment: Type.Optional(Type.String()),
  /** Routing group, from the engagement scenario that brought the conversation. */
  group: Type.Optional(Type.String()),
  /** The messenger the visitor writes from (absent: the site's widget). */
  channel: Type.Optional(ChannelKindSchema),
  /**
   * The visitor's data was erased: the conversation holds no text or contact any more and
   * is left out of lists; a console that has it drops it.
   */
  erased: Type.Optional(Type.Literal(true)),
  /** Callbacks and offline leads: status and assignee. Operators only (never sent to visitors). */
  lead: Type.Optional(LeadState),
  /** Tags given when it was closed, lower case. Operators only (never sent to visitors). */
  tags: Type.Optional(Type.Array(Type.String())),
})
export type ConversationSummary = Static<typeof ConversationSummary>

/** Most conversations one cursor may name. */
export const MAX_CURSOR_ENTRIES = 200

/**
 * `{ [conversationId]: lastSeqSeen }`: replay everything after these. At most
 * `MAX_CURSOR_ENTRIES` keys of 1..64 characters, like `Id`. TypeBox drops a string key's
 * `maxLength` from a Record (it becomes `patternProperties: {"^(.*)$": …}`), so the limit
 * is the key pattern, and `additionalProperties: false` refuses keys that do not match it.
 */
export const Cursor = Type.Record(Type.String({ pattern: '^[\\s\\S]{1,64}$' }), Seq, {
  maxProperties: MAX_CURSOR_ENTRIES,
  additionalProperties: false,
})
export type Cursor = Static<typeof Cursor>

/**
 * The relay stored the frame. `conversationId`/`seq` are present when the frame appended an
 * event to a conversation (send, callback, offline, rate, close); identify, attributes and
 * prechat acks carry only `{cid, id, at}`.
 */
export const Ack = Type.Object({
  t: Type.Literal('ack'),
  cid: ClientId,
  id: Id,
  conversationId: Type.Optional(Id),
  seq: Type.Optional(Seq),
  at: Timestamp,
})
export type Ack = Static<typeof Ack>

export const ErrorFrameSchema = Type.Object({
  t: Type.Literal('error'),
  code: Type.String(),
  message: Type.String(),
  cid: Type.Optional(ClientId),
  /** With `field_invalid`: which fields failed and why (codes from `@parley/protocol/forms`). */
  fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), code: Type.String() }))),
})

export const Pong = Type.Object({ t: Type.Literal('pong') })
export const Ping = Type.Object({ t: Type.Literal('ping') })
