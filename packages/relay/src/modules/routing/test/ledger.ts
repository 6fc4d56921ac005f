import type { Router } from '../router.ts'
import type { Decision, GroupConfig, OperatorStatus } from '../types.ts'

/** A broken routing rule, named by the invariant it breaks. */
export class InvariantError extends Error {}

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message)
}

type State = 'new' | 'limbo' | 'waiting' | 'assigned' | 'offline_form' | 'closed'

interface Tracked {
  state: State
  groupId: string
  operatorId: string | null
  answered: boolean
  /** Members who let it time out in its current group. */
  timedOut: Set<string>
}

/** What the call was, for the rules that depend on it. */
export interface Context {
  preferred?: string
  /** A transfer to this operator (who may be paused). */
  transferTo?: string
}

/** What a run did, to show the properties are not vacuous: `assigned drained`, `queued requeued`, `race won`… and how often. */
export type Stats = Map<string, number>

/**
 * The independent model of a run: the configuration as the test set it, and every
 * conversation as the decisions describe it. It checks each decision when it comes
 * and, with `verify`, the invariants and the router's own reads after each call.
 */
export class Ledger {
  readonly groups = new Map<string, GroupConfig>()
  readonly members = new Map<string, string[]>()
  readonly status = new Map<string, OperatorStatus>()
  readonly capacity = new Map<string, number | null>()
  readonly conversations = new Map<string, Tracked>()
  private readonly positions = new Map<string, string[]>()
  readonly stats: Stats = new Map()

  note(what: string): void {
    this.stats.set(what, (this.stats.get(what) ?? 0) + 1)
  }

  load(operatorId: string): number {
    let n = 0
    for (const t of this.conversations.values())
      if (t.state === 'assigned' && t.operatorId === operatorId) n++
    return n
  }

  capacityIn(operatorId: string, groupId: string): number {
    return this.capacity.get(operatorId) ?? this.groups.get(groupId)!.capacity
  }

  arrived(conversationId: string, groupId: string): void {
    check(!this.conversations.has(conversationId), `${conversationId} arrived twice`)
    const t: Tracked = {
      state: 'new',
      groupId,
      operatorId: null,
      answered: false,
      timedOut: new Set(),
    }
    this.conversations.set(conversationId, t)
  }

  /** The conversation if it is open (assigned or waiting). */
  open(conversationId: string): Tracked | undefined {
    const t = this.conversations.get(conversationId)
    return t && (t.state === 'assigned' || t.state === 'waiting') ? t : undefined
  }

  apply(decisions: readonly Decision[], context: Context = {}): void {
    for (const d of decisions) {
      if (d.type === 'positions') {
        this.positions.set(d.groupId, d.queue)
        continue
      }
      this.note(`${d.type} ${d.reason}`)
      const t = this.conversations.get(d.conversationId)
      check(t !== undefined, `(5) decision for an unknown conversation ${d.conversationId}`)
      if (d.type === 'unassigned') {
        check(
          t.state === 'assigned' && t.operatorId === d.operatorId,
          `(5) ${d.conversationId} unassigned from ${d.operatorId} who did not have it`,
        )
        t.state = 'limbo'
        t.operatorId = null
        if (d.reason === 'timed_out') t.timedOut.add(d.operatorId)
        continue
      }
      check(
        ['new', 'limbo', 'waiting'].includes(t.state),
        `(5) ${d.type} ${d.conversationId} while ${t.state}: duplicated`,
      )
      if (d.type === 'offline_form') {
        t.state = 'offline_form'
        continue
      }
      if (d.groupId !== t.groupId) t.timedOut.clear()
      t.groupId = d.groupId
      if (d.type === 'queued') {
        t.state = 'waiting'
        continue
      }
      this.assigned(d, t, context)
    }
  }

