import type { AuditEntry, ConsentEntry, Retention } from '@parley/protocol'

/** The rows of the privacy tables as both engines read them, and what they become. */
export interface ConsentRow {
  id: string
  site_id: string
  visitor_id: string
  agreement_version: string
  form: ConsentEntry['form']
  ip: string | null
  at: number
  withdrawn_at: number | null
  withdrawn_by: 'visitor' | 'admin' | null
  erased: number
}

export function toConsent(row: ConsentRow): ConsentEntry {
  return {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    agreementVersion: row.agreement_version,
    form: row.form,
    at: row.at,
    ip: row.ip,
    withdrawnAt: row.withdrawn_at,
    withdrawnBy: row.withdrawn_by,
    erased: row.erased === 1,
  }
}

export interface AuditRow {
  id: string
  at: number
  actor_id: string | null
  actor_name: string | null
  action: AuditEntry['action']
  site_id: string | null
  subject: string | null
  reason: string | null
  details: string
}

export function toAudit(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    siteId: row.site_id,
    subject: row.subject,
    reason: row.reason,
    details: JSON.parse(row.details) as Record<string, unknown>,
  }
}

export interface RetentionRow {
  site_id: string
  conversations_days: number | null
  visitors_days: number | null
  engagements_days: number | null
}

export function toRetention(row: RetentionRow): Retention {
  return {
    conversationsDays: row.conversations_days,
    visitorsDays: row.visitors_days,
    engagementsDays: row.engagements_days,
  }
}
