import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { Strategy, WhenNobodyOnline } from './types.ts'

/** An operator group of a site, with its routing settings. */
export interface GroupRecord {
  id: string
  siteId: string
  name: string
  strategy: Strategy
  /** Conversations each member takes at once, unless their own capacity is set. */
  capacity: number
  /** Seconds an assigned operator has to answer before it is re-routed; 0: never. */
  noAnswerSeconds: number
  fallbackGroupId: string | null
  whenNobodyOnline: WhenNobodyOnline
  /** The site's group every new person joins; one per site, never deleted. */
  isDefault: boolean
  createdAt: number
}

export type GroupPatch = Partial<
  Pick<
    GroupRecord,
    'name' | 'strategy' | 'capacity' | 'noAnswerSeconds' | 'fallbackGroupId' | 'whenNobodyOnline'
  >
>

/** An open conversation as routing restores it at start. */
export interface OpenConversation {
  id: string
  siteId: string
  visitorId: string
  kind: string
  groupId: string | null
  operatorId: string | null
  answered: boolean
  createdAt: number
}

/** One routing decision as logged (`routing_log`). */
export interface RoutingLogEntry {
  conversationId: string
  type: 'assigned' | 'unassigned' | 'queued' | 'offline_form' | 'transferred'
  reason?: string
  groupId?: string
  operatorId?: string
  /** Who transferred it. */
  byId?: string
  /** A transfer's note, for operators only. */
  note?: string
  at: number
}

/**
 * Groups, their members, and the routing state written on conversations.
 * `describeGroupStore` in `contract.ts` is the suite every adapter passes.
 */
export interface GroupStore {
  create(tx: Tx, group: GroupRecord): Promise<void>
  get(id: string, tx?: Tx): Promise<GroupRecord | undefined>
  /** Every group, oldest first (of one site with `siteId`). */
  list(siteId?: string, tx?: Tx): Promise<GroupRecord[]>
  update(tx: Tx, id: string, patch: GroupPatch): Promise<GroupRecord | undefined>
  /** False when there was none. */
  delete(tx: Tx, id: string): Promise<boolean>
  /** Replaces the members (unknown employee ids are the caller's to refuse). */
  setMembers(tx: Tx, groupId: string, employeeIds: readonly string[]): Promise<void>
  addMember(tx: Tx, groupId: string, employeeId: string): Promise<void>
  /** groupId → member ids, for every group. */
  members(tx?: Tx): Promise<Map<string, string[]>>

  /** Open conversations, oldest first. */
  listOpen(tx?: Tx): Promise<OpenConversation[]>
  /** Sets (or clears) a conversation's operator and group; clears `answered`. */
  assign(
    tx: Tx,
    conversationId: string,
    to: { groupId: string; operator: { id: string; name: string } | null },
  ): Promise<void>
  /** Records the first answer of the assigned operator. */
  markAnswered(tx: Tx, conversationId: string, at: number): Promise<void>
  log(tx: Tx, entry: RoutingLogEntry): Promise<void>
  /** The conversation's routing log, oldest first. */
  logOf(conversationId: string): Promise<RoutingLogEntry[]>
  /** The operator the visitor's latest conversation with one had, if any. */
  lastOperatorOf(
    siteId: string,
    visitorId: string,
    exceptConversationId: string,
  ): Promise<string | null>
}
