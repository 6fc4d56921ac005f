import type {
  ConversationEvent,
  ConversationSummary,
  Cursor,
  EventFrame,
  ReadFrame,
  SystemEventData,
  TypingFrame,
} from '@parley/protocol'
import type { Outcome, Publication } from '../../infra/bus/outcome.ts'
import { OPERATORS_TOPIC, visitorTopic } from '../../infra/bus/topics.ts'
import type { Audience, BusMessage } from '../../infra/bus/types.ts'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import {
  type Actor,
  authorKey,
  authorOf,
  type OperatorActor,
  toAck,
  toEventFrame,
  type VisitorActor,
} from './actor.ts'
import type { AttachmentClaims } from './attachment-claims.ts'
import type { EventSink, RelayFact } from './event-sink.ts'
import type { OpeningPlan, OpeningPolicy } from './opening.ts'
import type { RoutingHooks } from './routing-hooks.ts'
import type {
  AppendInput,
  AppendResult,
  ConversationPageQuery,
  ConversationStore,
  LeadPatch,
  MessagePageQuery,
} from './store.ts'
import { describeSummaries, forVisitor, type SummarySources } from './summaries.ts'

/** A `send` as the service takes it; `attachmentId` (operators): a file they uploaded. */
export interface SendFrame {
  cid: string
  conversationId?: string
  text: string
  scenarioId?: string
  attachmentId?: string
}

export interface ConversationServiceOptions {
  db: UnitOfWork
  store: ConversationStore
  summaries: SummarySources
  /** Attribution and routing of conversations a visitor opens. */
  opening?: OpeningPolicy
  now: () => number
  /** Most events replayed per conversation at once. */
  replayLimit: number
  /** Most open conversations one visitor may have; past it, `too_many_conversations`. */
  maxOpenPerVisitor: number
}

/** How many conversations a visitor's `welcome` and replay cover. */
const VISITOR_CONVERSATIONS = 200

/**
 * The conversation service: authorise → persist in one transaction → return what to ack and
 * publish. Callers pass frames already checked against the protocol schema and deliver the
 * returned `Outcome`.
 */
export class ConversationService {
  private routing: RoutingHooks | undefined
  private attachments: AttachmentClaims | undefined
  private readonly sinks: EventSink[] = []
  /** Tells every sink, in the order they were added. */
  private readonly events: EventSink = {
    record: async (tx, fact) => {
      for (const sink of this.sinks) await sink.record(tx, fact)
    },
  }

  constructor(private readonly options: ConversationServiceOptions) {}

  /**
   * Lets an outbox (webhooks, channels) hear what is stored, in the same transaction (their
   * plugins call it); each sink added hears every fact.
   */
  useEvents(sink: EventSink): void {
    this.sinks.push(sink)
  }

  /**
   * Tells the event sink of a fact stored in `tx` (appends are told by `append` itself;
   * routing and the visitor forms tell theirs).
   */
  record(tx: Tx, fact: RelayFact): Promise<void> {
    return this.events.record(tx, fact)
  }

  /** Lets an operator's message carry a file they uploaded (the attachments plugin calls it). */
  useAttachments(claims: AttachmentClaims): void {
    this.attachments = claims
  }

  /** Lets routing hear of new, answered and closed conversations (the routing plugin calls it). */
  useRouting(hooks: RoutingHooks): void {
    this.routing = hooks
  }

  /**
   * Stores a message; its ack, then its event (and a new or assigned summary). A repeated
   * cid is answered with the first ack: the store catches it while appending, and a refusal
   * (the conversation closed since) looks the cid up before it is sent.
   */
  async send(actor: Actor, frame: SendFrame): Promise<Outcome> {
    try {
      return await this.sendOnce(actor, frame)
    } catch (error) {
      const earlier = await this.options.store.findEventByCid(authorKey(actor), frame.cid)
      if (earlier) return { ack: toAck(frame.cid, earlier), publish: [] }
      throw error
    }
  }

