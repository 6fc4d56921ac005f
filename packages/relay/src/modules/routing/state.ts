import { insertEntry, type QueueEntry } from './queue.ts'
import type {
  AssignReason,
  ConversationView,
  Decision,
  GroupConfig,
  OperatorStatus,
  RefusalCode,
  Result,
  RouteCause,
  RouterSnapshot,
  Strategy,
  WaitReason,
} from './types.ts'

export interface Group {
  config: GroupConfig
  /** In rotation order. */
  members: string[]
  queue: QueueEntry[]
  /** The tick of each member's latest conversation from this group: the rotation. */
  served: Map<string, number>
}

export interface Operator {
  status: OperatorStatus
  capacity: number | null
  conversations: Set<string>
}

export interface Conversation {
  id: string
  groupId: string
  operatorId: string | null
  answered: boolean
  arrival: number
  /** Members who let it time out; automatic routing skips them unless every member did. */
  excluded: Set<string>
}

/** An operator a strategy may choose: online, a member, with room. Given in member order. */
export interface Candidate {
  operatorId: string
  /** Open conversations across all groups. */
  load: number
  /** Tick of their latest conversation from this group, -1 if none. */
  lastServed: number
}

/**
 * What the router holds and the steps it is made of; the rules live in `Router`.
 * Every change goes through these steps, which record the decisions of the call.
 * The protected hooks (`isAvailable`, `hasRoom`, `pick`, `insert`) let tests build a
 * deliberately broken router; they are not an extension API.
 */
export class RoutingState {
  protected readonly groups = new Map<string, Group>()
  protected readonly operators = new Map<string, Operator>()
  protected readonly conversations = new Map<string, Conversation>()
  /** Orders arrivals, queue places and the rotation: the router's only notion of time. */
  protected tick = 0
  private decisions: Decision[] = []
  /** Queues changed during the current call, as they were before it. */
  private readonly touched = new Map<string, string[]>()

  /** The open conversation, or null. */
  conversation(conversationId: string): ConversationView | null {
    const c = this.conversations.get(conversationId)
    if (!c) return null
    const { id, groupId, operatorId, answered } = c
    return { conversationId: id, groupId, operatorId, answered }
  }

  /** The conversation's operator, or null (waiting or unknown). */
  assignment(conversationId: string): string | null {
    return this.conversations.get(conversationId)?.operatorId ?? null
  }

  /** The operator's open conversations across all groups. */
  load(operatorId: string): number {
    return this.operators.get(operatorId)?.conversations.size ?? 0
  }

  /** 1-based place in its group's queue, or null when not waiting. */
  position(conversationId: string): number | null {
    const c = this.conversations.get(conversationId)
    const queue = c && this.groups.get(c.groupId)?.queue
    const at = queue?.findIndex((e) => e.conversationId === conversationId) ?? -1
    return at < 0 ? null : at + 1
  }

  /** The group's waiting conversations, first in line first. */
  queue(groupId: string): string[] {
    return this.groups.get(groupId)?.queue.map((e) => e.conversationId) ?? []
  }

  /** Everything, as plain data. */
  snapshot(): RouterSnapshot {
    return {
      groups: [...this.groups.values()].map((g) => ({
        config: { ...g.config },
        members: [...g.members],
        queue: this.queue(g.config.id),
      })),
      operators: [...this.operators].map(([operatorId, o]) => ({
        operatorId,
        status: o.status,
        capacity: o.capacity,
        conversations: [...o.conversations],
      })),
      conversations: [...this.conversations.keys()].map((id) => this.conversation(id)!),
    }
  }

  /** Whether the status takes new conversations. */
  protected isAvailable(status: OperatorStatus): boolean {
    return status === 'online'
  }

  protected hasRoom(load: number, capacity: number): boolean {
    return load < capacity
  }

  /** Round robin: least recently served. Least busy: lowest load, then least recently served. Ties: member order. */
  protected pick(strategy: Strategy, candidates: readonly Candidate[]): string | undefined {
    let best: Candidate | undefined
    for (const c of candidates) {
      if (!best) best = c
      else if (strategy === 'least_busy' && c.load !== best.load) {
        if (c.load < best.load) best = c
      } else if (c.lastServed < best.lastServed) best = c
    }
    return best?.operatorId
  }

  protected insert(queue: QueueEntry[], entry: QueueEntry): void {
    insertEntry(queue, entry)
  }

