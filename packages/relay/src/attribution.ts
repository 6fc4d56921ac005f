import type {
  Ack,
  ConversationKind,
  ConversationSummary,
  EngageEvent,
  Scenario,
} from '@parley/protocol'
import { randomId } from './auth/tokens.ts'
import { relayError } from './errors.ts'
import type { ScenarioStore } from './scenarios/store.ts'

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

export interface AttributionOptions {
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
export class Attribution {
  constructor(private readonly options: AttributionOptions) {}

  /** Stores one event (`scenario_not_found` for an id the site does not have); dedup by cid. */
  async engage(source: EngageSource, input: EngageInput): Promise<{ id: string; at: number }> {
    const { store, now } = this.options
    if (!(await store.get(source.siteId, input.scenarioId))) throw relayError('scenario_not_found')
    const { record } = await store.recordEngagement({
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
    })
    return { id: record.id, at: record.at }
  }

  /** The `engage` frame: stores it and acks `{cid, id, at}`. */
  async engageFrame(
    source: EngageSource,
    frame: EngageInput & { cid: string },
    reply: (ack: Ack) => void,
  ): Promise<void> {
    const { id, at } = await this.engage(source, frame)
    reply({ t: 'ack', cid: frame.cid, id, at })
  }

  /**
   * A visitor started `conversation`: records the conversion of the scenario that brought it
   * (if any) and sets the conversation's group from the scenario's routing. Returns the
   * summary as it is now.
   */
  async started(
    visitor: { siteId: string; visitorId: string; page?: string },
    conversation: ConversationSummary,
    scenarioId?: string,
  ): Promise<ConversationSummary> {
    const scenario = await this.scenarioFor(visitor, scenarioId)
    if (!scenario) return conversation
    const { store, now } = this.options
    await store.recordEngagement({
      id: randomId('g'),
      siteId: visitor.siteId,
      visitorId: visitor.visitorId,
      scenarioId: scenario.id,
      event: 'conversion',
      page: visitor.page,
      at: now(),
      kind: (conversation.kind ?? 'chat') as ConversationKind,
      conversationId: conversation.id,
    })
    await store.setConversationGroup(conversation.id, scenario.routing.group)
    return { ...conversation, group: scenario.routing.group }
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
      if (event.event === 'click') return store.get(visitor.siteId, event.scenarioId)
      if (event.event === 'impression') impression ??= event.scenarioId
    }
    return impression === undefined ? undefined : store.get(visitor.siteId, impression)
  }
}
