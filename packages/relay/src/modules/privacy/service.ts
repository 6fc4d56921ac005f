import type {
  Ack,
  AuditPage,
  ConsentEntry,
  ConsentPage,
  ConsentQuery,
  Erasure,
  Retention,
  Subject,
  SubjectExport,
} from '@parley/protocol'
import { OPERATORS_TOPIC } from '../../infra/bus/topics.ts'
import type { Bus } from '../../infra/bus/types.ts'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import type { SocketRegistry } from '../../infra/ws/socket-registry.ts'
import type { ConversationService } from '../conversations/service.ts'
import { renderAgreement } from '../sites/agreement.ts'
import type { SiteRecord } from '../sites/store.ts'
import type { VisitorProfiles } from '../visitors/profiles.ts'
import { rowCounts, shapeExport } from './export-shape.ts'
import { contactKeys, decodeCursor, encodeCursor } from './queries.ts'
import type { ConsentFilter, ErasureCounts, PrivacyStore } from './store.ts'

/** What erased texts read as. */
export const ERASED_MARKER = '[erased]'

const DAY_MS = 24 * 60 * 60 * 1000

/** Who asked: an employee, or nobody (the visitor themselves, the retention schedule). */
export interface PrivacyActor {
  id: string
  name: string
}

export interface PrivacyServiceOptions {
  db: UnitOfWork
  store: PrivacyStore
  now: () => number
  bus: Bus
  sockets: SocketRegistry
  /** Read at call time: these modules are registered around this one. */
  conversations: () => ConversationService
  profiles: () => VisitorProfiles
  /** Tells routing that a conversation it may hold is gone. */
  closed: (conversationId: string) => void
}

/** The agreement text a version hashes (ru), as kept in the register. */
export function agreementText(site: SiteRecord): { version: string; text: string } | undefined {
  const template = site.agreementTemplate
  const version = site.config.agreement?.version
  if (!template || !version) return undefined
  const { title, paragraphs } = renderAgreement(template, 'ru')
  return { version, text: [title, ...paragraphs].join('\n\n') }
}

/**
 * The privacy tools: the consent register, agreement texts by version, a visitor's data
 * found, exported and erased, withdrawal of consent, retention, and the audit log of it all.
 */
export class PrivacyService {
  constructor(private readonly options: PrivacyServiceOptions) {}

  /** Keeps the site's current agreement text under its version (in the caller's transaction). */
  async recordAgreement(tx: Tx, site: SiteRecord): Promise<void> {
    const rendered = agreementText(site)
    if (!rendered) return
    await this.options.store.recordAgreement(
      tx,
      site.config.siteId,
      rendered.version,
      rendered.text,
      this.options.now(),
    )
  }

  agreement(siteId: string, version: string) {
    return this.options.store.getAgreement(siteId, version)
  }

  async consents(query: ConsentQuery): Promise<ConsentPage> {
    const limit = query.limit ?? 100
    const filter: ConsentFilter = {}
    if (query.siteId !== undefined) filter.siteId = query.siteId
    if (query.visitorId !== undefined) filter.visitorId = query.visitorId
    if (query.from !== undefined) filter.from = query.from
    if (query.to !== undefined) filter.to = query.to
    if (query.contact !== undefined) {
      const keys = contactKeys(query.contact)
      // A contact that is neither an e-mail nor has digits matches nobody.
      if (!keys.email && !keys.phoneDigits) return { consents: [], nextCursor: null }
      Object.assign(filter, keys)
    }
    const rows = await this.options.store.listConsents(
      filter,
      limit + 1,
      decodeCursor(query.cursor),
    )
    const consents = rows.slice(0, limit)
    const last = consents.at(-1)
    return {
      consents,
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
    }
  }

  /** An admin records a withdrawal the visitor asked for (by letter, by phone). */
  async withdraw(id: string, reason: string, actor: PrivacyActor): Promise<ConsentEntry> {
    const { db, store, now } = this.options
    return db.transaction(async (tx) => {
      const at = now()
      const updated = await store.withdrawConsent(tx, id, 'admin', at)
      if (!updated) throw relayError('consent_not_found')
      await this.audit(tx, {
        at,
        actor,
        action: 'withdraw',
        siteId: updated.siteId,
        subject: updated.visitorId,
        reason,
        details: { consentId: id, by: 'admin' },
      })
      return updated
    })
  }

