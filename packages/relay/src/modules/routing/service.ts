import type {
  ConversationSummary,
  OperatorStatus,
  Permission,
  QueueFrame,
  SystemEventData,
  TransferFrame,
} from '@parley/protocol'
import type { FastifyBaseLogger } from 'fastify'
import { type Outcome, publishAll } from '../../infra/bus/outcome.ts'
import { operatorTopic, visitorTopic } from '../../infra/bus/topics.ts'
import type { Audience, Bus } from '../../infra/bus/types.ts'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import type { Timers } from '../../infra/ws/frame-socket.ts'
import type { OperatorActor } from '../conversations/actor.ts'
import type { RoutingHooks } from '../conversations/routing-hooks.ts'
import type { ConversationService } from '../conversations/service.ts'
import type { EmployeeService } from '../employees/service.ts'
import type { EmployeeRecord } from '../employees/store.ts'
import type { OperatorPresence } from '../presence/presence.ts'
import { GroupCatalog, type GroupWithMembers, isRoutable } from './groups.ts'
import { Router } from './router.ts'
import { OperatorStatuses } from './status.ts'
import type { GroupRecord, GroupStore, RoutingLogEntry } from './store.ts'
import type { Decision, RefusalCode, Result } from './types.ts'
import { WaitEstimator } from './wait.ts'

export interface RoutingServiceOptions {
  db: UnitOfWork
  store: GroupStore
  employees: EmployeeService
  conversations: ConversationService
  presence: OperatorPresence
  bus: Bus
  now: () => number
  timers: Timers
  awayAfterMs: number
  offlineGraceMs: number
  log: FastifyBaseLogger
}

/** Who asks to see a conversation: an operator and what they may do. */
export interface Viewer {
  id: string
  permissions: ReadonlySet<Permission>
}

/**
 * `canSee` as data, for a store to apply in a query (history search): every conversation,
 * or those assigned to `operatorId` and those of `groups` (a conversation with no group is
 * the whole team's) — all of them with `wholeGroups`, else only the waiting ones.
 */
export type VisibilityScope =
  | { all: true }
  | { all?: false; operatorId: string; groups: readonly string[]; wholeGroups: boolean }

/** How long log lines that change nothing else may wait to be written together. */
const LOG_FLUSH_MS = 50

/** The router's refusals as the relay's error codes. */
const REFUSALS: Record<RefusalCode, Parameters<typeof relayError>[0]> = {
  already_assigned: 'already_assigned',
  not_member: 'not_member',
  operator_full: 'operator_full',
  operator_unavailable: 'operator_unavailable',
  unknown_conversation: 'conversation_not_found',
  unknown_group: 'group_not_found',
  conversation_exists: 'bad_frame',
  group_not_empty: 'group_not_empty',
}

/**
 * Routing in the relay: the pure `Router` fed with groups, members, statuses and
 * conversations, and its decisions carried out one at a time, in order — persisted
 * (conversation's operator and group, `routing_log`), published (summaries to visitor and
 * operators, queue places to visitors) and timed (no-answer timers).
 */
export class RoutingService implements RoutingHooks {
  private readonly router = new Router()
  private readonly groups = new Map<string, GroupRecord>()
  /** operator → the groups they are a member of. */
  private readonly memberships = new Map<string, Set<string>>()
  /** Routed conversation → its visitor, for queue frames. */
  private readonly visitors = new Map<string, { siteId: string; visitorId: string }>()
  private readonly waiting = new Set<string>()
  /** When each waiting conversation began to wait (monitoring's longest wait). */
  private readonly waitingSince = new Map<string, number>()
  /** The group each new chat was created in (what its first summary said). */
  private readonly arrivedIn = new Map<string, string>()
  /** Log lines waiting for `flushLog`. */
  private readonly pendingLog: RoutingLogEntry[] = []
  /** The queue place each waiting visitor was last told. */
  private readonly toldPosition = new Map<string, number>()
  private readonly timers = new Map<string, unknown>()
  private readonly waits = new WaitEstimator()
  private chain: Promise<void> = Promise.resolve()
  private readonly statusListeners: ((operatorId: string, status: OperatorStatus) => void)[] = []
  readonly statuses: OperatorStatuses
  /** Groups as stored: what the console lists and changes. */
  readonly catalog: GroupCatalog

