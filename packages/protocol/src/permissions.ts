import { type Static, Type } from '@sinclair/typebox'
import type { Role } from './operator.ts'

/**
 * What a caller may do. A role grants a set of them (`ROLE_PERMISSIONS`); an API token acts
 * with the scopes it was created with, never more than its employee's role grants today.
 * Group visibility (which conversations) is checked on top, by the relay.
 */
export const PERMISSIONS = {
  'conversations:read': 'See the queue, conversations and history of your groups',
  'conversations:reply': 'Accept, answer, rate and close conversations',
  'conversations:transfer': 'Transfer a conversation to an operator or a group',
  'conversations:read_group': 'See every conversation of your groups, whoever has it',
  'conversations:read_all': 'See every conversation of every group',
  'employees:manage': 'Create, change and deactivate employees and their groups',
  'sites:manage': 'Create and change sites and their settings',
  'scenarios:read': 'See engagement scenarios and their statistics',
  'scenarios:manage': 'Create, change and delete engagement scenarios',
  'tokens:manage': 'Create, list and revoke API tokens',
  'webhooks:manage': 'Create, change and delete webhook endpoints and see their deliveries',
} as const

export type Permission = keyof typeof PERMISSIONS

export const Permission = Type.Union(
  (Object.keys(PERMISSIONS) as Permission[]).map((name) => Type.Literal(name)),
  { description: 'A permission, also an API token scope' },
)

const operator: readonly Permission[] = [
  'conversations:read',
  'conversations:reply',
  'conversations:transfer',
]
const supervisor: readonly Permission[] = [
  ...operator,
  'conversations:read_group',
  'scenarios:read',
]

/** The one permission table: REST routes and both sockets check these. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: Object.keys(PERMISSIONS) as Permission[],
  supervisor,
  operator,
}

/** What an API token gets when it is created without `scopes`: a bot that answers. */
export const DEFAULT_TOKEN_SCOPES: readonly Permission[] = [
  'conversations:read',
  'conversations:reply',
]

export const Scopes = Type.Array(Permission, { uniqueItems: true, maxItems: 32 })
export type Scopes = Static<typeof Scopes>
