import type {
  ConversationEvent,
  ConversationSummary,
  Lead,
  LeadCreatedData,
} from '@parley/protocol'

/** `2026-12-02 14:05 UTC`: transcripts are read in a CRM, by people in any time zone. */
function stamp(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/**
 * A conversation as plain text for a CRM, one line per message or form
 * (`[2026-12-02 14:05 UTC] Anna: Hello`); system events (closed, rated, transfers) are left out.
 */
export function transcriptOf(
  events: readonly ConversationEvent[],
  visitorName = 'Visitor',
): string {
  return events
    .filter((event) => event.kind === 'message' || event.kind === 'form')
    .map((event) => {
      const who =
        event.author.kind === 'visitor'
          ? visitorName
          : (event.author.name ?? (event.author.kind === 'operator' ? 'Operator' : 'Parley'))
      const text = event.kind === 'form' ? `(form) ${event.text}` : event.text
      return `[${stamp(event.at)}] ${who}: ${text}`
    })
    .join('\n')
}

/** Where the console shows a conversation: `<publicUrl>/console/#conversation=<id>`. */
export function consoleUrlOf(publicUrl: string | undefined, conversationId: string): string {
  return `${publicUrl ?? ''}/console/#conversation=${encodeURIComponent(conversationId)}`
}

/**
 * The lead a conversation carries, if any: a callback or offline conversation (its first form's
 * `data`, else the summary's contact), or a chat whose summary has a phone or email. What the
 * integration API lists and what `lead.created` tells come from here.
 */
export function leadOfConversation(
  c: ConversationSummary,
  form: Record<string, string> | undefined,
): Lead | undefined {
  const base = {
    id: c.id,
    siteId: c.siteId,
    visitorId: c.visitorId,
    status: c.status,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ...(c.page !== undefined && { page: c.page }),
  }
  const kind = c.kind ?? 'chat'
  if (kind === 'chat') {
    if (!c.visitorPhone && !c.visitorEmail) return undefined
    return {
      ...base,
      kind: 'chat-contact',
      ...(c.visitorName && { name: c.visitorName }),
      ...(c.visitorPhone && { phone: c.visitorPhone }),
      ...(c.visitorEmail && { email: c.visitorEmail }),
    }
  }
  const data = form ?? {}
  const name = data.name ?? c.visitorName
  const phone = data.phone ?? c.visitorPhone
  const email = data.email ?? c.visitorEmail
  const message = kind === 'offline' ? data.text : data.comment
  return {
    ...base,
    kind,
    ...(name && { name }),
    ...(phone && { phone }),
    ...(email && { email }),
    ...(message && { message }),
    ...(data.when && { when: data.when }),
  }
}

/**
 * The `data` of a `lead.created` outbox event, from the lead as the integration API lists it
 * (`IntegrationService.leadOf`) and the conversation's events so far.
 */
export function leadCreatedData(
  lead: Lead,
  events: readonly ConversationEvent[],
  options: { publicUrl: string | undefined },
): LeadCreatedData {
  const data: LeadCreatedData = {
    kind: lead.kind,
    conversationId: lead.id,
    siteId: lead.siteId,
    visitorId: lead.visitorId,
    consoleUrl: consoleUrlOf(options.publicUrl, lead.id),
    transcript: transcriptOf(events, lead.name),
  }
  for (const key of ['name', 'phone', 'email', 'message', 'when', 'page'] as const) {
    if (lead[key] !== undefined) data[key] = lead[key]
  }
  return data
}

/**
 * The lead "Send a test lead" files in a CRM: marked as a test, with an email (so Bitrix24 finds
 * the earlier test lead and updates it instead of making another).
 */
export function sampleLead(now: number, publicUrl: string | undefined): LeadCreatedData {
  return {
    kind: 'offline',
    conversationId: 'parley-test',
    siteId: 'parley-test',
    visitorId: 'parley-test',
    name: 'Parley test lead',
    email: 'test-lead@parley.invalid',
    message: 'A test lead sent from Parley settings: the connection works. You may delete it.',
    consoleUrl: `${publicUrl ?? ''}/console/#settings/crm`,
    transcript: `[${stamp(now)}] Parley: A test lead`,
  }
}