  /** `withdraw_consent`: the visitor withdraws every consent; deduplicated by `cid`. */
  async withdrawByVisitor(siteId: string, visitorId: string, cid: string): Promise<Ack> {
    const { db, store, now } = this.options
    const profiles = this.options.profiles()
    const authorKey = `visitor:${siteId}:${visitorId}`
    const stored = await db.transaction(async (tx) => {
      const earlier = await profiles.findFrameAck(authorKey, cid, tx)
      if (earlier) return earlier
      const ack = { authorKey, cid, id: randomId('w'), at: now() }
      const withdrawn = await store.withdrawAll(tx, siteId, visitorId, 'visitor', ack.at)
      await profiles.addFrameAck(tx, ack)
      if (withdrawn > 0) {
        await this.audit(tx, {
          at: ack.at,
          actor: null,
          action: 'withdraw',
          siteId,
          subject: visitorId,
          reason: null,
          details: { by: 'visitor', consents: withdrawn },
        })
      }
      return { id: ack.id, at: ack.at }
    })
    return { t: 'ack', cid, id: stored.id, at: stored.at }
  }

  /** `forget` (the visitor's logout): every token of the visitor issued until now stops working. */
  async forget(siteId: string, visitorId: string): Promise<{ id: string; at: number }> {
    const { db, store, now } = this.options
    const at = now()
    await db.transaction((tx) => store.revokeTokens(tx, siteId, visitorId, at))
    return { id: randomId('f'), at }
  }

  /** Closes the visitor's open sockets (after their tokens were revoked). */
  closeSockets(siteId: string, visitorId: string): number {
    return this.options.sockets.close(`visitor:${siteId}:${visitorId}`)
  }

  tokensValidAfter(siteId: string, visitorId: string): Promise<number> {
    return this.options.store.tokensValidAfter(siteId, visitorId)
  }

  /** Visitors by id, e-mail or phone (any format). */
  async subjects(query: string): Promise<Subject[]> {
    const trimmed = query.trim()
    if (trimmed === '') return []
    const keys = contactKeys(trimmed)
    return this.options.store.findSubjects({
      visitorId: trimmed,
      ...keys,
      // Too few digits to be a phone: a visitor id or nothing.
      ...(keys.phoneDigits && keys.phoneDigits.length < 5 ? { phoneDigits: undefined } : {}),
    })
  }

  /** Everything held about the visitor; audit-logged. `visitor_not_found` when nothing is. */
  async exportSubject(
    siteId: string,
    visitorId: string,
    actor: PrivacyActor,
    format: 'json' | 'html',
  ): Promise<SubjectExport> {
    const { db, store, now } = this.options
    const tables = await store.subjectRows(siteId, visitorId)
    if (!tables.visitors && !tables.conversations && !tables.consents && !tables.engagements) {
      throw relayError('visitor_not_found')
    }
    const at = now()
    await db.transaction((tx) =>
      this.audit(tx, {
        at,
        actor,
        action: 'export',
        siteId,
        subject: visitorId,
        reason: null,
        details: { format, rows: rowCounts(tables) },
      }),
    )
    return shapeExport(siteId, visitorId, at, tables)
  }

  /** Erases the visitor (see `PrivacyStore.eraseSubject`) in one transaction with its audit entry. */
  async erase(
    siteId: string,
    visitorId: string,
    reason: string,
    actor: PrivacyActor,
  ): Promise<Erasure> {
    const { db, now } = this.options
    const at = now()
    const { counts, conversations } = await db.transaction(async (tx) => {
      const erased = await this.eraseInTx(tx, siteId, visitorId, at)
      await this.audit(tx, {
        at,
        actor,
        action: 'erase',
        siteId,
        subject: visitorId,
        reason,
        details: { counts: erased.counts },
      })
      return erased
    })
    await this.afterErasure(conversations, [{ siteId, visitorId }])
    return { erasedAt: at, counts }
  }

  async getRetention(siteId: string): Promise<Retention> {
    return (
      (await this.options.store.getRetention(siteId)) ?? {
        conversationsDays: null,
        visitorsDays: null,
        engagementsDays: null,
      }
    )
  }

  async putRetention(
    siteId: string,
    retention: Retention,
    actor: PrivacyActor,
  ): Promise<Retention> {
    const { db, store, now } = this.options
    const before = await this.getRetention(siteId)
    await db.transaction(async (tx) => {
      const at = now()
      await store.putRetention(tx, siteId, retention, at)
      await this.audit(tx, {
        at,
        actor,
        action: 'settings',
        siteId,
        subject: null,
        reason: null,
        details: { retention: { before, after: retention } },
      })
    })
    return retention
  }

