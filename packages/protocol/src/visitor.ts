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
  Seq,
} from './common.ts'

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

export const VisitorInbound = Type.Union([VisitorHello, VisitorSend, Typing, Read, Sync, Ping])
export type VisitorInbound = Static<typeof VisitorInbound>
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
})

export type TypingOutFrame = Static<typeof TypingOut>
export type ReadOutFrame = Static<typeof ReadOut>
export type ConversationFrame = Static<typeof ConversationFrame>
export type PresenceFrame = Static<typeof Presence>
export type AckFrame = Static<typeof Ack>
export type PongFrame = Static<typeof Pong>
export type PingFrame = Static<typeof Ping>
export type ErrorFrame = Omit<Static<typeof ErrorFrameSchema>, 'code'> & {
  code: import('./codes.ts').ErrorCode
}

export type VisitorOutbound =
  | VisitorWelcome
  | AckFrame
  | EventFrame
  | TypingOutFrame
  | ReadOutFrame
  | ConversationFrame
  | PresenceFrame
  | ErrorFrame
  | PongFrame
