import { type Static, Type } from '@sinclair/typebox'
import { Id } from './common.ts'

/**
 * What a `system` event says, as facts: `ConversationEvent.data` with a `type`. The relay
 * writes no prose for these (`text` is `''`); each UI words them in its reader's language.
 * Every value is a string, so the facts fit `data` (a string map) as they are and a UI reads
 * them without parsing. An operator is named by `operator` (the name to show) and
 * `operatorId` throughout.
 */

/** An operator closed the conversation: `operator` is their name, `operatorId` their id. */
export const ClosedEventData = Type.Object({
  type: Type.Literal('closed'),
  operatorId: Id,
  operator: Type.String(),
})

/** The visitor rated the closed conversation (`rating`: `'1'`..`'5'`). */
export const RatedEventData = Type.Object({
  type: Type.Literal('rated'),
  rating: Type.String({ pattern: '^[1-5]$' }),
  comment: Type.Optional(Type.String()),
})

/**
 * The engagement invitation the visitor answered, as it showed: its message and the operator
 * profile on it (`operator` is that profile's name, not an employee). It names the scenario by
 * id only: its name is internal, and the visitor receives this event too.
 */
export const InvitationEventData = Type.Object({
  type: Type.Literal('invitation'),
  scenarioId: Id,
  message: Type.String(),
  operator: Type.Optional(Type.String()),
  position: Type.Optional(Type.String()),
})

/** An operator took the conversation (routing, or an operator answering it). */
export const AssignedEventData = Type.Object({
  type: Type.Literal('assigned'),
  operatorId: Id,
  operator: Type.String(),
})

/**
 * The conversation was handed on: to an operator (`operator`, their name, and `operatorId`),
 * to a routing group (`group`), or both; `from`/`fromId` is the operator who had it, if any.
 */
export const TransferredEventData = Type.Object({
  type: Type.Literal('transferred'),
  operatorId: Type.Optional(Id),
  operator: Type.Optional(Type.String()),
  group: Type.Optional(Type.String()),
  fromId: Type.Optional(Id),
  from: Type.Optional(Type.String()),
})

/** The facts of a `system` event, told apart by `type`. */
export const SystemEventData = Type.Union([
  ClosedEventData,
  RatedEventData,
  InvitationEventData,
  AssignedEventData,
  TransferredEventData,
])
export type SystemEventData = Static<typeof SystemEventData>
export type SystemEventType = SystemEventData['type']

// The reader of the facts has no schema code, so browser bundles import it from `/forms`.
export { systemEventData } from './system-facts.ts'
