import {
  type InvitationFrame,
  type InvitationOperator,
  type InviteVisitorReply,
  type InviteVisitorRequest,
  type Permission,
  PROACTIVE_SCENARIO,
  type SystemEventData,
} from '@parley/protocol'
import { INVITATIONS_TOPIC, invitationRepliesTopic, visitorTopic } from '../../infra/bus/topics.ts'
import type { Bus, BusMessage } from '../../infra/bus/types.ts'
import { relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import type { Timers } from '../../infra/ws/frame-socket.ts'
import type { OpeningPlan } from '../conversations/opening.ts'
import type { ConversationService } from '../conversations/service.ts'
import type { EmployeeService } from '../employees/service.ts'
import type { RoutingService } from '../routing/service.ts'
import type { Attribution } from '../scenarios/attribution.ts'
import type { SiteService } from '../sites/service.ts'
import type { LiveVisitors } from './live.ts'

/** A visitor may answer an invitation this long after it was sent (a visit's gap). */
export const INVITATION_TTL_MS = 30 * 60_000
/** The most invitations a relay holds; the oldest go first. */
export const MAX_PENDING_INVITATIONS = 10_000
/** How long a relay waits for another relay to say it holds the visitor's socket. */
export const ONLINE_REPLY_MS = 1000

/** Who invites: an employee with `visitors:invite`. */
export interface Inviter {
  id: string
  permissions: ReadonlySet<Permission>
}

interface Pending {
  siteId: string
  visitorId: string
  /** The inviter's group on the site, where the conversation is routed ('' : the site's default). */
  groupId: string
  message: string
  operator: InvitationOperator
  at: number
}

export interface InvitationsOptions {
  bus: Bus
  live: LiveVisitors
  employees: EmployeeService
  sites: SiteService
  routing: RoutingService
  conversations: ConversationService
  attribution: Attribution
  now: () => number
  timers: Timers
  /** Other relays may hold the visitor's socket (they share a bus through Redis). */
  otherRelays: boolean
}

/**
 * Proactive chat: a supervisor (or admin) invites a visitor on a site now. The invitation goes
 * on the bus to every relay, which holds it for `INVITATION_TTL_MS`, and as an `invitation`
 * frame to the visitor's sockets wherever they are. The visitor's first message names the
 * invitation (`scenarioId`), and the opening policy (`Attribution.plan`) asks `plan` here:
 * the conversation opens with the invitation as its first event, in the inviter's group on the
 * site (routing picks who takes it there: the inviter, when they are online and free, and the
 * group's only one or its turn), and counts as `PROACTIVE_SCENARIO`.
 */
export class ProactiveInvitations {
  private readonly pending = new Map<string, Pending>()
  /** Invitations this relay sent that wait for another relay's "I hold the socket". */
  private readonly waiting = new Map<string, () => void>()
  private readonly relayId = randomId('r')
  private readonly offs: (() => void)[]

  constructor(private readonly options: InvitationsOptions) {
    const { bus } = options
    this.offs = [
      bus.subscribe(INVITATIONS_TOPIC, (message) => this.heard(message)),
      bus.subscribe(invitationRepliesTopic(this.relayId), ({ frame }) => {
        if (frame.t === 'invitation') this.waiting.get(frame.id)?.()
      }),
    ]
  }

  /**
   * Sends the visitor `message` as the inviter's: `site_not_found`, `forbidden` (a site none
   * of the inviter's groups serve, without `conversations:read_all`), `text_empty`,
   * `employee_not_found`, `visitor_chatting` (an open chat already), `visitor_offline` (no
   * widget of theirs connected: the privacy default lets only those be reached).
   */
  async invite(inviter: Inviter, request: InviteVisitorRequest): Promise<InviteVisitorReply> {
    const { sites, employees, conversations, bus, live, now } = this.options
    const { siteId, visitorId } = request
    if (!(await sites.get(siteId))) throw relayError('site_not_found')
    const groupId = await this.groupOn(inviter.id, siteId)
    if (!inviter.permissions.has('conversations:read_all') && !groupId) {
      throw relayError('forbidden', 'You invite visitors of the sites your groups serve only')
    }
    const text = request.message.trim()
    if (!text) throw relayError('text_empty')
    const employee = await employees.get(inviter.id)
    if (!employee) throw relayError('employee_not_found')
    const theirs = await conversations.visitorConversations(siteId, visitorId)
    if (theirs.some((c) => c.status === 'open' && (c.kind ?? 'chat') === 'chat')) {
      throw relayError('visitor_chatting')
    }
    const operator: InvitationOperator = { name: employee.name }
    if (employee.position) operator.position = employee.position
    if (employee.photoUrl && /^(https?:)?\/\//.test(employee.photoUrl)) {
      operator.photoUrl = employee.photoUrl
    }
    const at = now()
    const frame: InvitationFrame = { t: 'invitation', id: randomId('i'), message: text, operator }
    // Asked before the publish: with an in-process bus another relay answers at once.
    const online = live.isConnected(siteId, visitorId)
      ? Promise.resolve(true)
      : this.whenOnline(frame.id)
    bus.publish(INVITATIONS_TOPIC, {
      frame,
      note: { siteId, visitorId, groupId: groupId ?? '', at, relay: this.relayId },
    })
    if (!(await online)) {
      this.pending.delete(frame.id)
      throw relayError('visitor_offline')
    }
    bus.publish(visitorTopic(siteId, visitorId), { frame })
    await this.options.attribution.invited({ siteId, visitorId, at })
    return { id: frame.id, at }
  }

  /**
   * What a conversation opened by the visitor's frame naming `id` starts with, if `id` is an
   * invitation sent to this visitor (and not too long ago): the routing group, the invitation
   * as its first event (with `invitation`, for a chat message) and the proactive conversion.
   */
  plan(
    visitor: { siteId: string; visitorId: string; page?: string },
    id: string,
    options: { invitation?: boolean },
  ): OpeningPlan | undefined {
    const held = this.pending.get(id)
    if (
      !held ||
      held.siteId !== visitor.siteId ||
      held.visitorId !== visitor.visitorId ||
      this.options.now() - held.at > INVITATION_TTL_MS
    ) {
      return undefined
    }
    const plan: OpeningPlan = {
      opening: {},
      conversion: { id: randomId('g'), scenarioId: PROACTIVE_SCENARIO, page: visitor.page },
    }
    if (held.groupId) plan.opening.group = held.groupId
    if (options.invitation) {
      const data: SystemEventData = {
        type: 'invitation',
        scenarioId: PROACTIVE_SCENARIO,
        message: held.message,
        operator: held.operator.name,
      }
      if (held.operator.position) data.position = held.operator.position
      plan.opening.preface = [
        { id: randomId('e'), author: { kind: 'system' }, kind: 'system', text: '', data },
      ]
    }
    return plan
  }

  close(): void {
    for (const off of this.offs.splice(0)) off()
    for (const done of this.waiting.values()) done()
  }

  /**
   * The employee's group on the site (routing's memberships): one of their own teams before the
   * site's default group, which everyone joins; the earliest id of those first.
   */
  private async groupOn(employeeId: string, siteId: string): Promise<string | undefined> {
    const { routing } = this.options
    const groups = await Promise.all(
      [...routing.groupsOf(employeeId)].map((g) => routing.catalog.get(g)),
    )
    const mine = groups
      .filter((g) => g !== undefined && g.siteId === siteId)
      .sort((a, b) => Number(a!.isDefault) - Number(b!.isDefault) || (a!.id < b!.id ? -1 : 1))
    return mine[0]?.id
  }

  /** Resolves true when another relay says it holds the visitor's socket, false after a while. */
  private whenOnline(id: string): Promise<boolean> {
    if (!this.options.otherRelays) return Promise.resolve(false)
    const { timers } = this.options
    return new Promise((resolve) => {
      const timer = timers.setTimeout(() => finish(false), ONLINE_REPLY_MS)
      const finish = (online: boolean) => {
        timers.clearTimeout(timer)
        this.waiting.delete(id)
        resolve(online)
      }
      this.waiting.set(id, () => finish(true))
    })
  }

  /** Every relay holds each invitation; one holding the visitor's socket tells the sender. */
  private heard({ frame, note }: BusMessage): void {
    if (frame.t !== 'invitation' || !note) return
    const { siteId, visitorId, groupId, at, relay } = note
    if (typeof siteId !== 'string' || typeof visitorId !== 'string') return
    if (typeof groupId !== 'string' || typeof at !== 'number') return
    this.hold(frame.id, {
      siteId,
      visitorId,
      groupId,
      message: frame.message,
      operator: frame.operator,
      at,
    })
    if (relay !== this.relayId && typeof relay === 'string') {
      if (this.options.live.isConnected(siteId, visitorId)) {
        this.options.bus.publish(invitationRepliesTopic(relay), { frame })
      }
    }
  }

  private hold(id: string, pending: Pending): void {
    const { now } = this.options
    for (const [key, held] of this.pending) {
      if (now() - held.at <= INVITATION_TTL_MS && this.pending.size < MAX_PENDING_INVITATIONS) {
        break
      }
      this.pending.delete(key)
    }
    this.pending.set(id, pending)
  }
}
