import type {
  ConversationEvent,
  ConversationSummary,
  SubscribableEventType,
} from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { randomId } from '../../infra/ids.ts'
import type { RelayFact } from '../conversations/event-sink.ts'
import { leadCreatedData, leadOfConversation } from '../crm/lead-data.ts'
import type { VisitorContact } from '../visitors/store.ts'
import type { OutboxEvent } from './destination.ts'

/** An event to queue, with the key its deliveries are ordered by. */
export interface PendingEvent {
  event: OutboxEvent
  /** The conversation; for a visitor's events outside one, `visitor:<site>:<id>`. */
  orderingKey: string
}

export interface FactLookups {
  /** The conversation as stored, read inside the transaction. */
  conversation(id: string, tx: Tx): Promise<ConversationSummary | undefined>
  /** Whether an employee is a bot, read inside the transaction. */
  isBot(employeeId: string, tx: Tx): Promise<boolean>
  /** The visitor's profile contact, read inside the transaction. */
  contact(siteId: string, visitorId: string, tx: Tx): Promise<VisitorContact | undefined>
  /** The visitor's open chat, if any. */
  openChat(siteId: string, visitorId: string, tx: Tx): Promise<ConversationSummary | undefined>
  /** A conversation's events so far, in order (for a lead's transcript). */
  events(conversationId: string, tx: Tx): Promise<ConversationEvent[]>
  /** Where the console is reached (`RelayConfig.publicUrl`), for the lead's link. */
  publicUrl: string | undefined
}

/** A summary with the visitor's profile contact where the conversation has none of its own. */
function withContact(c: ConversationSummary, contact: VisitorContact | undefined) {
  const summary = { ...c }
  if (!summary.visitorName && contact?.name) summary.visitorName = contact.name
  if (!summary.visitorPhone && contact?.phone) summary.visitorPhone = contact.phone
  if (!summary.visitorEmail && contact?.email) summary.visitorEmail = contact.email
  return summary
}

/**
 * The `lead.created` data of a conversation that has become a lead (`LeadCreatedData`, the one
 * shape webhooks and the CRM connectors get); undefined when it carries none.
 */
function leadData(
  c: ConversationSummary,
  form: Record<string, string> | undefined,
  events: readonly ConversationEvent[],
  lookups: FactLookups,
): Record<string, unknown> | undefined {
  const lead = leadOfConversation(c, form)
  return lead && { ...leadCreatedData(lead, events, { publicUrl: lookups.publicUrl }) }
}

/** Whether a contact gives a way to reach the visitor. */
const reaches = (contact: VisitorContact | undefined) => !!(contact?.phone || contact?.email)

/** A conversation as a payload carries it: the stored summary without the list's preview. */
export function conversationPayload(summary: ConversationSummary): Record<string, unknown> {
  const { lastSeq: _seq, lastText: _text, ...rest } = summary
  return { kind: 'chat', ...rest }
}

/**
 * What a fact tells subscribers, in order. Only types somebody subscribes to (`wanted`) are
 * built, so a relay without endpoints does no work here.
 */
