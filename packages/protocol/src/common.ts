import { type Static, Type } from '@sinclair/typebox'

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

export const EventKind = Type.Union([Type.Literal('message'), Type.Literal('system')])
export type EventKind = Static<typeof EventKind>

/** One entry of a conversation's log, as delivered to every subscriber. */
export const ConversationEvent = Type.Object({
  conversationId: Id,
  seq: Seq,
  id: Id,
  kind: EventKind,
  author: Author,
  text: Type.String(),
  at: Timestamp,
})
export type ConversationEvent = Static<typeof ConversationEvent>

export const ConversationStatus = Type.Union([Type.Literal('open'), Type.Literal('closed')])
export type ConversationStatus = Static<typeof ConversationStatus>

/** What a participant knows about a conversation without its events. */
export const ConversationSummary = Type.Object({
  id: Id,
  siteId: Id,
  visitorId: Id,
  status: ConversationStatus,
  lastSeq: Seq,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  operator: Type.Optional(Type.Object({ id: Id, name: Type.String() })),
  lastText: Type.Optional(Type.String()),
  visitorName: Type.Optional(Type.String()),
  page: Type.Optional(Type.String()),
})
export type ConversationSummary = Static<typeof ConversationSummary>

/** `{ [conversationId]: lastSeqSeen }`: replay everything after these. */
export const Cursor = Type.Record(Type.String({ maxLength: 64 }), Seq, { maxProperties: 200 })
export type Cursor = Static<typeof Cursor>

export const Ack = Type.Object({
  t: Type.Literal('ack'),
  cid: ClientId,
  id: Id,
  conversationId: Id,
  seq: Seq,
  at: Timestamp,
})
export type Ack = Static<typeof Ack>

export const ErrorFrameSchema = Type.Object({
  t: Type.Literal('error'),
  code: Type.String(),
  message: Type.String(),
  cid: Type.Optional(ClientId),
})

export const Pong = Type.Object({ t: Type.Literal('pong') })
export const Ping = Type.Object({ t: Type.Literal('ping') })