  constructor(private readonly options: RoutingServiceOptions) {
    this.catalog = new GroupCatalog(options)
    this.statuses = new OperatorStatuses({
      timers: options.timers,
      awayAfterMs: options.awayAfterMs,
      offlineGraceMs: options.offlineGraceMs,
      onChange: (operatorId, status) => this.statusChanged(operatorId, status),
      onPresence: (operatorId, present) => options.presence.set(operatorId, present),
    })
  }

  /** Loads groups and members, gives each site a default group, and restores open chats. */
  async start(siteIds: readonly string[]): Promise<void> {
    for (const siteId of siteIds) await this.defaultGroup(siteId)
    await this.reload()
    const restored = []
    // Chats without a group routing knows go to their site's default group, all in one
    // transaction: one each would wait for a commit of its own, minutes for thousands.
    const regrouped: { id: string; groupId: string }[] = []
    for (const open of await this.options.store.listOpen()) {
      if (open.kind !== 'chat') continue
      let groupId = open.groupId
      if (!groupId || !this.groups.has(groupId)) {
        groupId = (await this.defaultGroup(open.siteId)).id
        // Only a site routing met just now has a group the router does not hold yet.
        if (!this.groups.has(groupId)) await this.reload()
        regrouped.push({ id: open.id, groupId })
        open.operatorId = null
      }
      this.visitors.set(open.id, { siteId: open.siteId, visitorId: open.visitorId })
      restored.push({
        conversationId: open.id,
        groupId,
        operatorId: open.operatorId,
        answered: open.answered,
      })
    }
    if (regrouped.length > 0) {
      await this.options.db.transaction(async (tx) => {
        for (const { id, groupId } of regrouped) {
          await this.options.store.assign(tx, id, { groupId, operator: null })
        }
      })
    }
    const decisions = this.router.restore(restored)
    for (const c of restored) if (!c.operatorId) this.waiting.add(c.conversationId)
    for (const open of await this.options.store.listOpen()) {
      if (this.waiting.has(open.id)) this.waitingSince.set(open.id, open.createdAt)
    }
    await this.apply(decisions)
    // Operators who held conversations and do not come back within the grace go offline.
    const holders = new Set(restored.flatMap((c) => (c.operatorId ? [c.operatorId] : [])))
    this.options.timers.setTimeout(() => {
      for (const id of holders) {
        if (this.statuses.status(id) === 'offline') this.apply(this.router.setStatus(id, 'offline'))
      }
    }, this.options.offlineGraceMs)
  }

  /** Re-reads groups, members and capacities into the router (after a change in the console). */
  async reload(): Promise<void> {
    const { store, employees } = this.options
    const groups = await store.list()
    const members = await store.members()
    const people = new Map(
      (await employees.list()).filter(isRoutable).map((e) => [e.id, e] as const),
    )
    for (const id of [...this.groups.keys()]) {
      if (!groups.some((g) => g.id === id) && this.router.removeGroup(id).ok) this.groups.delete(id)
    }
    const decisions: Decision[] = []
    // Groups first (a fallback must exist before it is named), then fallbacks and members.
    for (const group of groups) {
      this.groups.set(group.id, group)
      decisions.push(...this.router.upsertGroup(toConfig(group, false)))
    }
    for (const group of groups) decisions.push(...this.router.upsertGroup(toConfig(group, true)))
    this.memberships.clear()
    for (const group of groups) {
      const ids = (members.get(group.id) ?? []).filter((id) => people.has(id))
      for (const id of ids) {
        const set = this.memberships.get(id) ?? new Set()
        set.add(group.id)
        this.memberships.set(id, set)
      }
      decisions.push(...this.router.setMembers(group.id, ids))
    }
    for (const person of people.values()) {
      decisions.push(...this.router.setCapacity(person.id, person.capacity))
    }
    this.apply(decisions)
  }

