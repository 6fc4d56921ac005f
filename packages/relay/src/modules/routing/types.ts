/**
 * `online` takes new conversations; `pause` keeps its conversations and accepts
 * transfers but gets no new ones; `away` (set by inactivity) keeps its conversations
 * and gets neither new ones nor transfers; `offline` has no socket and holds nothing.
 */
export type OperatorStatus = 'online' | 'pause' | 'away' | 'offline'

/**
 * `round_robin`: fair rotation over the online members with room.
 * `least_busy`: the member with the fewest open conversations, ties by the rotation.
 * `broadcast`: conversations wait in the queue until a member accepts one.
 */
export type Strategy = 'round_robin' | 'least_busy' | 'broadcast'

/** What a group does with a conversation when none of its members is online. */
export type WhenNobodyOnline = 'fallback' | 'queue' | 'offline_form'

export interface GroupConfig {
  id: string
  strategy: Strategy
  /** Open conversations an operator may hold when this group routes to them, unless their own capacity is set. */
  capacity: number
  /** How long an assigned operator has to reply; echoed in `assigned` decisions for the caller's timer. */
  noAnswerMs: number
  /** Where conversations go when nobody is online and `whenNobodyOnline` is `fallback`. */
  fallbackGroupId: string | null
  whenNobodyOnline: WhenNobodyOnline
}

export interface Arrival {
  conversationId: string
  groupId: string
  /** The operator a returning visitor spoke with last; used when online, a member and with room. */
  preferredOperatorId?: string | null
}

/** An operator (in `groupId`, else in the conversation's group), or a whole group. */
export type TransferTarget =
  | { operatorId: string; groupId?: string }
  | { groupId: string; operatorId?: undefined }

/** A conversation the caller stored, for `restore`. Pass them in arrival order. */
export interface RestoredConversation {
  conversationId: string
  groupId: string
  /** Its operator, or null when it was waiting. */
  operatorId: string | null
  answered?: boolean
}

/** The event that (re)routed a conversation. */
export type RouteCause = 'routed' | 'timed_out' | 'transferred' | 'requeued'

/** Why an operator got a conversation. */
export type AssignReason = RouteCause | 'preferred' | 'accepted' | 'drained'

/** Why a conversation waits: every online member is full, nobody is online, or a broadcast group. */
export type WaitReason = 'all_full' | 'nobody_online' | 'broadcast'

/** What the caller must carry out, in order. */
export type Decision =
  | {
      type: 'assigned'
      conversationId: string
      groupId: string
      operatorId: string
      reason: AssignReason
      noAnswerMs: number
    }
  | {
      type: 'queued'
      conversationId: string
      groupId: string
      reason: RouteCause
      wait: WaitReason
    }
  /** The visitor gets the offline form; the router forgets the conversation. `groupId` is the group asked for. */
  | { type: 'offline_form'; conversationId: string; groupId: string; reason: RouteCause }
  /** Taken away from `operatorId`; another decision for the conversation follows. */
  | {
      type: 'unassigned'
      conversationId: string
      operatorId: string
      reason: 'timed_out' | 'transferred' | 'requeued'
    }
  /** A group's queue changed: every waiting conversation's new place, first in line first. */
  | { type: 'positions'; groupId: string; queue: string[] }

/** Stable codes of the refusals the router returns, with what each means. */
export const ROUTING_REFUSALS = {
  already_assigned: 'The conversation already has this or another operator',
  not_member: 'The operator is not a member of the group',
  operator_full: 'The operator has no room for another conversation',
  operator_unavailable:
    'The operator is not available (away, offline, or paused for a new conversation)',
  unknown_conversation: 'The router has no such open conversation',
  unknown_group: 'The router has no such group',
  conversation_exists: 'A conversation with this id is already open',
  group_not_empty: 'The group still has open conversations; transfer or close them first',
} as const

export type RefusalCode = keyof typeof ROUTING_REFUSALS

/** What a conversation method returns: the decisions, or why nothing changed. */
export type Result = { ok: true; decisions: Decision[] } | { ok: false; code: RefusalCode }

/** One open conversation as the router sees it. */
export interface ConversationView {
  conversationId: string
  groupId: string
  /** Null while it waits in the group's queue. */
  operatorId: string | null
  answered: boolean
}

/** Everything the router holds, as plain data (for logs, monitoring and tests). */
export interface RouterSnapshot {
  groups: { config: GroupConfig; members: string[]; queue: string[] }[]
  operators: {
    operatorId: string
    status: OperatorStatus
    capacity: number | null
    conversations: string[]
  }[]
  conversations: ConversationView[]
}