  private async sendOnce(actor: Actor, frame: SendFrame): Promise<Outcome> {
    const key = authorKey(actor)
    const attachmentId = frame.attachmentId
    if (attachmentId !== undefined && (actor.kind !== 'operator' || !this.attachments)) {
      throw relayError('attachment_not_found')
    }
    let target: AppendInput['target']
    let plan: OpeningPlan | undefined
    // Routing assigns a routed conversation; an unrouted one goes to the first operator who answers.
    let assign = actor.kind === 'operator'
    /** A visitor's conversation is checked inside the transaction: one commit, no read before. */
    let checkInside = false
    if (frame.conversationId !== undefined) {
      if (actor.kind === 'operator') {
        // Routing may take the conversation for this operator first (its own writes).
        const conversation = await this.authorise(actor, frame.conversationId)
        if (conversation.status === 'closed') throw relayError('conversation_closed')
        if (this.routing) assign = this.routing.beforeReply(actor.id, conversation) === 'unrouted'
      } else {
        checkInside = true
      }
      target = { conversationId: frame.conversationId }
    } else if (actor.kind === 'visitor') {
      // The visitor's open chat, or a new one.
      target = { open: { siteId: actor.siteId, visitorId: actor.visitorId, page: actor.page } }
      plan = await this.plan(actor, frame.scenarioId, { invitation: true })
    } else {
      throw relayError('bad_frame', 'conversationId is required')
    }
    const input: AppendInput = {
      id: randomId('e'),
      cid: frame.cid,
      authorKey: key,
      author: authorOf(actor),
      kind: 'message',
      text: frame.text,
      at: this.options.now(),
      target,
      newConversationId: randomId('c'),
      assign: assign && actor.kind === 'operator' ? { id: actor.id, name: actor.name } : undefined,
    }
    const result = await this.options.db.transaction(async (tx) => {
      if (checkInside) {
        const conversation = await this.authorise(actor, frame.conversationId!, tx)
        if (conversation.status === 'closed') throw relayError('conversation_closed')
      }
      if (attachmentId !== undefined) {
        input.data = await this.attachments!.claim(tx, {
          attachmentId,
          conversationId: frame.conversationId!,
          eventId: input.id,
        })
      }
      const appended = await this.append(tx, input, plan, actor)
      // A repeated cid stored nothing: the claim goes back with this transaction.
      if (appended.duplicate && attachmentId !== undefined) throw relayError('attachment_not_found')
      return appended
    })
    if (!result.duplicate && actor.kind === 'operator') {
      this.routing?.replied(actor.id, result.conversation.id)
    }
    return this.outcome(frame.cid, result)
  }

  /**
   * Closes a conversation with a `closed` system event (who closed it) and its tags, in one
   * transaction; acked like `send`.
   */
  async close(
    actor: OperatorActor,
    frame: { cid: string; conversationId: string; tags?: readonly string[] },
  ) {
    const key = authorKey(actor)
    const earlier = await this.options.store.findEventByCid(key, frame.cid)
    if (earlier) return { ack: toAck(frame.cid, earlier), publish: [] }
    const conversation = await this.authorise(actor, frame.conversationId)
    if (conversation.status === 'closed') throw relayError('conversation_closed')
    const closed: SystemEventData = {
      type: 'closed',
      operatorId: actor.id,
      operator: actor.name,
    }
    const tags = normaliseTags(frame.tags ?? [])
    const at = this.options.now()
    const result = await this.options.db.transaction(async (tx) => {
      // Tags first: the summary the close publishes is described after the commit, with them.
      if (tags.length > 0) await this.options.store.setTags(tx, frame.conversationId, tags, at)
      return this.append(tx, {
        id: randomId('e'),
        cid: frame.cid,
        authorKey: key,
        author: { kind: 'system' },
        kind: 'system',
        text: '',
        data: closed,
        at,
        target: { conversationId: frame.conversationId },
        newConversationId: randomId('c'),
        close: true,
      })
    })
    if (!result.duplicate) this.routing?.closed(frame.conversationId)
    return this.outcome(frame.cid, result)
  }

