import type { ConversationSummary } from '@parley/protocol'
import type { EmployeeRecord } from '../employees/store.ts'
import type { VisitorContact } from '../visitors/store.ts'

export interface SummarySources {
  /** The employees with these ids. */
  employees(ids: readonly string[]): Promise<EmployeeRecord[]>
  /** The profile contact of these visitors of one site. */
  contacts(siteId: string, visitorIds: readonly string[]): Promise<Map<string, VisitorContact>>
}

/**
 * Completes stored summaries with what other modules own: the operator's current card
 * (name, position, photo) and the visitor's profile contact where no form gave one.
 */
export async function describeSummaries(
  sources: SummarySources,
  summaries: ConversationSummary[],
): Promise<ConversationSummary[]> {
  if (summaries.length === 0) return summaries
  const operatorIds = [...new Set(summaries.flatMap((s) => (s.operator ? [s.operator.id] : [])))]
  const cards = new Map((await sources.employees(operatorIds)).map((e) => [e.id, e]))
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
