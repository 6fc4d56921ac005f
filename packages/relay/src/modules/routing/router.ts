import { type QueueEntry, servedBefore } from './queue.ts'
import { type Conversation, type Group, RoutingState } from './state.ts'
import type {
  Arrival,
  Decision,
  GroupConfig,
  OperatorStatus,
  RestoredConversation,
  Result,
  RouteCause,
  TransferTarget,
} from './types.ts'

/**
 * The routing engine: facts in (groups, members, statuses, conversation events),
 * decisions out, for the caller to carry out in order. Pure and synchronous: no I/O,
 * no timers, no clock. Config methods return the decisions they cause; conversation
 * methods return a `Result`, and a refusal leaves the state as it was. Mistakes in
 * configuration (bad capacity, unknown group in `setMembers`) throw.
 */
export class Router extends RoutingState {
  /** Adds or replaces a group's settings; its members and queue are kept. */
  upsertGroup(config: GroupConfig): Decision[] {
    checkGroup(config)
    const group = this.groups.get(config.id)
    if (group) group.config = { ...config }
    else
      this.groups.set(config.id, {
        config: { ...config },
        members: [],
        queue: [],
        served: new Map(),
      })
    return this.config(() => this.drain())
  }

  /** Removes a group that holds no open conversation. */
  removeGroup(groupId: string): Result {
    return this.run(() => {
      if (!this.groups.has(groupId)) return 'unknown_group'
      for (const c of this.conversations.values())
        if (c.groupId === groupId) return 'group_not_empty'
      this.groups.delete(groupId)
    })
  }

  /** Sets a group's members, in rotation order. A member taken out keeps their conversations. */
  setMembers(groupId: string, operatorIds: readonly string[]): Decision[] {
    const group = this.groups.get(groupId)
    if (!group) throw new Error(`setMembers: unknown group ${groupId}; call upsertGroup first`)
    group.members = [...new Set(operatorIds)]
    for (const id of group.members) this.operator(id)
    return this.config(() => this.drain())
  }

  /** Any status but `offline` keeps the operator's conversations; `offline` sends them back to their queues' front. */
  setStatus(operatorId: string, status: OperatorStatus): Decision[] {
    return this.config(() => {
      this.operator(operatorId).status = status
      if (status === 'offline') this.requeue(operatorId)
      this.drain()
    })
  }

  /** Sets the operator's own capacity (for all groups), or null for each group's default. Lowering it takes nothing away. */
  setCapacity(operatorId: string, capacity: number | null): Decision[] {
    if (capacity !== null) checkCapacity(capacity, `setCapacity(${operatorId})`)
    return this.config(() => {
      this.operator(operatorId).capacity = capacity
      this.drain()
    })
  }

  /** Forgets a deactivated operator: out of every group, their conversations requeued. */
  removeOperator(operatorId: string): Decision[] {
    return this.config(() => {
      if (!this.operators.has(operatorId)) return
      for (const group of this.groups.values()) {
        group.members = group.members.filter((id) => id !== operatorId)
        group.served.delete(operatorId)
      }
      this.requeue(operatorId)
      this.operators.delete(operatorId)
      this.drain()
    })
  }

  /**
   * Loads stored conversations into an empty router at startup, in arrival order,
   * after the groups and members. Assignments are kept whatever the operator's
   * status: report operators who do not come back with `setStatus(id, 'offline')`.
   * Waiting ones queue in the order given; the decisions are their positions and the
   * assignments of the drain that follows.
   */
  restore(conversations: readonly RestoredConversation[]): Decision[] {
    if (this.conversations.size > 0)
      throw new Error('restore: the router already has conversations')
    const ids = new Set<string>()
    for (const { conversationId, groupId } of conversations) {
      if (!this.groups.has(groupId))
        throw new Error(`restore: unknown group ${groupId}; call upsertGroup first`)
      if (ids.has(conversationId))
        throw new Error(`restore: conversation ${conversationId} is listed twice`)
      ids.add(conversationId)
    }
    return this.config(() => {
      for (const r of conversations) {
        const c = this.open(r.conversationId, r.groupId)
        if (r.operatorId === null)
          this.enqueue(c, this.groups.get(r.groupId)!, false, null, 'all_full')
        else {
          this.operator(r.operatorId).conversations.add(c.id)
          c.operatorId = r.operatorId
          c.answered = r.answered ?? false
        }
      }
      this.drain()
    })
  }

