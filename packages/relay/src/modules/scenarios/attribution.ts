import {
  type Ack,
  type ConversationSummary,
  type EngageEvent,
  PROACTIVE_SCENARIO,
  type Scenario,
  type ScenarioAction,
  type SystemEventData,
} from '@parley/protocol'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import type { OpeningPlan, OpeningPolicy } from '../conversations/opening.ts'
import type { PrefaceEvent } from '../conversations/store.ts'
import type { ScenarioStore } from './store.ts'

/** A visit's session ends after this long without an engagement event. */
export const SESSION_GAP_MS = 30 * 60_000
/** How far back a conversion looks for the session's invitation at most. */
const LOOKBACK_MS = 24 * 60 * 60_000

/** Who sent an engagement event: a known visitor, or nobody yet (anonymous HTTP). */
export interface EngageSource {
  siteId: string
  visitorId?: string
  /** cid dedup key: `visitor:<site>:<id>` or `anonymous:<site>`. */
  authorKey: string
}

export interface EngageInput {
  cid?: string
  scenarioId: string
  event: EngageEvent
  page: string
  session?: string
}

/** Invitations operators sent (proactive chat): what a conversation answering one starts with. */
export interface InvitationSource {
  plan(
    visitor: { siteId: string; visitorId: string; page?: string },
    id: string,
    options: { invitation?: boolean },
  ): OpeningPlan | undefined
}

export interface AttributionOptions {
  db: UnitOfWork
  store: ScenarioStore
  now: () => number
}

/**
 * Impressions, clicks and dismissals of invitations, and the conversions they bring: a
 * conversation (chat, callback or offline) a visitor starts naming the scenario
 * (`scenarioId` on the frame), or within the session after an invitation — the latest click
 * of the session, else its latest impression; a session is a run of the visitor's events
 * with no gap above 30 minutes. The converted conversation is routed to the scenario's group.
 */
export class Attribution implements OpeningPolicy {
  private invitations: InvitationSource | undefined

  constructor(private readonly options: AttributionOptions) {}

  /** Lets a frame name an operator's invitation instead of a scenario (proactive chat). */
  useInvitations(source: InvitationSource): void {
    this.invitations = source
  }

  /**
   * An operator's invitation was sent to the visitor: an impression of `PROACTIVE_SCENARIO`,
   * so channel effectiveness shows invitations sent beside the conversations they opened.
   */
  async invited(visitor: { siteId: string; visitorId: string; at: number }): Promise<void> {
    const { db, store } = this.options
    await db.transaction((tx) =>
      store.recordEngagement(tx, {
        id: randomId('g'),
        ...visitor,
        scenarioId: PROACTIVE_SCENARIO,
        event: 'impression',
      }),
    )
  }

  /** Stores one event (`scenario_not_found` for an id the site does not have); dedup by cid. */
  async engage(source: EngageSource, input: EngageInput): Promise<{ id: string; at: number }> {
    const { db, store, now } = this.options
    if (!(await store.get(source.siteId, input.scenarioId))) throw relayError('scenario_not_found')
    const { record } = await db.transaction((tx) =>
      store.recordEngagement(tx, {
        id: randomId('g'),
        siteId: source.siteId,
        visitorId: source.visitorId,
        scenarioId: input.scenarioId,
        event: input.event,
        page: input.page,
        at: now(),
        session: input.session,
        authorKey: input.cid === undefined ? undefined : source.authorKey,
        cid: input.cid,
      }),
    )
    return { id: record.id, at: record.at }
  }

  /** The `engage` frame: stores it; its ack is `{cid, id, at}`. */
  async engageFrame(source: EngageSource, frame: EngageInput & { cid: string }): Promise<Ack> {
    const { id, at } = await this.engage(source, frame)
    return { t: 'ack', cid: frame.cid, id, at }
  }