export async function eventsOf(
  tx: Tx,
  fact: RelayFact,
  wanted: ReadonlySet<SubscribableEventType>,
  lookups: FactLookups,
): Promise<PendingEvent[]> {
  const out: PendingEvent[] = []
  const add = (
    type: SubscribableEventType,
    at: number,
    siteId: string,
    conversationId: string | null,
    orderingKey: string,
    data: Record<string, unknown>,
  ) => {
    if (!wanted.has(type)) return
    out.push({
      orderingKey,
      event: { id: randomId('msg'), type, timestamp: at, conversationId, siteId, data },
    })
  }
  /**
   * The visitor gave a phone or email for the first time while a chat is open: that chat is a
   * lead now. (With no chat open, the chat they start next is one when it is created.)
   */
  const chatBecameLead = async (fact: Extract<RelayFact, { kind: 'contact' | 'identified' }>) => {
    if (!wanted.has('lead.created') || fact.reachableBefore || !reaches(fact.contact)) return
    const chat = await lookups.openChat(fact.siteId, fact.visitorId, tx)
    if (!chat) return
    const summary = withContact(chat, await lookups.contact(fact.siteId, fact.visitorId, tx))
    const lead = leadData(summary, undefined, await lookups.events(chat.id, tx), lookups)
    if (lead) add('lead.created', fact.at, chat.siteId, chat.id, chat.id, lead)
  }
  switch (fact.kind) {
    case 'appended': {
      const { input, result } = fact
      const c = result.conversation
      const conversation = conversationPayload(c)
      const at = input.at
      const inConversation = (type: SubscribableEventType, data: Record<string, unknown>) =>
        add(type, at, c.siteId, c.id, c.id, data)
      if (result.created) {
        inConversation('conversation.created', { conversation })
        if (wanted.has('lead.created')) {
          // A callback or offline form is a lead; a chat is one when the visitor can be reached
          // (a phone or email from the pre-chat form or `identify`, on their profile).
          const form =
            c.kind === 'callback' || c.kind === 'offline' ? (input.data ?? {}) : undefined
          // As the integration API describes it: the profile fills what the form did not give.
          const summary = withContact(c, await lookups.contact(c.siteId, c.visitorId, tx))
          const lead = leadData(summary, form, [...(result.preface ?? []), result.event], lookups)
          if (lead) inConversation('lead.created', lead)
        }
      }
      if (wanted.has('message.created')) {
        for (const event of [...(result.preface ?? []), result.event]) {
          if (event.kind !== 'message') continue
          let author: 'visitor' | 'operator' | 'bot' = 'visitor'
          if (event.author.kind === 'operator') {
            author =
              event.author.id && (await lookups.isBot(event.author.id, tx)) ? 'bot' : 'operator'
          } else if (event.author.kind !== 'visitor') continue
          inConversation('message.created', { author, message: event, conversation })
        }
      }
      const changed = result.summaryChanged && !result.created
      if (
        changed &&
        input.assign &&
        !input.close &&
        !input.rating &&
        c.operator?.id === input.assign.id
      ) {
        inConversation('conversation.assigned', { conversation, operator: input.assign })
        if (c.kind === 'callback') {
          inConversation('callback.status_changed', {
            conversation,
            status: 'in_progress',
            operator: input.assign,
          })
        }
      }
      if (input.close && c.status === 'closed' && result.summaryChanged) {
        const data = result.event.data ?? {}
        const closedBy = data.operatorId ? { id: data.operatorId, name: data.operator ?? '' } : null
        inConversation('conversation.closed', { conversation, closedBy })
        if (c.kind === 'callback') {
          inConversation('callback.status_changed', { conversation, status: 'done', closedBy })
        }
      }
      if (input.rating) {
        inConversation('rating.created', {
          conversation,
          rating: input.rating.rating,
          comment: input.rating.comment ?? null,
        })
      }
      break
    }
    case 'assigned': {
      if (!wanted.has('conversation.assigned') && !wanted.has('callback.status_changed')) break
      const c = await lookups.conversation(fact.conversationId, tx)
      if (!c) break
      const conversation = conversationPayload(c)
      const at = c.updatedAt
      add('conversation.assigned', at, c.siteId, c.id, c.id, {
        conversation,
        operator: fact.operator,
      })
      if (c.kind === 'callback') {
        add('callback.status_changed', at, c.siteId, c.id, c.id, {
          conversation,
          status: 'in_progress',
          operator: fact.operator,
        })
      }
      break
    }
    case 'identified':
      await chatBecameLead(fact)
      add(
        'visitor.identified',
        fact.at,
        fact.siteId,
        null,
        `visitor:${fact.siteId}:${fact.visitorId}`,
        {
          visitor: { siteId: fact.siteId, visitorId: fact.visitorId },
          userId: fact.userId,
          verified: fact.verified,
          contact: fact.contact,
        },
      )
      break
    case 'contact':
      await chatBecameLead(fact)
      break
  }
  return out
}