  /** Routes a new conversation: to the preferred operator, by the strategy, to the queue, or by the nobody-online rule. */
  arrive(arrival: Arrival): Result {
    return this.run(() => {
      if (this.conversations.has(arrival.conversationId)) return 'conversation_exists'
      if (!this.groups.has(arrival.groupId)) return 'unknown_group'
      const c = this.open(arrival.conversationId, arrival.groupId)
      this.route(c, arrival.groupId, 'routed', false, arrival.preferredOperatorId)
    })
  }

  /** An online member with room takes a waiting conversation (broadcast, or any queue). The first accept wins. */
  accept(conversationId: string, operatorId: string): Result {
    return this.run(() => {
      const c = this.conversations.get(conversationId)
      if (!c) return 'unknown_conversation'
      if (c.operatorId !== null) return 'already_assigned'
      const group = this.groups.get(c.groupId)!
      if (!group.members.includes(operatorId)) return 'not_member'
      if (!this.isAvailable(this.operator(operatorId).status)) return 'operator_unavailable'
      if (!this.roomIn(operatorId, group)) return 'operator_full'
      this.dequeue(c)
      this.assign(c, group, operatorId, 'accepted')
    })
  }

  /** The operator replied: a later `noAnswer` for this assignment does nothing. */
  answered(conversationId: string, operatorId: string): Result {
    return this.run(() => {
      const c = this.conversations.get(conversationId)
      if (!c) return 'unknown_conversation'
      if (c.operatorId === operatorId) c.answered = true
    })
  }

  /**
   * The operator did not reply within `noAnswerMs`: the conversation goes to another
   * member (never back to them while the group has anyone else), else to the front of
   * the queue. Does nothing when answered or no longer theirs (a stale timer).
   */
  noAnswer(conversationId: string, operatorId: string): Result {
    return this.run(() => {
      const c = this.conversations.get(conversationId)
      if (!c) return 'unknown_conversation'
      if (c.operatorId !== operatorId || c.answered) return
      this.unassign(c, 'timed_out')
      c.excluded.add(operatorId)
      this.route(c, c.groupId, 'timed_out', true)
      this.drain()
    })
  }

  /**
   * To an operator who is a member of `groupId` (default: the conversation's group),
   * online or paused and with room; or to a group, routed like an arrival there.
   * The caller keeps any transfer note; the router has no use for it.
   */
  transfer(conversationId: string, target: TransferTarget): Result {
    return this.run(() => {
      const c = this.conversations.get(conversationId)
      if (!c) return 'unknown_conversation'
      const group = this.groups.get(target.groupId ?? c.groupId)
      if (!group) return 'unknown_group'
      const to = target.operatorId
      if (to === undefined) {
        this.release(c)
        c.excluded.clear()
        this.route(c, group.config.id, 'transferred', false)
      } else {
        if (c.operatorId === to) return 'already_assigned'
        if (!group.members.includes(to)) return 'not_member'
        const status = this.operator(to).status
        if (status !== 'online' && status !== 'pause') return 'operator_unavailable'
        if (!this.roomIn(to, group)) return 'operator_full'
        this.release(c)
        this.moveTo(c, group)
        this.assign(c, group, to, 'transferred')
      }
      this.drain()
    })
  }

  /** The conversation ended: the router forgets it and gives its room to the queues. */
  close(conversationId: string): Result {
    return this.run(() => {
      const c = this.conversations.get(conversationId)
      if (!c) return 'unknown_conversation'
      if (c.operatorId !== null) this.operator(c.operatorId).conversations.delete(c.id)
      else this.dequeue(c)
      this.conversations.delete(c.id)
      this.drain()
    })
  }

