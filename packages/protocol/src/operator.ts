import { type Static, Type } from '@sinclair/typebox'
import type { ChannelDelivery } from './channels.ts'
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
  /** May be empty when the message carries `attachmentId`: the file's caption. */
  text: Type.String({ maxLength: 1_000_000 }),
  /**
   * A file the operator uploaded to the conversation (`POST /v1/conversations/:id/attachments`);
   * a message takes it once (`attachment_not_found` otherwise). A messenger chat gets it as a
   * photo with the text as its caption.
   */
  attachmentId: Type.Optional(Id),
})

/** Closes a conversation; `tags` are stored with it (trimmed, lower case, distinct). */
export const Close = Type.Object({
  t: Type.Literal('close'),
  cid: ClientId,
  conversationId: Id,
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { maxItems: 10 })),
})

/**
 * `online` takes new conversations; `pause` keeps its conversations and takes transfers but
 * no new ones; `away` is set by the relay after a while without activity (any frame), and
 * left by the next one; `offline`: no socket. One status per operator, across tabs.
 */
export const OperatorStatus = Type.Union([
  Type.Literal('online'),
  Type.Literal('pause'),
  Type.Literal('away'),
  Type.Literal('offline'),
])
export type OperatorStatus = Static<typeof OperatorStatus>

/** Sets the operator's status; acked with `{cid, id, at}`. */
export const StatusFrame = Type.Object({
  t: Type.Literal('status'),
  cid: ClientId,
  status: Type.Union([Type.Literal('online'), Type.Literal('pause')]),
})

/**
 * Takes a waiting conversation of one of your groups (from the queue, or a broadcast group's
 * offer); acked `{cid, id, conversationId, at}`. Two operators at once: one wins, the other
 * gets `already_assigned`.
 */
export const Accept = Type.Object({
  t: Type.Literal('accept'),
  cid: ClientId,
  conversationId: Id,
})

/**
 * Hands a conversation to an operator (`operatorId`, optionally in `groupId`) or to a group's
 * routing (`groupId` alone). `note` is for operators only; the visitor sees who took it.
 * Acked with the `transferred` system event.
 */
export const Transfer = Type.Object({
  t: Type.Literal('transfer'),
  cid: ClientId,
  conversationId: Id,
  to: Type.Union([
    Type.Object({ operatorId: Id, groupId: Type.Optional(Id) }),
    Type.Object({ groupId: Id }),
  ]),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
})

export const OperatorInbound = Type.Union([
  OperatorHello,
  OperatorSend,
  Close,
  StatusFrame,
  Accept,
  Transfer,
  Typing,
  Read,
  Sync,
  Ping,
])
export type OperatorInbound = Static<typeof OperatorInbound>
export type OperatorHello = Static<typeof OperatorHello>
export type OperatorSend = Static<typeof OperatorSend>
export type CloseFrame = Static<typeof Close>
export type StatusFrame = Static<typeof StatusFrame>
export type AcceptFrame = Static<typeof Accept>
export type TransferFrame = Static<typeof Transfer>

/** The operator's status changed (their own sockets, every tab). */
export interface StatusOutFrame {
  t: 'status'
  status: OperatorStatus
}

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
  | StatusOutFrame
  | ErrorFrame
  | PongFrame
  | DeliveryOutFrame

/** Where an operator's message to a messenger visitor stands now (sent, delivered, read, failed). */
export interface DeliveryOutFrame {
  t: 'delivery'
  conversationId: string
  delivery: ChannelDelivery
}

export { ClientId }