  private assigned(d: Extract<Decision, { type: 'assigned' }>, t: Tracked, context: Context): void {
    const { conversationId: c, operatorId: op, groupId } = d
    const status = this.status.get(op)
    check(
      (this.members.get(groupId) ?? []).includes(op),
      `${c} assigned to ${op}, not a member of ${groupId}`,
    )
    check(
      this.load(op) + 1 <= this.capacityIn(op, groupId),
      `(1) ${c} puts ${op} over capacity ${this.capacityIn(op, groupId)} in ${groupId}`,
    )
    const transferred =
      status === 'pause' && d.reason === 'transferred' && context.transferTo === op
    check(
      status === 'online' || transferred,
      `(2) ${c} assigned to ${op} who is ${status} (${d.reason})`,
    )
    check(d.reason !== 'preferred' || context.preferred === op, `${c} given to ${op} as preferred`)
    check(d.noAnswerMs === this.groups.get(groupId)!.noAnswerMs, `${c}: wrong noAnswerMs`)
    t.state = 'assigned'
    t.operatorId = op
    t.answered = false
  }

  /** After each call: every invariant, and the router's reads against the model. */
  verify(router: Router): void {
    const snapshot = router.snapshot()
    const places = new Map<string, number>()
    const count = (id: string) => places.set(id, (places.get(id) ?? 0) + 1)
    for (const g of snapshot.groups) g.queue.forEach(count)
    for (const o of snapshot.operators) o.conversations.forEach(count)
    const open = new Set(snapshot.conversations.map((c) => c.conversationId))
    for (const [id, t] of this.conversations) {
      check(
        t.state !== 'new' && t.state !== 'limbo',
        `(5) ${id} was left ${t.state === 'new' ? 'unrouted' : 'without a place'}: lost`,
      )
      const live = t.state === 'assigned' || t.state === 'waiting'
      check(
        open.has(id) === live,
        `(5) ${id} is ${t.state} but the router ${open.has(id) ? 'has' : 'lost'} it`,
      )
      check(
        (places.get(id) ?? 0) === (live ? 1 : 0),
        `(5) ${id} is in ${places.get(id) ?? 0} places`,
      )
      if (!live) continue
      check(
        router.assignment(id) === t.operatorId,
        `(5) ${id} is with ${router.assignment(id)}, expected ${t.operatorId}`,
      )
      check(router.conversation(id)?.groupId === t.groupId, `(5) ${id} is in the wrong group`)
      if (t.state === 'waiting') {
        const at = router.queue(t.groupId).indexOf(id)
        check(at >= 0 && router.position(id) === at + 1, `(5) ${id} is not in ${t.groupId}'s queue`)
        this.checkNotStranded(id, t)
      } else {
        const status = this.status.get(t.operatorId!)
        check(
          status !== undefined && status !== 'offline',
          `(2) ${id} stays with ${t.operatorId} who is ${status ?? 'removed'}`,
        )
      }
    }
    for (const id of this.status.keys())
      check(
        router.load(id) === this.load(id),
        `(1) load of ${id} is ${router.load(id)}, expected ${this.load(id)}`,
      )
    for (const g of this.groups.keys()) {
      const told = this.positions.get(g) ?? []
      check(
        router.queue(g).join() === told.join(),
        `positions of ${g}: told [${told}], queue is [${router.queue(g)}]`,
      )
    }
  }

  /** (3) A waiting conversation in a non-broadcast group has no eligible online member with room. */
  private checkNotStranded(id: string, t: Tracked): void {
    if (this.groups.get(t.groupId)!.strategy === 'broadcast') return
    const members = this.members.get(t.groupId) ?? []
    const everyone = members.every((m) => t.timedOut.has(m))
    for (const m of members) {
      if (this.status.get(m) !== 'online' || (t.timedOut.has(m) && !everyone)) continue
      check(
        this.load(m) >= this.capacityIn(m, t.groupId),
        `(3) ${id} waits in ${t.groupId} while ${m} is online with room`,
      )
    }
  }
}