  /** The site's default group (created with every active person when it has none). */
  defaultGroup(siteId: string): Promise<GroupRecord> {
    return this.catalog.defaultGroup(siteId)
  }

  /** Creates or changes a group (`GroupCatalog.save`); routing follows at once. */
  async saveGroup(
    group: GroupRecord,
    members: readonly string[] | undefined,
    existing: boolean,
  ): Promise<GroupWithMembers> {
    await this.catalog.save(group, members, existing)
    await this.reload()
    return (await this.catalog.get(group.id))!
  }

  /** Deletes a group (`GroupCatalog.delete`); routing follows at once. */
  async deleteGroup(id: string): Promise<void> {
    await this.catalog.delete(id)
    await this.reload()
  }

  /** The conversation's routing decisions, for operators who may see it. */
  async routingLog(conversationId: string) {
    await this.flushLog()
    return this.options.store.logOf(conversationId)
  }

  /**
   * Queues a log line that changes nothing else; within `LOG_FLUSH_MS` (or before the next
   * decision that writes, or a read of the log) `flushLog` writes them in one transaction: a
   * burst of arrivals costs a few fsyncs, not one each. A crash loses at most those lines,
   * never an assignment.
   */
  private logSoon(entry: RoutingLogEntry): void {
    this.pendingLog.push(entry)
    if (this.pendingLog.length === 1) {
      this.options.timers.setTimeout(() => void this.flushLog(), LOG_FLUSH_MS)
    }
  }

  private async flushLog(): Promise<void> {
    const entries = this.pendingLog.splice(0)
    if (entries.length === 0) return
    const { db, store } = this.options
    await db.transaction(async (tx) => {
      for (const entry of entries) await store.log(tx, entry)
    })
  }

  /** A new person joins every site's default group. */
  async employeeAdded(employee: EmployeeRecord): Promise<void> {
    if (!isRoutable(employee)) return
    await this.catalog.joinDefaults(employee.id)
    await this.reload()
  }

  /** Deactivated: out of routing at once, their conversations back to their queues. */
  employeeDeactivated(employeeId: string): void {
    this.statuses.remove(employeeId)
    this.apply(this.router.removeOperator(employeeId))
    this.memberships.delete(employeeId)
  }

  /** The groups an operator is a member of. */
  /** The operator's open conversations now. */
  load(operatorId: string): number {
    return this.router.load(operatorId)
  }

  groupsOf(operatorId: string): ReadonlySet<string> {
    return this.memberships.get(operatorId) ?? new Set()
  }

  /**
   * Whether the viewer may see a conversation: every one with `conversations:read_all`; their
   * groups' with `read_group`; otherwise those assigned to them and the waiting ones of their
   * groups (a conversation with no group yet is the whole team's).
   */
  canSee(viewer: Viewer, audience: Audience): boolean {
    if (viewer.permissions.has('conversations:read_all')) return true
    if (audience.operatorId === viewer.id || audience.previousOperatorId === viewer.id) return true
    const inGroup = audience.groupId === null || this.groupsOf(viewer.id).has(audience.groupId)
    if (!inGroup) return false
    return viewer.permissions.has('conversations:read_group') || audience.operatorId === null
  }

  /** The same rule as `canSee`, as a scope a query applies (no live previous operator). */
  scopeOf(viewer: Viewer): VisibilityScope {
    if (viewer.permissions.has('conversations:read_all')) return { all: true }
    return {
      operatorId: viewer.id,
      groups: [...this.groupsOf(viewer.id)],
      wholeGroups: viewer.permissions.has('conversations:read_group'),
    }
  }

  /** `canSee` for a summary. */
  canSeeConversation(viewer: Viewer, conversation: ConversationSummary): boolean {
    return this.canSee(viewer, {
      groupId: conversation.group ?? null,
      operatorId: conversation.operator?.id ?? null,
    })
  }

  /** The visitor's place in the queue of each of their waiting conversations. */
  queueFrames(conversationIds: readonly string[]): QueueFrame[] {
    const now = this.options.now()
    return conversationIds.flatMap((id) => {
      const view = this.router.conversation(id)
      const position = this.router.position(id)
      if (!view || position === null) return []
      return [this.queueFrame(id, view.groupId, position, now)]
    })
  }

