import { type Static, Type } from '@sinclair/typebox'
import { ClientId, type ConversationSummary, Cursor, Id, Ping } from './common.ts'
import type {
  AckFrame,
  ConversationFrame,
  ErrorFrame,
  EventFrame,
  PongFrame,
  ReadOutFrame,
  TypingOutFrame,
} from './visitor.ts'
import { Read, Sync, Typing } from './visitor.ts'

export const Role = Type.Union([
  Type.Literal('admin'),
  Type.Literal('supervisor'),
  Type.Literal('operator'),
])
export type Role = Static<typeof Role>

/** A person who logs in to the console, or a bot that acts through API tokens only. */
export const EmployeeKind = Type.Union([Type.Literal('human'), Type.Literal('bot')])
export type EmployeeKind = Static<typeof EmployeeKind>

export const OperatorProfile = Type.Object({
  id: Id,
  email: Type.String(),
  name: Type.String(),
  role: Role,
  /** Shown to visitors under the name, e.g. "Support". */
  position: Type.Optional(Type.String()),
  photoUrl: Type.Optional(Type.String()),
})
export type OperatorProfile = Static<typeof OperatorProfile>

export const OperatorHello = Type.Object({
  t: Type.Literal('hello'),
  v: Type.Integer(),
  /** For bots and scripts; a browser console authenticates with its session cookie. */
  apiToken: Type.Optional(Type.String({ maxLength: 512 })),
  cursor: Type.Optional(Cursor),
})

export const OperatorSend = Type.Object({
  t: Type.Literal('send'),
  cid: ClientId,
  conversationId: Id,
  text: Type.String({ maxLength: 1_000_000 }),
})

export const Close = Type.Object({
  t: Type.Literal('close'),
  cid: ClientId,
  conversationId: Id,
})

export const OperatorInbound = Type.Union([
  OperatorHello,
  OperatorSend,
  Close,
  Typing,
  Read,
  Sync,
  Ping,
])
export type OperatorInbound = Static<typeof OperatorInbound>
export type OperatorHello = Static<typeof OperatorHello>
export type OperatorSend = Static<typeof OperatorSend>
export type CloseFrame = Static<typeof Close>

export interface OperatorWelcome {
  t: 'welcome'
  v: number
  operator: OperatorProfile
  /** The most recently active conversations the operator may see. */
  conversations: ConversationSummary[]
}

export type OperatorOutbound =
  | OperatorWelcome
  | AckFrame
  | EventFrame
  | TypingOutFrame
  | ReadOutFrame
  | ConversationFrame
  | ErrorFrame
  | PongFrame

export { ClientId }
