import { type Static, Type } from '@sinclair/typebox'
import { Timestamp } from './common.ts'

/** What follows the `/` in the composer: letters, digits, `_` and `-`, stored in lower case. */
export const Shortcut = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: '^[\\p{L}\\p{N}_-]+$',
  description: 'Letters, digits, `_` and `-`; case does not matter',
})

/** A canned response: the operator's own (`personal`) or shared with one of their groups. */
export const CannedResponse = Type.Object({
  id: Type.String(),
  shortcut: Type.String(),
  text: Type.String(),
  scope: Type.Union([Type.Literal('personal'), Type.Literal('group')]),
  /** The group it is shared with (`scope: 'group'`). */
  groupId: Type.Optional(Type.String()),
  updatedAt: Timestamp,
})
export type CannedResponse = Static<typeof CannedResponse>

/** `GET /v1/canned`: your own first, then your groups' (an admin: every group's), by shortcut. */
export const CannedListReply = Type.Object({ responses: Type.Array(CannedResponse) })
export type CannedListReply = Static<typeof CannedListReply>

export const CannedReply = Type.Object({ response: CannedResponse })
export type CannedReply = Static<typeof CannedReply>

/** `POST /v1/canned`: without `groupId` it is yours; with it, the group's (admins). */
export const CreateCannedBody = Type.Object(
  {
    shortcut: Shortcut,
    text: Type.String({ minLength: 1, maxLength: 4000 }),
    groupId: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
)
export type CreateCannedBody = Static<typeof CreateCannedBody>

/** `PATCH /v1/canned/:id`: a key left out keeps its value. */
export const UpdateCannedBody = Type.Object(
  {
    shortcut: Type.Optional(Shortcut),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
  },
  { additionalProperties: false },
)
export type UpdateCannedBody = Static<typeof UpdateCannedBody>