  /** Each group now: its open chats, its queue and the longest wait in it (monitoring). */
  live(now: number): {
    groupId: string
    siteId: string
    name: string
    open: number
    waiting: number
    longestWaitMs: number | null
  }[] {
    const snapshot = this.router.snapshot()
    return snapshot.groups.flatMap(({ config, queue }) => {
      const group = this.groups.get(config.id)
      if (!group) return []
      const since = queue.flatMap((id) => this.waitingSince.get(id) ?? [])
      return [
        {
          groupId: group.id,
          siteId: group.siteId,
          name: group.name,
          open: snapshot.conversations.filter((c) => c.groupId === group.id).length,
          waiting: queue.length,
          longestWaitMs: since.length > 0 ? Math.max(0, now - Math.min(...since)) : null,
        },
      ]
    })
  }

  /** `<siteId>\n<visitorId>` of every visitor with an open chat routing holds. */
  chattingVisitors(): Set<string> {
    return new Set([...this.visitors.values()].map((v) => `${v.siteId}\n${v.visitorId}`))
  }

  // RoutingHooks: what the conversation service tells routing.

  /** The site's group with this id or name (any case); undefined when it has none. */
  findGroup(siteId: string, idOrName: string): string | undefined {
    const wanted = idOrName.toLowerCase()
    const ofSite = [...this.groups.values()].filter((g) => g.siteId === siteId)
    return (
      ofSite.find((g) => g.id === idOrName) ?? ofSite.find((g) => g.name.toLowerCase() === wanted)
    )?.id
  }

  groupFor(siteId: string, asked: string | undefined): string | undefined {
    const ofSite = [...this.groups.values()].filter((g) => g.siteId === siteId)
    if (asked) {
      const wanted = asked.toLowerCase()
      const group =
        ofSite.find((g) => g.id === asked) ?? ofSite.find((g) => g.name.toLowerCase() === wanted)
      if (group) return group.id
    }
    return ofSite.find((g) => g.isDefault)?.id
  }

  opened(conversation: ConversationSummary): void {
    this.enqueue(async () => {
      const groupId = await this.groupOf(conversation)
      if (conversation.kind !== 'chat') {
        // A callback or offline lead is not routed; it waits in its group for anyone there.
        if (conversation.group === groupId) return
        await this.options.db.transaction((tx) =>
          this.options.store.assign(tx, conversation.id, { groupId, operator: null }),
        )
        publishAll(this.options.bus, {
          publish: await this.options.conversations.announce(conversation.id),
        })
        return
      }
      const preferred = await this.options.store.lastOperatorOf(
        conversation.siteId,
        conversation.visitorId,
        conversation.id,
      )
      if (conversation.group === groupId) this.arrivedIn.set(conversation.id, groupId)
      this.visitors.set(conversation.id, {
        siteId: conversation.siteId,
        visitorId: conversation.visitorId,
      })
      const result = this.router.arrive({
        conversationId: conversation.id,
        groupId,
        preferredOperatorId: preferred,
      })
      if (result.ok) await this.execute(result.decisions)
    })
  }

  beforeReply(
    operatorId: string,
    conversation: ConversationSummary,
  ): 'take' | 'reply' | 'unrouted' {
    const view = this.router.conversation(conversation.id)
    if (!view) return 'unrouted'
    if (view.operatorId !== null) return 'reply'
    if (!this.groupsOf(operatorId).has(view.groupId)) return 'reply'
    this.apply(this.required(this.router.accept(conversation.id, operatorId)))
    return 'take'
  }

  replied(operatorId: string, conversationId: string): void {
    const result = this.router.answered(conversationId, operatorId)
    if (!result.ok) return
    this.clearTimer(conversationId)
    const at = this.options.now()
    this.enqueue(() =>
      this.options.db.transaction((tx) => this.options.store.markAnswered(tx, conversationId, at)),
    )
  }

