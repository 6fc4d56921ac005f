import type { ConversationSummary, SubscribableEventType } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { randomId } from '../../infra/ids.ts'
import type { RelayFact } from '../conversations/event-sink.ts'
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
}

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
        if (c.kind === 'callback' || c.kind === 'offline') {
          const contact = 'create' in input.target ? (input.target.create.contact ?? {}) : {}
          inConversation('lead.created', {
            source: c.kind,
            conversation,
            visitor: { siteId: c.siteId, visitorId: c.visitorId },
            contact,
            fields: input.data ?? {},
          })
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
      add('lead.created', fact.at, fact.siteId, null, `visitor:${fact.siteId}:${fact.visitorId}`, {
        source: 'chat',
        conversation: null,
        visitor: { siteId: fact.siteId, visitorId: fact.visitorId },
        contact: fact.contact,
        fields: {},
      })
      break
  }
  return out
}
