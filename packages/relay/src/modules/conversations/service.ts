import type {
  Ack,
  Author,
  ConversationEvent,
  ConversationSummary,
  Cursor,
  EventFrame,
  ReadFrame,
  TypingFrame,
} from '@parley/protocol'
import { OPERATORS_TOPIC, visitorTopic } from '../../infra/bus/topics.ts'
import type { Bus, BusMessage } from '../../infra/bus/types.ts'
import { relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import type { AppendResult, AppendTarget, ConversationOpening, Store } from '../../store/types.ts'

/** Who is acting: a visitor of one site, or an employee. */
export type Actor =
  | {
      kind: 'visitor'
      siteId: string
      visitorId: string
      page?: string
      /** Where the visitor connects from (stored with a consent). */
      ip?: string
      /** `hello.lang`: decides the default phone country of forms. */
      lang?: string
    }
  | { kind: 'operator'; id: string; name: string }

export interface ConversationsOptions {
  store: Store
  bus: Bus
  now: () => number
  /** Most events replayed per conversation at once. */
  replayLimit: number
  /**
   * Asked before a visitor's frame that may open a conversation is stored (attribution and
   * routing): what the conversation starts with if the frame creates it, written in the
   * same transaction. `invitation`: a chat message may be preceded by the invitation it answers.
   */
  opening?: (
    visitor: Actor & { kind: 'visitor' },
    scenarioId: string | undefined,
    options: { invitation?: boolean },
  ) => Promise<ConversationOpening | undefined>
}

/** How many conversations a visitor's `welcome` and replay cover. */
const VISITOR_CONVERSATIONS = 200

/** Who may not repeat a cid. */
export function authorKey(actor: Actor): string {
  return actor.kind === 'visitor'
    ? `visitor:${actor.siteId}:${actor.visitorId}`
    : `operator:${actor.id}`
}

/** Who may not repeat a cid when nobody is known yet (HTTP without a visitor token). */
export function anonymousKey(siteId: string): string {
  return `anonymous:${siteId}`
}

export function authorOf(actor: Actor): Author {
  return actor.kind === 'visitor'
    ? { kind: 'visitor', id: actor.visitorId }
    : { kind: 'operator', id: actor.id, name: actor.name }
}

/** The ack of a frame that appended `event`. */
export function toAck(cid: string, event: ConversationEvent): Ack {
  return {
    t: 'ack',
    cid,
    id: event.id,
    conversationId: event.conversationId,
    seq: event.seq,
    at: event.at,
  }
}

/** An event as a wire frame. */
export function toEventFrame(event: ConversationEvent): EventFrame {
  return { t: 'event', ...event }
}

/**
 * The conversation service: validate → authorise → persist → publish. Gateways
 * call it with frames already checked against the protocol schema.
 */
export class Conversations {
  private readonly inflight = new Set<Promise<unknown>>()

  constructor(private readonly options: ConversationsOptions) {}

  /** Stores a message and acks it (via `reply`) before publishing the event. */
  send(
    actor: Actor,
    frame: { cid: string; conversationId?: string; text: string; scenarioId?: string },
    reply: (ack: Ack) => void,
  ): Promise<void> {
    return this.track(async () => {
      const { store } = this.options
      const key = authorKey(actor)
      const earlier = await store.findEventByCid(key, frame.cid)
      if (earlier) return reply(toAck(frame.cid, earlier))
      let target: AppendTarget
      let opening: ConversationOpening | undefined
      if (frame.conversationId !== undefined) {
        const conversation = await this.authorise(actor, frame.conversationId)
        if (conversation.status === 'closed') throw relayError('conversation_closed')
        target = { conversationId: frame.conversationId }
      } else if (actor.kind === 'visitor') {
        // The visitor's open conversation, or a new one.
        target = { open: { siteId: actor.siteId, visitorId: actor.visitorId, page: actor.page } }
        opening = await this.opening(actor, frame.scenarioId, { invitation: true })
      } else {
        throw relayError('bad_frame', 'conversationId is required')
      }
      const result = await store.appendEvent({
        id: randomId('e'),
        cid: frame.cid,
        authorKey: key,
        author: authorOf(actor),
        kind: 'message',
        text: frame.text,
        at: this.options.now(),
        target,
        newConversationId: randomId('c'),
        assign: actor.kind === 'operator' ? { id: actor.id, name: actor.name } : undefined,
        opening,
      })
      reply(toAck(frame.cid, result.event))
      if (result.duplicate) return
      if (result.summaryChanged) this.publishConversation(result.conversation)
      this.publishEvents(result)
    })
  }

  /** Closes a conversation with a system event; acked like `send`. */
  close(
    actor: Actor & { kind: 'operator' },
    frame: { cid: string; conversationId: string },
    reply: (ack: Ack) => void,
  ): Promise<void> {
    return this.track(async () => {
      const { store } = this.options
      const key = authorKey(actor)
      const earlier = await store.findEventByCid(key, frame.cid)
      if (earlier) return reply(toAck(frame.cid, earlier))
      const conversation = await this.authorise(actor, frame.conversationId)
      if (conversation.status === 'closed') throw relayError('conversation_closed')
      const result = await store.appendEvent({
        id: randomId('e'),
        cid: frame.cid,
        authorKey: key,
        author: { kind: 'system' },
        kind: 'system',
        text: `Conversation closed by ${actor.name}`,
        at: this.options.now(),
        target: { conversationId: frame.conversationId },
        newConversationId: randomId('c'),
        close: true,
      })
      reply(toAck(frame.cid, result.event))
      if (result.duplicate) return
      this.publishConversation(result.conversation)
      this.publishEvents(result)
    })
  }

  /** Stores how far the actor has read and tells the other participants. */
  read(actor: Actor, frame: ReadFrame, origin: string): Promise<void> {
    return this.track(async () => {
      const conversation = await this.authorise(actor, frame.conversationId)
      const seq = await this.options.store.markRead(
        conversation.id,
        authorKey(actor),
        Math.min(frame.seq, conversation.lastSeq),
        this.options.now(),
      )
      this.publishToBoth(conversation, {
        frame: { t: 'read', conversationId: conversation.id, seq, author: authorOf(actor) },
        origin,
      })
    })
  }

  /** Relays a typing indicator to the other side; nothing is stored. */
  typing(actor: Actor, frame: TypingFrame, origin: string): Promise<void> {
    return this.track(async () => {
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
      if (actor.kind === 'visitor') this.options.bus.publish(OPERATORS_TOPIC, message)
      else this.publishToBoth(conversation, message)
    })
  }

  /** The visitor's recent conversations, newest first. */
  visitorConversations(siteId: string, visitorId: string): Promise<ConversationSummary[]> {
    return this.options.store.listVisitorConversations(siteId, visitorId, VISITOR_CONVERSATIONS)
  }

  /**
   * Emits events after the cursor, per conversation in `seq` order, at most
   * `replayLimit` each. A visitor's conversations missing from the cursor replay
   * their latest events (a fresh client starts its log at the first one); cursor
   * entries the actor may not see are skipped without a trace. With `skipAhead`
   * (after `hello`) a conversation more than `replayLimit` events behind replays its
   * latest events too; without it (`sync`: the client is filling a gap) the next page.
   */
  replay(
    actor: Actor,
    cursor: Cursor,
    emit: (frame: EventFrame) => void,
    { skipAhead = false } = {},
  ): Promise<void> {
    return this.track(async () => {
      const { store, replayLimit } = this.options
      let targets: { conversation: ConversationSummary; after: number | undefined }[]
      if (actor.kind === 'visitor') {
        const mine = await this.visitorConversations(actor.siteId, actor.visitorId)
        targets = mine.map((conversation) => ({
          conversation,
          after: Object.hasOwn(cursor, conversation.id) ? cursor[conversation.id]! : undefined,
        }))
      } else {
        targets = []
        for (const [id, after] of Object.entries(cursor)) {
          const conversation = await store.getConversation(id)
          if (conversation) targets.push({ conversation, after })
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
    })
  }

  /** The conversation if the actor may see it; `conversation_not_found` otherwise. */
  async authorise(actor: Actor, conversationId: string): Promise<ConversationSummary> {
    const conversation = await this.options.store.getConversation(conversationId)
    const visible =
      conversation &&
      (actor.kind === 'operator' ||
        (conversation.siteId === actor.siteId && conversation.visitorId === actor.visitorId))
    if (!visible) throw relayError('conversation_not_found')
    return conversation
  }

  /** What a conversation a visitor's frame may open starts with (`options.opening`). */
  async opening(
    actor: Actor,
    scenarioId: string | undefined,
    options: { invitation?: boolean } = {},
  ): Promise<ConversationOpening | undefined> {
    const { opening } = this.options
    if (!opening || actor.kind !== 'visitor') return undefined
    return opening(actor, scenarioId, options)
  }

  /** Publishes an append's events (its preface first) to the visitor and every operator. */
  publishEvents(result: AppendResult): void {
    for (const event of [...(result.preface ?? []), result.event]) {
      this.publishToBoth(result.conversation, { frame: toEventFrame(event) })
    }
  }

  /** Resolves when every operation started so far has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
  }

  /** Announces a changed summary to the visitor's sockets and every operator. */
  publishConversation(conversation: ConversationSummary): void {
    this.publishToBoth(conversation, { frame: { t: 'conversation', conversation } })
  }

  /** Publishes to the conversation's visitor and to every operator. */
  publishToBoth(conversation: ConversationSummary, message: BusMessage): void {
    const { bus } = this.options
    bus.publish(visitorTopic(conversation.siteId, conversation.visitorId), message)
    bus.publish(OPERATORS_TOPIC, message)
  }

  /** Runs an operation that `idle()` waits for (graceful shutdown). */
  track<T>(run: () => Promise<T>): Promise<T> {
    const promise = run()
    this.inflight.add(promise)
    const forget = () => this.inflight.delete(promise)
    promise.then(forget, forget)
    return promise
  }
}