  closed(conversationId: string): void {
    this.clearTimer(conversationId)
    this.waiting.delete(conversationId)
    this.waitingSince.delete(conversationId)
    this.visitors.delete(conversationId)
    this.toldPosition.delete(conversationId)
    this.arrivedIn.delete(conversationId)
    const result = this.router.close(conversationId)
    if (result.ok) this.apply(result.decisions)
  }

  // Operator frames.

  /** `accept`: the operator takes a waiting conversation. */
  async accept(actor: OperatorActor, conversationId: string, cid: string): Promise<Outcome> {
    const done = this.apply(this.required(this.router.accept(conversationId, actor.id)))
    await done
    return {
      ack: { t: 'ack', cid, id: conversationId, conversationId, at: this.options.now() },
      publish: [],
    }
  }

  /** `transfer`: to an operator or a group, with the visitor told who has it now. */
  async transfer(actor: OperatorActor, viewer: Viewer, frame: TransferFrame): Promise<Outcome> {
    const { conversations, employees, store, db, now } = this.options
    const conversation = await conversations.get(frame.conversationId)
    if (!conversation || !this.canSeeConversation(viewer, conversation)) {
      throw relayError('conversation_not_found')
    }
    if (conversation.status === 'closed') throw relayError('conversation_closed')
    const mine = conversation.operator?.id === actor.id
    if (!mine && !viewer.permissions.has('conversations:read_group')) {
      throw relayError('forbidden', 'You can transfer only the conversations you have')
    }
    const to: { operatorId?: string; groupId?: string } = frame.to
    // Only a group of the conversation's own site: another site's group would hand the
    // conversation (and its history) to people who have nothing to do with it.
    if (to.groupId !== undefined && this.groups.get(to.groupId)?.siteId !== conversation.siteId) {
      throw relayError('group_not_found')
    }
    const target = to.operatorId !== undefined ? await employees.get(to.operatorId) : undefined
    if (to.operatorId !== undefined && (!target || !isRoutable(target))) {
      throw relayError('employee_not_found')
    }
    const decisions = this.required(this.router.transfer(frame.conversationId, frame.to))
    const data: SystemEventData = { type: 'transferred' }
    if (target) {
      data.operatorId = target.id
      data.operator = target.name
    }
    if (to.groupId !== undefined) data.group = this.groups.get(to.groupId)!.name
    if (conversation.operator) {
      data.fromId = conversation.operator.id
      data.from = conversation.operator.name
    }
    await this.flushLog()
    const appended = await db.transaction(async (tx) => {
      const appended = await conversations.append(tx, {
        id: randomId('e'),
        cid: frame.cid,
        authorKey: `operator:${actor.id}`,
        author: { kind: 'system' },
        kind: 'system',
        text: '',
        data: data as Record<string, string>,
        at: now(),
        target: { conversationId: frame.conversationId },
        newConversationId: randomId('c'),
      })
      await store.log(tx, {
        conversationId: frame.conversationId,
        type: 'transferred',
        byId: actor.id,
        ...(to.groupId !== undefined && { groupId: to.groupId }),
        ...(to.operatorId !== undefined && { operatorId: to.operatorId }),
        ...(frame.note !== undefined && { note: frame.note }),
        at: now(),
      })
      return appended
    })
    const outcome = await conversations.outcome(frame.cid, appended)
    await this.apply(decisions)
    return outcome
  }

  /** Stops the timers (shutdown). */
  async close(): Promise<void> {
    this.statuses.close()
    for (const timer of this.timers.values()) this.options.timers.clearTimeout(timer)
    this.timers.clear()
    await this.chain
    await this.flushLog()
  }

  // Carrying out decisions.

  private required(result: Result): Decision[] {
    if (!result.ok) throw relayError(REFUSALS[result.code])
    return result.decisions
  }

  /** Hears every change of an operator's status (analytics keeps time online from it). */
  onStatus(listener: (operatorId: string, status: OperatorStatus) => void): void {
    this.statusListeners.push(listener)
  }