  /** Stores how far the actor has read; the other participants are told. */
  async read(actor: Actor, frame: ReadFrame, origin: string): Promise<Outcome> {
    const conversation = await this.authorise(actor, frame.conversationId)
    const seq = await this.options.db.transaction((tx) =>
      this.options.store.markRead(
        tx,
        conversation.id,
        authorKey(actor),
        Math.min(frame.seq, conversation.lastSeq),
        this.options.now(),
      ),
    )
    return {
      publish: toBoth(conversation, {
        frame: { t: 'read', conversationId: conversation.id, seq, author: authorOf(actor) },
        origin,
      }),
    }
  }

  /** A typing indicator for the other side; nothing is stored. */
  async typing(actor: Actor, frame: TypingFrame, origin: string): Promise<Outcome> {
    const conversation = await this.authorise(actor, frame.conversationId)
    const message: BusMessage = {
      frame: {
        t: 'typing',
        conversationId: conversation.id,
        typing: frame.typing,
        author: authorOf(actor),
      },
      origin,
    }
    if (actor.kind === 'visitor') {
      return { publish: toBoth(conversation, message).filter((p) => p.topic === OPERATORS_TOPIC) }
    }
    return { publish: toBoth(conversation, message) }
  }

  /** One conversation as stored, whoever asks (callers check visibility). */
  get(conversationId: string, tx?: Tx): Promise<ConversationSummary | undefined> {
    return this.options.store.get(conversationId, tx)
  }

  /** Whether the conversation's visitor has read its event `eventId` (on the site's widget). */
  visitorHasRead(conversation: ConversationSummary, eventId: string): Promise<boolean> {
    const { siteId, visitorId } = conversation
    return this.options.store.hasRead(authorKey({ kind: 'visitor', siteId, visitorId }), eventId)
  }

  /** The visitor's recent conversations, newest first. */
  async visitorConversations(siteId: string, visitorId: string): Promise<ConversationSummary[]> {
    return this.describe(
      await this.options.store.listForVisitor(siteId, visitorId, VISITOR_CONVERSATIONS),
    )
  }

  /** The visitor's recent conversations as the visitor may see them (no lead, no tags). */
  async visitorView(siteId: string, visitorId: string): Promise<ConversationSummary[]> {
    return (await this.visitorConversations(siteId, visitorId)).map(forVisitor)
  }

  /**
   * Sets a callback's or offline lead's status and assignee (an active person of the team);
   * the summary goes to the operators who may see it, never to the visitor.
   * `conversation_not_found` for a conversation the actor may not see, `not_a_lead` for a
   * chat, `employee_not_found` for an unknown, inactive or bot assignee.
   */
  async setLead(actor: OperatorActor, conversationId: string, patch: LeadPatch) {
    const conversation = await this.authorise(actor, conversationId)
    if ((conversation.kind ?? 'chat') === 'chat') throw relayError('not_a_lead')
    if (patch.assigneeId) {
      const [person] = await this.options.summaries.employees([patch.assigneeId])
      if (!person?.active || person.kind !== 'human') {
        throw relayError('employee_not_found')
      }
    }
    const stored = await this.options.db.transaction((tx) =>
      this.options.store.setLead(tx, conversationId, patch, this.options.now()),
    )
    if (!stored) throw relayError('conversation_not_found')
    const [summary] = await this.describe([stored])
    const publish: Publication[] = [
      {
        topic: OPERATORS_TOPIC,
        message: {
          frame: { t: 'conversation', conversation: summary! },
          audience: { groupId: summary!.group ?? null, operatorId: summary!.operator?.id ?? null },
        },
      },
    ]
    return { conversation: summary!, publish }
  }

  /** The conversations the operator may see, most recently updated first. */
  async list(viewer: OperatorActor, limit: number): Promise<ConversationSummary[]> {
    // Read past `limit` so a narrow view still fills its page from recent activity.
    const recent = await this.options.store.list(limit * 5)
    const visible = recent.filter((c) => this.visibleTo(viewer, c)).slice(0, limit)
    return this.describe(visible)
  }

  /**
   * Conversations by (updatedAt, id), described; no visibility check, so callers filter with
   * `visibleTo` (the integration lists).
   */
  async page(query: ConversationPageQuery): Promise<ConversationSummary[]> {
    return this.describe(await this.options.store.page(query))
  }

  /** Messages by (at, id) across conversations; callers filter by visibility. */
  messagePage(query: MessagePageQuery): Promise<ConversationEvent[]> {
    return this.options.store.messagePage(query)
  }

