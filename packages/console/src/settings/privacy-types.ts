/**
 * The privacy REST shapes as the console reads them (`/v1/privacy/…`). Kept here until the
 * relay's privacy module lands its schemas in `@parley/protocol`.
 */
export interface Subject {
  visitorId: string
  siteId: string
  name: string | null
  email: string | null
  phone: string | null
  firstSeenAt: number | null
  lastSeenAt: number | null
  conversations: number
  consents: number
}

export interface ConsentRecord {
  id: string
  siteId: string
  visitorId: string
  agreementVersion: string
  form: 'callback' | 'offline' | 'prechat'
  at: number
  ip: string | null
  withdrawnAt: number | null
  withdrawnBy: 'visitor' | 'admin' | null
  erased: boolean
}

export interface AuditEntry {
  id: string
  at: number
  actorId: string | null
  actorName: string | null
  action: 'export' | 'erase' | 'retention' | 'withdraw' | 'settings'
  siteId: string | null
  subject: string | null
  reason: string | null
  details: Record<string, unknown>
}

export interface Retention {
  conversationsDays: number | null
  visitorsDays: number | null
  engagementsDays: number | null
}

export interface ErasureReply {
  erasedAt: number
  counts: Record<string, number>
}