  private statusChanged(operatorId: string, status: OperatorStatus): void {
    for (const listener of this.statusListeners) listener(operatorId, status)
    this.options.bus.publish(operatorTopic(operatorId), { frame: { t: 'status', status } })
    this.apply(this.router.setStatus(operatorId, status))
  }

  /** Carries out decisions after those already under way; resolves when these are done. */
  private apply(decisions: Decision[]): Promise<void> {
    if (decisions.length === 0) return this.chain
    return this.enqueue(() => this.execute(decisions))
  }

  private enqueue(work: () => Promise<unknown>): Promise<void> {
    const next = this.chain.then(work).then(
      () => undefined,
      (err) => this.options.log.error({ err }, 'routing decision failed'),
    )
    this.chain = next
    return next
  }

  private async execute(decisions: Decision[]): Promise<void> {
    const { db, store, employees, conversations, bus, now } = this.options
    /**
     * Conversation → the operator an `unassigned` just took it from. The decision that
     * follows for it (`assigned` to another, `queued`) publishes the summary to that operator
     * too: otherwise the last word they had would be the one in between, and their list
     * would show it waiting (or theirs) until a reload.
     */
    const takenFrom = new Map<string, string>()
    for (const [i, d] of decisions.entries()) {
      const at = now()
      switch (d.type) {
        case 'assigned': {
          // Lines waiting to be written come first: the log keeps the decisions' order.
          await this.flushLog()
          this.arrivedIn.delete(d.conversationId)
          const employee = await employees.get(d.operatorId)
          const operator = { id: d.operatorId, name: employee?.name ?? '' }
          await db.transaction(async (tx) => {
            await store.assign(tx, d.conversationId, { groupId: d.groupId, operator })
            await conversations.record(tx, {
              kind: 'assigned',
              conversationId: d.conversationId,
              operator,
            })
            await store.log(tx, {
              conversationId: d.conversationId,
              type: 'assigned',
              reason: d.reason,
              groupId: d.groupId,
              operatorId: d.operatorId,
              at,
            })
          })
          this.waitingSince.delete(d.conversationId)
          if (this.waiting.delete(d.conversationId)) {
            this.waits.departed(d.groupId, at)
            this.sendQueue(d.conversationId, null)
          }
          this.clearTimer(d.conversationId)
          if (d.noAnswerMs > 0 && d.reason !== 'accepted') {
            this.startTimer(d.conversationId, d.operatorId, d.noAnswerMs)
          }
          publishAll(bus, {
            publish: await conversations.announce(
              d.conversationId,
              takenFrom.get(d.conversationId),
            ),
          })
          takenFrom.delete(d.conversationId)
          break
        }
        case 'unassigned': {
          this.clearTimer(d.conversationId)
          await this.unassign(this.router.conversation(d.conversationId)?.groupId, {
            conversationId: d.conversationId,
            type: 'unassigned',
            reason: d.reason,
            operatorId: d.operatorId,
            at,
          })
          if (announcesLater(decisions, i, d.conversationId)) {
            takenFrom.set(d.conversationId, d.operatorId)
            break
          }
          publishAll(bus, { publish: await conversations.announce(d.conversationId, d.operatorId) })
          break
        }
        case 'queued': {
          this.waiting.add(d.conversationId)
          if (!this.waitingSince.has(d.conversationId)) this.waitingSince.set(d.conversationId, at)
          const entry = {
            conversationId: d.conversationId,
            type: 'queued' as const,
            reason: d.wait,
            groupId: d.groupId,
            at,
          }
          const previous = takenFrom.get(d.conversationId)
          takenFrom.delete(d.conversationId)
          if (
            d.reason === 'routed' &&
            !previous &&
            this.arrivedIn.get(d.conversationId) === d.groupId
          ) {
            // A new chat that waits where it was created: its stored summary (group, no
            // operator) is already what everyone was told, so only the log gains a line,
            // written with others in one transaction rather than one fsync per arrival.
            this.logSoon(entry)
            break
          }
          await this.unassign(d.groupId, entry)
          publishAll(bus, { publish: await conversations.announce(d.conversationId, previous) })
          break
        }
        case 'offline_form': {
          // The widget turns to its offline form when told nobody can answer: for this
          // conversation's group, nobody can.
          const visitor = this.visitors.get(d.conversationId)
          if (visitor) {
            bus.publish(visitorTopic(visitor.siteId, visitor.visitorId), {
              frame: { t: 'presence', operatorsOnline: 0, available: false },
            })
          }
          this.waiting.delete(d.conversationId)
          this.waitingSince.delete(d.conversationId)
          this.visitors.delete(d.conversationId)
          await this.unassign(d.groupId, {
            conversationId: d.conversationId,
            type: 'offline_form',
            reason: d.reason,
            groupId: d.groupId,
            at,
          })
          break
        }
        case 'positions':
          // Only the places that changed: one arrival at the back tells one visitor, not all
          // of those before them (a long queue would cost a frame per waiting visitor each time).
          d.queue.forEach((conversationId, i) => {
            if (this.toldPosition.get(conversationId) === i + 1) return
            this.sendQueue(conversationId, this.queueFrame(conversationId, d.groupId, i + 1, at))
          })
          break
      }
    }
  }