  /** The form a callback or offline conversation starts with. */
  firstForm(conversationId: string): Promise<ConversationEvent | undefined> {
    return this.options.store.firstForm(conversationId)
  }

  /** Whether an operator may see the conversation (routing decides; without it, all). */
  visibleTo(viewer: OperatorActor, conversation: ConversationSummary): boolean {
    return this.routing?.canSeeConversation(viewer, conversation) ?? true
  }

  /** One conversation with its events after `after` (operators: any conversation). */
  async history(
    actor: Actor,
    conversationId: string,
    after: number,
    limit: number,
  ): Promise<{ conversation: ConversationSummary; events: ConversationEvent[] }> {
    const conversation = await this.authorise(actor, conversationId)
    const [described] = await this.describe([conversation])
    return {
      conversation: described!,
      events: await this.options.store.eventsAfter(conversationId, after, limit),
    }
  }

  /**
   * Emits events after the cursor, per conversation in `seq` order, at most
   * `replayLimit` each. A visitor's conversations missing from the cursor replay
   * their latest events (a fresh client starts its log at the first one); cursor
   * entries the actor may not see are skipped without a trace. With `skipAhead`
   * (after `hello`) a conversation more than `replayLimit` events behind replays its
   * latest events too; without it (`sync`: the client is filling a gap) the next page.
   */
  async replay(
    actor: Actor,
    cursor: Cursor,
    emit: (frame: EventFrame) => void,
    { skipAhead = false } = {},
  ): Promise<void> {
    const { store, replayLimit } = this.options
    let targets: { conversation: ConversationSummary; after: number | undefined }[]
    if (actor.kind === 'visitor') {
      const mine = await store.listForVisitor(actor.siteId, actor.visitorId, VISITOR_CONVERSATIONS)
      targets = mine.map((conversation) => ({
        conversation,
        after: Object.hasOwn(cursor, conversation.id) ? cursor[conversation.id]! : undefined,
      }))
    } else {
      targets = []
      for (const [id, after] of Object.entries(cursor)) {
        const conversation = await store.get(id)
        if (conversation && this.visibleTo(actor, conversation)) {
          targets.push({ conversation, after })
        }
      }
    }
    targets.sort((a, b) => a.conversation.updatedAt - b.conversation.updatedAt)
    for (const { conversation, after } of targets) {
      if (after !== undefined && after >= conversation.lastSeq) continue
      const latest =
        after === undefined || (skipAhead && conversation.lastSeq - after > replayLimit)
      const events = latest
        ? await store.latestEvents(conversation.id, replayLimit)
        : await store.eventsAfter(conversation.id, after, replayLimit)
      for (const event of events) emit(toEventFrame(event))
    }
  }

  /** The conversation if the actor may see it; `conversation_not_found` otherwise. */
  async authorise(actor: Actor, conversationId: string, tx?: Tx): Promise<ConversationSummary> {
    const conversation = await this.options.store.get(conversationId, tx)
    const visible =
      conversation &&
      (actor.kind === 'operator'
        ? this.visibleTo(actor, conversation)
        : conversation.siteId === actor.siteId && conversation.visitorId === actor.visitorId)
    if (!visible) throw relayError('conversation_not_found')
    return conversation
  }

  /** The event the author stored under `cid`, if any. */
  findEventByCid(actor: Actor, cid: string, tx?: Tx): Promise<ConversationEvent | undefined> {
    return this.options.store.findEventByCid(authorKey(actor), cid, tx)
  }

  /** What a conversation a visitor's frame may open starts with (the opening policy). */
  async plan(
    actor: VisitorActor,
    scenarioId: string | undefined,
    options: { invitation?: boolean } = {},
  ): Promise<OpeningPlan | undefined> {
    return this.options.opening?.plan(actor, scenarioId, options)
  }

