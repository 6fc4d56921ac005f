import type { LeadCreatedData, WebhookEventType } from '@parley/protocol'
import type { OutboxEvent } from '../webhooks/destination.ts'

let serial = 0

/** A `lead.created` outbox event as the webhooks outbox will hand it over. */
export function leadEvent(
  data: Partial<LeadCreatedData> = {},
  type: WebhookEventType = 'lead.created',
): OutboxEvent {
  serial++
  const conversationId = data.conversationId ?? `c${serial}`
  const lead: LeadCreatedData = {
    kind: 'callback',
    conversationId,
    siteId: 'shop',
    visitorId: `v${serial}`,
    name: 'Anna',
    phone: '+79161234567',
    message: 'After six, please',
    when: 'asap',
    page: 'https://shop.example/red-kettle',
    consoleUrl: `https://chat.shop.example/console/#conversation=${conversationId}`,
    transcript: `[12:00] Anna: Callback request ${serial}`,
    ...data,
  }
  return {
    id: `evt_${serial}`,
    type,
    timestamp: 1_700_000_000_000 + serial,
    conversationId,
    siteId: 'shop',
    data: lead,
  }
}

/** A signal that never aborts. */
export const NEVER = new AbortController().signal