  /**
   * Files the conversation in `groupId` with no operator (unless the router no longer holds
   * it: `groupId` undefined) and logs why, in one transaction after the lines waiting.
   */
  private async unassign(groupId: string | undefined, entry: RoutingLogEntry): Promise<void> {
    const { db, store } = this.options
    await this.flushLog()
    await db.transaction(async (tx) => {
      if (groupId) await store.assign(tx, entry.conversationId, { groupId, operator: null })
      await store.log(tx, entry)
    })
  }

  private queueFrame(
    conversationId: string,
    groupId: string,
    position: number,
    now: number,
  ): QueueFrame {
    const waitSeconds = this.waits.estimate(groupId, position, now)
    return { t: 'queue', conversationId, position, waitSeconds }
  }

  private sendQueue(conversationId: string, frame: QueueFrame | null): void {
    const visitor = this.visitors.get(conversationId)
    if (!visitor) return
    if (frame?.position) this.toldPosition.set(conversationId, frame.position)
    else this.toldPosition.delete(conversationId)
    this.options.bus.publish(visitorTopic(visitor.siteId, visitor.visitorId), {
      frame: frame ?? { t: 'queue', conversationId, position: null, waitSeconds: null },
    })
  }

  private startTimer(conversationId: string, operatorId: string, ms: number): void {
    const handle = this.options.timers.setTimeout(() => {
      this.timers.delete(conversationId)
      const result = this.router.noAnswer(conversationId, operatorId)
      if (result.ok) this.apply(result.decisions)
    }, ms)
    this.timers.set(conversationId, handle)
  }

  private clearTimer(conversationId: string): void {
    const handle = this.timers.get(conversationId)
    if (handle === undefined) return
    this.options.timers.clearTimeout(handle)
    this.timers.delete(conversationId)
  }

  /** `groupFor`, creating the site's default group when the site is new to routing. */
  private async groupOf(conversation: ConversationSummary): Promise<string> {
    const known = this.groupFor(conversation.siteId, conversation.group)
    if (known) return known
    const fallback = await this.defaultGroup(conversation.siteId)
    await this.reload()
    return fallback.id
  }
}

/**
 * Whether a decision after `index` for the conversation publishes its summary (`assigned`,
 * `queued`); an `offline_form` does not, so the `unassigned` before it announces itself.
 */
function announcesLater(decisions: readonly Decision[], index: number, conversationId: string) {
  const next = decisions
    .slice(index + 1)
    .find((d) => 'conversationId' in d && d.conversationId === conversationId)
  return next?.type === 'assigned' || next?.type === 'queued'
}

function toConfig(group: GroupRecord, withFallback: boolean) {
  return {
    id: group.id,
    strategy: group.strategy,
    capacity: group.capacity,
    noAnswerMs: group.noAnswerSeconds * 1000,
    fallbackGroupId: withFallback ? group.fallbackGroupId : null,
    whenNobodyOnline:
      !withFallback && group.whenNobodyOnline === 'fallback' ? 'queue' : group.whenNobodyOnline,
  }
}
