import type { ConversationSummary } from '@parley/protocol'
import type { EmployeeRecord } from '../employees/store.ts'
import type { VisitorContact } from '../visitors/store.ts'

export interface SummarySources {
  /** The employees with these ids. */
  employees(ids: readonly string[]): Promise<EmployeeRecord[]>
  /** The profile contact of these visitors of one site. */
  contacts(siteId: string, visitorIds: readonly string[]): Promise<Map<string, VisitorContact>>
  /** The tags of those of these conversations that have any. */
  tags(conversationIds: readonly string[]): Promise<Map<string, string[]>>
}

/**
 * Completes stored summaries with what other modules own: the operator's current card
 * (name, position, photo), a lead's assignee's name, the visitor's profile contact where no
 * form gave one, and the conversation's tags.
 */
export async function describeSummaries(
  sources: SummarySources,
  summaries: ConversationSummary[],
): Promise<ConversationSummary[]> {
  if (summaries.length === 0) return summaries
  const operatorIds = [
    ...new Set(
      summaries.flatMap((s) => [
        ...(s.operator ? [s.operator.id] : []),
        ...(s.lead?.assignee ? [s.lead.assignee.id] : []),
      ]),
    ),
  ]
  const [people, tags] = await Promise.all([
    sources.employees(operatorIds),
    sources.tags(summaries.map((s) => s.id)),
  ])
  const cards = new Map(people.map((e) => [e.id, e]))
  const bySite = new Map<string, string[]>()
  for (const s of summaries) {
    if (s.visitorName && s.visitorPhone && s.visitorEmail) continue
    const ids = bySite.get(s.siteId) ?? []
    ids.push(s.visitorId)
    bySite.set(s.siteId, ids)
  }
  const contacts = new Map<string, VisitorContact>()
  for (const [siteId, ids] of bySite) {
    for (const [id, contact] of await sources.contacts(siteId, [...new Set(ids)])) {
      contacts.set(`${siteId}\n${id}`, contact)
    }
  }
  return summaries.map((stored) => {
    const summary = { ...stored }
    if (stored.operator) {
      const card = cards.get(stored.operator.id)
      const operator: NonNullable<ConversationSummary['operator']> = {
        id: stored.operator.id,
        name: card?.name ?? stored.operator.name,
      }
      if (card?.position) operator.position = card.position
      if (card?.photoUrl) operator.photoUrl = card.photoUrl
      summary.operator = operator
    }
    if (stored.lead) {
      const assignee = stored.lead.assignee
      summary.lead = { status: stored.lead.status }
      if (assignee)
        summary.lead.assignee = {
          id: assignee.id,
          name: cards.get(assignee.id)?.name ?? assignee.name,
        }
    }
    const tagged = tags.get(stored.id)
    if (tagged) summary.tags = tagged
    const contact = contacts.get(`${stored.siteId}\n${stored.visitorId}`)
    if (contact) {
      const name = stored.visitorName ?? contact.name
      const phone = stored.visitorPhone ?? contact.phone
      const email = stored.visitorEmail ?? contact.email
      if (name) summary.visitorName = name
      if (phone) summary.visitorPhone = phone
      if (email) summary.visitorEmail = email
    }
    return summary
  })
}

/** What a visitor may see of a summary: everything but the operators' own notes (lead, tags). */
export function forVisitor(summary: ConversationSummary): ConversationSummary {
  if (!summary.lead && !summary.tags) return summary
  const { lead: _lead, tags: _tags, ...visible } = summary
  return visible
}