  /** Online members with room, minus those who let `c` time out unless every member did. */
  protected candidates(c: Conversation, group: Group): Candidate[] {
    const skip = !group.members.every((id) => c.excluded.has(id))
    return group.members
      .filter((id) => this.takesNew(id, group) && !(skip && c.excluded.has(id)))
      .map((id) => ({
        operatorId: id,
        load: this.load(id),
        lastServed: group.served.get(id) ?? -1,
      }))
  }

  /** Online and with room in the group. */
  protected takesNew(operatorId: string, group: Group): boolean {
    return this.isAvailable(this.operator(operatorId).status) && this.roomIn(operatorId, group)
  }

  protected roomIn(operatorId: string, group: Group): boolean {
    const o = this.operator(operatorId)
    return this.hasRoom(o.conversations.size, o.capacity ?? group.config.capacity)
  }

  protected assign(c: Conversation, group: Group, operatorId: string, reason: AssignReason): void {
    this.operator(operatorId).conversations.add(c.id)
    c.operatorId = operatorId
    c.answered = false
    group.served.set(operatorId, this.tick++)
    const { id: groupId, noAnswerMs } = group.config
    this.decisions.push({
      type: 'assigned',
      conversationId: c.id,
      groupId,
      operatorId,
      reason,
      noAnswerMs,
    })
  }

  protected unassign(c: Conversation, reason: 'timed_out' | 'transferred' | 'requeued'): void {
    const operatorId = c.operatorId!
    this.operator(operatorId).conversations.delete(c.id)
    c.operatorId = null
    this.decisions.push({ type: 'unassigned', conversationId: c.id, operatorId, reason })
  }

  /** Front entries keep their arrival order; the others queue up. `cause` null: no decision (restore). */
  protected enqueue(
    c: Conversation,
    group: Group,
    front: boolean,
    cause: RouteCause | null,
    wait: WaitReason,
  ): void {
    this.touch(group)
    this.insert(group.queue, {
      conversationId: c.id,
      front,
      order: front ? c.arrival : this.tick++,
    })
    if (!cause) return
    this.decisions.push({
      type: 'queued',
      conversationId: c.id,
      groupId: group.config.id,
      reason: cause,
      wait,
    })
  }

  protected dequeue(c: Conversation): void {
    const group = this.groups.get(c.groupId)
    const at = group?.queue.findIndex((e) => e.conversationId === c.id) ?? -1
    if (!group || at < 0) return
    this.touch(group)
    group.queue.splice(at, 1)
  }

  /** Changing group forgets who let it time out. */
  protected moveTo(c: Conversation, group: Group): void {
    if (c.groupId === group.config.id) return
    c.groupId = group.config.id
    c.excluded.clear()
  }

  protected handToOfflineForm(c: Conversation, groupId: string, reason: RouteCause): void {
    this.conversations.delete(c.id)
    this.decisions.push({ type: 'offline_form', conversationId: c.id, groupId, reason })
  }

  protected open(id: string, groupId: string): Conversation {
    const c: Conversation = {
      id,
      groupId,
      operatorId: null,
      answered: false,
      arrival: this.tick++,
      excluded: new Set(),
    }
    this.conversations.set(id, c)
    return c
  }

  /** The operator, created offline on first mention. */
  protected operator(id: string): Operator {
    const known = this.operators.get(id)
    if (known) return known
    const created: Operator = { status: 'offline', capacity: null, conversations: new Set() }
    this.operators.set(id, created)
    return created
  }

  /** Runs one call; `change` returns a refusal before changing anything. Ends with the changed queues' positions. */
  protected run(change: () => RefusalCode | undefined): Result {
    this.decisions = []
    this.touched.clear()
    const code = change()
    if (code) return { ok: false, code }
    for (const [groupId, before] of this.touched) {
      const queue = this.queue(groupId)
      if (!sameList(queue, before)) this.decisions.push({ type: 'positions', groupId, queue })
    }
    return { ok: true, decisions: this.decisions }
  }

  /** Runs a call that cannot be refused. */
  protected config(change: () => void): Decision[] {
    const result = this.run(() => void change())
    return result.ok ? result.decisions : []
  }

  private touch(group: Group): void {
    const id = group.config.id
    if (!this.touched.has(id)) this.touched.set(id, this.queue(id))
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i])
}