  /**
   * Assigns waiting conversations while a non-broadcast group has an eligible member.
   * Each round, the first assignable entry of every queue competes and the one served
   * first wins (`servedBefore`): requeued ones, then the longest wait, across groups.
   */
  protected drain(): void {
    for (;;) {
      let best: { c: Conversation; group: Group; operatorId: string; entry: QueueEntry } | undefined
      for (const group of this.groups.values()) {
        if (group.config.strategy === 'broadcast') continue
        if (!group.members.some((id) => this.takesNew(id, group))) continue
        for (const entry of group.queue) {
          if (best && !servedBefore(entry, best.entry)) break
          const c = this.conversations.get(entry.conversationId)!
          const operatorId = this.pick(group.config.strategy, this.candidates(c, group))
          if (operatorId) {
            best = { c, group, operatorId, entry }
            break
          }
        }
      }
      if (!best) return
      this.dequeue(best.c)
      this.assign(best.c, best.group, best.operatorId, 'drained')
    }
  }

  /**
   * Places `c` in `groupId`: the preferred operator if they take new conversations
   * there; when no member is online, the group's rule, following at most one
   * fallback (whose own nobody-online rule is not followed: offline form); a broadcast
   * queue; the strategy's pick; or the queue when everyone online is full.
   */
  private route(
    c: Conversation,
    groupId: string,
    cause: RouteCause,
    front: boolean,
    preferred?: string | null,
  ): void {
    let group = this.groups.get(groupId)
    for (let hop = 0; group; hop++) {
      this.moveTo(c, group)
      const online = group.members.some((id) => this.isAvailable(this.operator(id).status))
      if (!online) {
        const rule = hop === 0 ? group.config.whenNobodyOnline : 'offline_form'
        if (rule === 'queue') {
          this.enqueue(c, group, front, cause, 'nobody_online')
          return
        }
        if (rule === 'offline_form' || group.config.fallbackGroupId === null) break
        group = this.groups.get(group.config.fallbackGroupId)
        continue
      }
      const candidates = this.candidates(c, group)
      if (preferred && hop === 0 && candidates.some((m) => m.operatorId === preferred)) {
        this.assign(c, group, preferred, 'preferred')
      } else if (group.config.strategy === 'broadcast') {
        this.enqueue(c, group, front, cause, 'broadcast')
      } else {
        const operatorId = this.pick(group.config.strategy, candidates)
        if (operatorId) this.assign(c, group, operatorId, cause)
        else this.enqueue(c, group, front, cause, 'all_full')
      }
      return
    }
    this.handToOfflineForm(c, groupId, cause)
  }

  /** Takes the conversation from its operator or out of its queue. */
  private release(c: Conversation): void {
    if (c.operatorId !== null) this.unassign(c, 'transferred')
    else this.dequeue(c)
  }

  /** Takes the operator's conversations away and routes each again, oldest first, into its queue's front. */
  private requeue(operatorId: string): void {
    const held = [...this.operator(operatorId).conversations].map(
      (id) => this.conversations.get(id)!,
    )
    held.sort((a, b) => a.arrival - b.arrival)
    for (const c of held) this.unassign(c, 'requeued')
    for (const c of held) this.route(c, c.groupId, 'requeued', true)
  }
}

function checkGroup(config: GroupConfig): void {
  checkCapacity(config.capacity, `group ${config.id}`)
  if (!(config.noAnswerMs >= 0)) throw new RangeError(`group ${config.id}: noAnswerMs must be >= 0`)
  if (config.fallbackGroupId === config.id)
    throw new Error(`group ${config.id}: fallbackGroupId must name another group, or be null`)
}

function checkCapacity(capacity: number, where: string): void {
  if (!Number.isInteger(capacity) || capacity < 0)
    throw new RangeError(`${where}: capacity must be an integer >= 0, got ${capacity}`)
}
