import type { Ack, Author, ConversationEvent, EventFrame, Permission } from '@parley/protocol'

/** A visitor of one site, as its socket or HTTP request identifies it. */
export interface VisitorActor {
  kind: 'visitor'
  siteId: string
  visitorId: string
  page?: string
  /** Where the visitor connects from (stored with a consent). */
  ip?: string
  /** `hello.lang`: decides the default phone country of forms. */
  lang?: string
}

/** An employee acting in the console or through an API token. */
export interface OperatorActor {
  kind: 'operator'
  id: string
  name: string
  /** What they may do, and so which conversations they see (routing's `canSee`). */
  permissions: ReadonlySet<Permission>
}

/** Who is acting. */
export type Actor = VisitorActor | OperatorActor

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