  /**
   * One retention run over every site with a period: visitors whose profile and
   * conversations are all older than `visitorsDays` are erased as by `erase`, conversations
   * older than `conversationsDays` are erased the same way, engagement events older than
   * `engagementsDays` are deleted. One transaction, and one audit entry with the counts
   * per site (zeros too: the log shows that the run happened). No site with a period: no run.
   */
  async runRetention(): Promise<Record<string, ErasureCounts>> {
    const { db, store, now } = this.options
    const at = now()
    const sites = await store.retentionSites()
    if (sites.length === 0) return {}
    const plan: {
      siteId: string
      retention: Retention
      visitors: string[]
      conversations: string[]
    }[] = []
    for (const { siteId, retention } of sites) {
      const visitors =
        retention.visitorsDays === null
          ? []
          : await store.visitorsBefore(siteId, at - retention.visitorsDays * DAY_MS)
      const conversations =
        retention.conversationsDays === null
          ? []
          : await store.conversationsBefore(siteId, at - retention.conversationsDays * DAY_MS)
      plan.push({ siteId, retention, visitors, conversations })
    }
    const result: Record<string, ErasureCounts> = {}
    const touched: string[] = []
    const subjects: { siteId: string; visitorId: string }[] = []
    await db.transaction(async (tx) => {
      for (const { siteId, retention, visitors, conversations } of plan) {
        const counts: ErasureCounts = {}
        for (const visitorId of visitors) {
          const erased = await this.eraseInTx(tx, siteId, visitorId, at)
          add(counts, erased.counts)
          touched.push(...erased.conversations)
          subjects.push({ siteId, visitorId })
        }
        add(counts, await store.eraseConversations(tx, conversations, at, ERASED_MARKER))
        touched.push(...conversations)
        if (retention.engagementsDays !== null) {
          counts.engagements_dropped = await store.dropEngagementsBefore(
            tx,
            siteId,
            at - retention.engagementsDays * DAY_MS,
          )
        }
        counts.visitors_erased = visitors.length
        result[siteId] = counts
      }
      await this.audit(tx, {
        at,
        actor: null,
        action: 'retention',
        siteId: null,
        subject: null,
        reason: 'retention period',
        details: { sites: result },
      })
    })
    await this.afterErasure(touched, subjects)
    return result
  }

  async auditLog(limit: number, cursor: string | undefined): Promise<AuditPage> {
    const rows = await this.options.store.listAudit(limit + 1, decodeCursor(cursor))
    const entries = rows.slice(0, limit)
    const last = entries.at(-1)
    return {
      entries,
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
    }
  }

  /** Records a change of site settings that changes what is collected. */
  async siteSettingsChanged(
    tx: Tx,
    before: SiteRecord | undefined,
    after: SiteRecord,
    actor: PrivacyActor | undefined,
  ): Promise<void> {
    await this.recordAgreement(tx, after)
    const was = before && collected(before)
    const now = collected(after)
    if (JSON.stringify(was) === JSON.stringify(now)) return
    await this.audit(tx, {
      at: this.options.now(),
      actor: actor ?? null,
      action: 'settings',
      siteId: after.config.siteId,
      subject: null,
      reason: null,
      details: { before: was ?? null, after: now },
    })
  }

  private async eraseInTx(tx: Tx, siteId: string, visitorId: string, at: number) {
    const { store } = this.options
    const rows = await store.subjectRows(siteId, visitorId, tx)
    const conversations = (rows.conversations ?? [])
      .filter((c) => c.erased_at === null)
      .map((c) => c.id as string)
    const counts = await store.eraseSubject(tx, siteId, visitorId, at, ERASED_MARKER)
    return { counts, conversations }
  }

  /** After the commit: routing lets go, operators drop the conversations, sockets close. */
  private async afterErasure(
    conversationIds: readonly string[],
    subjects: readonly { siteId: string; visitorId: string }[],
  ): Promise<void> {
    const { bus, closed } = this.options
    const conversations = this.options.conversations()
    for (const { siteId, visitorId } of subjects) this.closeSockets(siteId, visitorId)
    for (const id of conversationIds) {
      closed(id)
      for (const { topic, message } of await conversations.announce(id)) {
        if (topic === OPERATORS_TOPIC) bus.publish(topic, message)
      }
    }
  }

  private audit(
    tx: Tx,
    entry: {
      at: number
      actor: PrivacyActor | null
      action: 'export' | 'erase' | 'retention' | 'withdraw' | 'settings'
      siteId: string | null
      subject: string | null
      reason: string | null
      details: Record<string, unknown>
    },
  ): Promise<void> {
    return this.options.store.addAudit(tx, {
      id: randomId('a'),
      at: entry.at,
      actorId: entry.actor?.id ?? null,
      actorName: entry.actor?.name ?? null,
      action: entry.action,
      siteId: entry.siteId,
      subject: entry.subject,
      reason: entry.reason,
      details: entry.details,
    })
  }
}

/** The settings that decide what the site collects from visitors. */
function collected(site: SiteRecord) {
  const { config } = site
  return {
    agreementVersion: config.agreement?.version ?? null,
    storage: config.storage,
    prechat: config.prechat,
    channels: config.channels,
  }
}

function add(into: ErasureCounts, counts: ErasureCounts): void {
  for (const [key, n] of Object.entries(counts)) into[key] = (into[key] ?? 0) + n
}