  /**
   * What a conversation the visitor is about to open starts with, if a scenario brought it
   * (the `scenarioId` on the frame, else the session's latest click or impression): its
   * conversion and routing group and, with `invitation` when the frame names a scenario whose
   * action carries a message (`openChat`, `bubble`), that message as a `system` event before
   * the visitor's. The store writes it in the transaction that creates the conversation, and
   * ignores it when the frame lands in an open one.
   */
  async plan(
    visitor: { siteId: string; visitorId: string; page?: string },
    scenarioId: string | undefined,
    options: { invitation?: boolean } = {},
  ): Promise<OpeningPlan | undefined> {
    const invited =
      scenarioId === undefined ? undefined : this.invitations?.plan(visitor, scenarioId, options)
    if (invited) return invited
    const scenario = await this.scenarioFor(visitor, scenarioId)
    if (!scenario) return undefined
    const plan: OpeningPlan = {
      opening: { group: scenario.routing.group },
      conversion: { id: randomId('g'), scenarioId: scenario.id, page: visitor.page },
    }
    const { action } = scenario
    if (
      options.invitation &&
      scenario.id === scenarioId &&
      (action.type === 'openChat' || action.type === 'bubble')
    ) {
      plan.opening.preface = [invitationEvent(scenario, action)]
    }
    return plan
  }

  /** The conversion, in the transaction that created the conversation. */
  async opened(tx: Tx, plan: OpeningPlan, conversation: ConversationSummary): Promise<void> {
    if (!plan.conversion) return
    await this.options.store.recordEngagement(tx, {
      id: plan.conversion.id,
      siteId: conversation.siteId,
      visitorId: conversation.visitorId,
      scenarioId: plan.conversion.scenarioId,
      event: 'conversion',
      page: plan.conversion.page,
      at: conversation.createdAt,
      kind: conversation.kind ?? 'chat',
      conversationId: conversation.id,
    })
  }

  /** The scenario a conversation was opened from (id and name), if any still exists. */
  async engagedBy(
    siteId: string,
    conversationId: string,
  ): Promise<{ id: string; name?: string } | undefined> {
    const id = await this.options.store.conversionFor(conversationId)
    if (id === undefined) return undefined
    const scenario = await this.options.store.get(siteId, id)
    return scenario ? { id, name: scenario.name } : { id }
  }

  private async scenarioFor(
    visitor: { siteId: string; visitorId: string },
    scenarioId: string | undefined,
  ): Promise<Scenario | undefined> {
    const { store, now } = this.options
    if (scenarioId !== undefined) {
      const named = await store.get(visitor.siteId, scenarioId)
      if (named) return named
    }
    const at = now()
    const events = await store.visitorEngagements(
      visitor.siteId,
      visitor.visitorId,
      at - LOOKBACK_MS,
    )
    let cursor = at
    let impression: string | undefined
    for (const event of events) {
      if (cursor - event.at > SESSION_GAP_MS) break
      cursor = event.at
      // Invitations before a conversion have done their work.
      if (event.event === 'conversion') break
      // An operator's invitation is answered by naming it, never by the session.
      if (event.scenarioId === PROACTIVE_SCENARIO) continue
      if (event.event === 'click') return store.get(visitor.siteId, event.scenarioId)
      if (event.event === 'impression') impression ??= event.scenarioId
    }
    return impression === undefined ? undefined : store.get(visitor.siteId, impression)
  }
}

/**
 * The invitation the visitor answered, as it showed to them: its message and operator
 * profile, and the scenario by id. The scenario's name is internal and this event reaches
 * the visitor too, so it names the scenario nowhere.
 */
export function invitationEvent(
  scenario: Scenario,
  action: Extract<ScenarioAction, { message: string }>,
): PrefaceEvent {
  const data: SystemEventData = {
    type: 'invitation',
    scenarioId: scenario.id,
    message: action.message,
  }
  if (action.operator) data.operator = action.operator.name
  if (action.operator?.position) data.position = action.operator.position
  return {
    id: randomId('e'),
    author: { kind: 'system' },
    kind: 'system',
    text: '',
    data,
  }
}
