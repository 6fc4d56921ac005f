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
  'privacy:read': 'See the consent register and the privacy audit log',
  'privacy:manage':
    "Export and erase a visitor's data, set retention, withdraw consent on a visitor's request",
  'leads:read': 'List leads (callbacks, offline messages, contacts left in chats) for integrations',
  'visitors:read': 'List visitor profiles (contact, identity, attributes) for integrations',
  'messages:write': 'Post an operator message from outside (REST), as the token owner',
  'webhooks:manage': 'Create, change and delete webhook endpoints and see their deliveries',
  'analytics:read':
    'See operator metrics, channel effectiveness and live monitoring (of the groups you may see)',
  'channels:manage': 'Add, change and remove messenger contact points (Telegram, VK, Viber)',
  'visitors:invite':
    'Invite a visitor on a site now to a chat (proactive chat, from monitoring), as yourself',
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
/*
 * Integration scopes: admins have all of them. A supervisor reads leads (of the conversations
 * they may see). Visitor profiles belong to a site, not a group, so only a role that sees every
 * conversation reads them in bulk; posting from outside (`messages:write`) is for keys an admin
 * makes (for themselves or a bot with the admin role) — operators and bots answer on the socket.
 */
const supervisor: readonly Permission[] = [
  ...operator,
  'conversations:read_group',
  'scenarios:read',
  'privacy:read',
  'leads:read',
  'analytics:read',
  'visitors:invite',
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