  /**
   * Appends inside the caller's transaction. A visitor's append that would open a
   * conversation past the cap is refused (`too_many_conversations`); one that creates the
   * conversation writes the plan's conversion in the same transaction.
   */
  async append(
    tx: Tx,
    input: AppendInput,
    plan?: OpeningPlan,
    opener?: Actor,
  ): Promise<AppendResult> {
    const { store, opening, maxOpenPerVisitor } = this.options
    if (opener?.kind === 'visitor' && !('conversationId' in input.target)) {
      const open = await store.countOpen(opener.siteId, opener.visitorId, tx)
      const intoOpenChat = 'open' in input.target && open.chat > 0
      if (open.total >= maxOpenPerVisitor && !intoOpenChat) {
        throw relayError('too_many_conversations')
      }
    }
    // The plan's opening, or the one the caller gave (a messenger chat: its channel and group).
    let start = plan?.opening ?? input.opening
    const target = input.target
    const siteId =
      'open' in target ? target.open.siteId : 'create' in target ? target.create.siteId : undefined
    const group = siteId && this.routing?.groupFor(siteId, start?.group)
    if (group) start = { ...start, group }
    const result = await store.append(tx, start ? { ...input, opening: start } : input)
    if (result.created && plan && opening) await opening.opened(tx, plan, result.conversation)
    if (!result.duplicate) await this.events.record(tx, { kind: 'appended', input, result })
    return result
  }

  /** The ack of an append and what to publish: its events, and its summary if that changed. */
  async outcome(cid: string, result: AppendResult): Promise<Outcome> {
    const outcome: Outcome = { ack: toAck(cid, result.event), publish: [] }
    if (result.duplicate) return outcome
    if (result.created) this.routing?.opened(result.conversation)
    if (result.summaryChanged) {
      const [summary] = await this.describe([result.conversation])
      outcome.publish.push(
        ...toBoth(summary!, { frame: { t: 'conversation', conversation: summary! } }),
      )
    }
    for (const event of [...(result.preface ?? []), result.event]) {
      outcome.publish.push(...toBoth(result.conversation, { frame: toEventFrame(event) }))
    }
    return outcome
  }

  /** Announces the visitor's open conversations again (their contact changed). */
  async refreshVisitor(siteId: string, visitorId: string): Promise<Publication[]> {
    const publish: Publication[] = []
    for (const conversation of await this.visitorConversations(siteId, visitorId)) {
      if (conversation.status === 'open') {
        publish.push(...toBoth(conversation, { frame: { t: 'conversation', conversation } }))
      }
    }
    return publish
  }

  /** The conversation's current summary for its visitor and the operators who may see it. */
  async announce(conversationId: string, previousOperatorId?: string): Promise<Publication[]> {
    const stored = await this.options.store.get(conversationId)
    if (!stored) return []
    const [summary] = await this.describe([stored])
    return toBoth(
      summary!,
      { frame: { t: 'conversation', conversation: summary! } },
      previousOperatorId,
    )
  }

  /** Summaries as stored, with the operator's card and the visitor's contact (search hits). */
  describe(summaries: ConversationSummary[]): Promise<ConversationSummary[]> {
    return describeSummaries(this.options.summaries, summaries)
  }
}

/** Tags as stored: trimmed, inner spaces collapsed, lower case, distinct, empty ones dropped. */
export function normaliseTags(tags: readonly string[]): string[] {
  const out = new Set<string>()
  for (const tag of tags) {
    const clean = tag.trim().replace(/\s+/g, ' ').toLowerCase()
    if (clean) out.add(clean)
  }
  return [...out]
}

/** The conversation's visitor, and the operators who may see it. */
export function toBoth(
  conversation: ConversationSummary,
  message: BusMessage,
  previousOperatorId?: string,
): Publication[] {
  const audience: Audience = {
    groupId: conversation.group ?? null,
    operatorId: conversation.operator?.id ?? null,
  }
  if (previousOperatorId) audience.previousOperatorId = previousOperatorId
  // The visitor's copy of a summary leaves out what only operators see.
  const { frame } = message
  const visitorMessage: BusMessage =
    frame.t === 'conversation'
      ? { ...message, frame: { ...frame, conversation: forVisitor(frame.conversation) } }
      : message
  return [
    { topic: visitorTopic(conversation.siteId, conversation.visitorId), message: visitorMessage },
    { topic: OPERATORS_TOPIC, message: { ...message, audience } },
  ]
}
