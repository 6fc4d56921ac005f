import type { ConversationEvent, Lead, LeadCreatedData } from '@parley/protocol'

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
