import { type Static, Type } from '@sinclair/typebox'
import { Timestamp } from './common.ts'

export const RoutingStrategy = Type.Union(
  [Type.Literal('round_robin'), Type.Literal('least_busy'), Type.Literal('broadcast')],
  {
    description:
      '`round_robin`: fair turns among members with room; `least_busy`: fewest open conversations; `broadcast`: every member sees it waiting, the first to accept takes it',
  },
)
export type RoutingStrategy = Static<typeof RoutingStrategy>

export const WhenNobodyOnline = Type.Union(
  [Type.Literal('queue'), Type.Literal('fallback'), Type.Literal('offline_form')],
  {
    description:
      'No member online: wait in the queue, go to `fallbackGroupId`, or leave it for the offline form',
  },
)

const GroupFields = {
  name: Type.String({ minLength: 1, maxLength: 120 }),
  strategy: RoutingStrategy,
  /** Conversations each member takes at once, unless their own capacity is set. */
  capacity: Type.Integer({ minimum: 1, maximum: 100 }),
  /** An assigned operator who does not answer in this many seconds loses it to the next; 0: never. */
  noAnswerSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
  fallbackGroupId: Type.Union([Type.Null(), Type.String({ maxLength: 64 })]),
  whenNobodyOnline: WhenNobodyOnline,
}

/** An operator group of a site. */
export const Group = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  ...GroupFields,
  /** The site's group every new person joins; it cannot be deleted. */
  isDefault: Type.Boolean(),
  /** Employee ids, in the order round robin takes turns. */
  members: Type.Array(Type.String()),
  createdAt: Timestamp,
})
export type Group = Static<typeof Group>

/** `POST /v1/admin/sites/:site/groups`: only `name` is required. */
export const CreateGroupBody = Type.Object(
  {
    name: GroupFields.name,
    strategy: Type.Optional(GroupFields.strategy),
    capacity: Type.Optional(GroupFields.capacity),
    noAnswerSeconds: Type.Optional(GroupFields.noAnswerSeconds),
    fallbackGroupId: Type.Optional(GroupFields.fallbackGroupId),
    whenNobodyOnline: Type.Optional(GroupFields.whenNobodyOnline),
    members: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })),
  },
  { additionalProperties: false },
)
export type CreateGroupBody = Static<typeof CreateGroupBody>

/** `PATCH /v1/admin/groups/:id`: a key left out keeps its value. */
export const UpdateGroupBody = Type.Partial(CreateGroupBody, { additionalProperties: false })
export type UpdateGroupBody = Static<typeof UpdateGroupBody>

export const GroupReply = Type.Object({ group: Group })
export type GroupReply = Static<typeof GroupReply>

export const GroupListReply = Type.Object({ groups: Type.Array(Group) })
export type GroupListReply = Static<typeof GroupListReply>

/** One routing decision about a conversation (`GET /v1/conversations/:id/routing`). */
export const RoutingLogEntry = Type.Object({
  type: Type.Union([
    Type.Literal('assigned'),
    Type.Literal('unassigned'),
    Type.Literal('queued'),
    Type.Literal('offline_form'),
    Type.Literal('transferred'),
  ]),
  reason: Type.Optional(Type.String()),
  groupId: Type.Optional(Type.String()),
  operatorId: Type.Optional(Type.String()),
  /** Who transferred it. */
  byId: Type.Optional(Type.String()),
  /** A transfer's note: operators only, never the visitor. */
  note: Type.Optional(Type.String()),
  at: Timestamp,
})

/** One employee on the team board (`GET /v1/team`): who is there and how busy. */
export const TeamMember = Type.Object({
  id: Type.String(),
  name: Type.String(),
  position: Type.Optional(Type.String()),
  photoUrl: Type.Optional(Type.String()),
  role: Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('operator')]),
  kind: Type.Union([Type.Literal('human'), Type.Literal('bot')]),
  /** A bot is always `online`: it answers whenever it is asked. */
  status: Type.Union([
    Type.Literal('online'),
    Type.Literal('pause'),
    Type.Literal('away'),
    Type.Literal('offline'),
  ]),
  /** Open conversations assigned to them now. */
  open: Type.Integer(),
  /** Their own capacity; null: each group's. */
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  /** Ids of the groups they are in. */
  groups: Type.Array(Type.String()),
})
export type TeamMember = Static<typeof TeamMember>

export const TeamReply = Type.Object({ members: Type.Array(TeamMember) })
export type TeamReply = Static<typeof TeamReply>

export const RoutingLogReply = Type.Object({ entries: Type.Array(RoutingLogEntry) })
export type RoutingLogReply = Static<typeof RoutingLogReply>
