import {
  type AttributesFrame,
  type CallbackFrame,
  COMMENT_MAX,
  type Consent,
  type IdentifyFrame,
  type OfflineFrame,
  type PrechatFrame,
  type RateFrame,
  type SiteConfig,
  type SystemEventData,
  validateAttributes,
  validateCallback,
  validateIdentity,
  validateOffline,
  validatePrechat,
} from '@parley/protocol'
import type { Outcome } from '../../infra/bus/outcome.ts'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { fieldError, relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import { authorKey, authorOf, toAck, type VisitorActor } from '../conversations/actor.ts'
import type { RelayFact } from '../conversations/event-sink.ts'
import type { ConversationService } from '../conversations/service.ts'
import type { AppendInput } from '../conversations/store.ts'
import type { SiteService } from '../sites/service.ts'
import type { SiteRecord } from '../sites/store.ts'
import { callbackSummary, offlineSummary } from './form-text.ts'
import type { VisitorProfiles } from './profiles.ts'
import { verifyIdentityHash } from './start-param.ts'
import type { ConsentRecord, VisitorPatch } from './store.ts'

/** A contact or identify fact before `recordFrame` reads whether the visitor was reachable. */
type ContactFactDraft =
  | Omit<Extract<RelayFact, { kind: 'contact' }>, 'reachableBefore'>
  | Omit<Extract<RelayFact, { kind: 'identified' }>, 'reachableBefore'>

type Visitor = VisitorActor

/** Most custom attributes a visitor profile keeps in all. */
const ATTRIBUTES_MAX_KEYS_TOTAL = 50

export interface VisitorFormsOptions {
  db: UnitOfWork
  sites: SiteService
  profiles: VisitorProfiles
  conversations: ConversationService
  now: () => number
  maxTextLength: number
  /**
   * Runs in the transaction of every consent stored, with the site consented to (the privacy
   * module keeps the agreement text of the version).
   */
  onConsent?: (tx: Tx, site: SiteRecord) => Promise<void>
}

/**
 * Visitor frames that carry personal data or profile changes: callback, offline, prechat,
 * identify, attributes, rate. Each is: dedup by cid → validate (the same field rules as the
 * widget) → consent to the site's current agreement → store everything in one transaction →
 * ack → publish. On any error nothing is stored.
 */
export class VisitorForms {
  constructor(private readonly options: VisitorFormsOptions) {}

  /** Opens a `callback` conversation whose first event is the form. */
  async callback(actor: Visitor, frame: Omit<CallbackFrame, 't'>): Promise<Outcome> {
    {
      const earlier = await this.replayed(actor, frame.cid)
      if (earlier) return earlier
    }
    const site = await this.site(actor)
    if (!site.config.channels.callback) {
      throw relayError('forbidden', 'Callback requests are off for this site')
    }
    const checked = validateCallback(frame, {
      locale: localeOf(actor, site.config),
      country: site.config.defaultCountry,
      workingHours: site.config.workingHours,
      now: this.options.now(),
    })
    if (!checked.ok) throw fieldError(checked.fields)
    const version = requireConsent(site, frame.consent)
    const value = checked.value
    const data: Record<string, string> = {
      name: value.name,
      phone: value.phone,
      when: String(value.when),
    }
    if (value.when !== 'asap' && site.config.workingHours)
      data.timeZone = site.config.workingHours.timeZone
    if (value.comment) data.comment = value.comment
    return this.openForm(actor, frame.cid, {
      kind: 'callback',
      text: callbackSummary(value, site.config.workingHours?.timeZone ?? 'UTC'),
      data,
      contact: { name: value.name, phone: value.phone },
      consent: this.consent(actor, version, 'callback'),
      site,
      scenarioId: frame.scenarioId,
    })
  }

  /** Opens an `offline` conversation (a lead) whose first event is the form. */
  async offline(actor: Visitor, frame: Omit<OfflineFrame, 't'>): Promise<Outcome> {
    {
      const earlier = await this.replayed(actor, frame.cid)
      if (earlier) return earlier
    }
    const site = await this.site(actor)
    const checked = validateOffline(frame, {
      locale: localeOf(actor, site.config),
      country: site.config.defaultCountry,
      maxTextLength: this.options.maxTextLength,
    })
    if (!checked.ok) throw fieldError(checked.fields)
    const version = requireConsent(site, frame.consent)
    const value = checked.value
    const data: Record<string, string> = { name: value.name, text: value.text }
    if (value.email) data.email = value.email
    if (value.phone) data.phone = value.phone
    if (frame.conversationId !== undefined) {
      const chat = await this.options.conversations.get(frame.conversationId)
      if (chat?.siteId === actor.siteId && chat.visitorId === actor.visitorId) {
        data.conversationId = chat.id
      }
    }
    const contact = { name: value.name, email: value.email, phone: value.phone }
    return this.openForm(actor, frame.cid, {
      kind: 'offline',
      text: offlineSummary(value),
      data,
      contact,
      consent: this.consent(actor, version, 'offline'),
      site,
      scenarioId: frame.scenarioId,
    })
  }

  /** Stores the pre-chat fields on the visitor profile with the consent; acked without a conversation. */
  async prechat(actor: Visitor, frame: Omit<PrechatFrame, 't'>): Promise<Outcome> {
    {
      const earlier = await this.replayedFrame(actor, frame.cid)
      if (earlier) return earlier
    }
    const site = await this.site(actor)
    const prechat = site.config.prechat
    const checked = validatePrechat(frame, {
      locale: localeOf(actor, site.config),
      country: site.config.defaultCountry,
      fields: prechat?.enabled ? prechat.fields : [],
    })
    if (!checked.ok) throw fieldError(checked.fields)
    const version = requireConsent(site, frame.consent)
    return this.recordFrame(actor, frame.cid, {
      profile: { siteId: actor.siteId, visitorId: actor.visitorId, contact: checked.value },
      consent: this.consent(actor, version, 'prechat'),
      site,
      fact: {
        kind: 'contact',
        siteId: actor.siteId,
        visitorId: actor.visitorId,
        contact: checked.value,
        at: this.options.now(),
      },
    })
  }

  /** Ties the visitor to the site's user; with `identityVerification: 'required'` only with a valid hash. */
  async identify(actor: Visitor, frame: Omit<IdentifyFrame, 't'>): Promise<Outcome> {
    {
      const earlier = await this.replayedFrame(actor, frame.cid)
      if (earlier) return earlier
    }
    const site = await this.site(actor)
    const secret = site.identitySecret
    const verified =
      !!secret && frame.hash !== undefined && verifyIdentityHash(secret, frame.userId, frame.hash)
    if (site.config.identityVerification === 'required' && !verified) {
      throw relayError('identity_unverified')
    }
    const checked = validateIdentity(frame, {
      locale: localeOf(actor, site.config),
      country: site.config.defaultCountry,
    })
    if (!checked.ok) throw fieldError(checked.fields)
    return this.recordFrame(actor, frame.cid, {
      profile: {
        siteId: actor.siteId,
        visitorId: actor.visitorId,
        contact: checked.value,
        identity: { userId: frame.userId, verified },
      },
      fact: {
        kind: 'identified',
        siteId: actor.siteId,
        visitorId: actor.visitorId,
        userId: frame.userId,
        verified,
        contact: checked.value,
        at: this.options.now(),
      },
    })
  }

  /** Merges custom attributes into the visitor profile (≤ 50 keys in all). */
  async attributes(actor: Visitor, frame: Omit<AttributesFrame, 't'>): Promise<Outcome> {
    {
      const earlier = await this.replayedFrame(actor, frame.cid)
      if (earlier) return earlier
    }
    const fields = validateAttributes(frame.attributes)
    if (fields.length > 0) throw fieldError(fields)
    return this.recordFrame(actor, frame.cid, {
      profile: {
        siteId: actor.siteId,
        visitorId: actor.visitorId,
        attributes: frame.attributes,
        maxAttributes: ATTRIBUTES_MAX_KEYS_TOTAL,
      },
    })
  }

  /** Rates one of the visitor's closed conversations (`conversation_open` before it is closed). */
  async rate(actor: Visitor, frame: Omit<RateFrame, 't'>): Promise<Outcome> {
    const { conversations, db, now } = this.options
    const earlier = await this.replayed(actor, frame.cid)
    if (earlier) return earlier
    const conversation = await conversations.authorise(actor, frame.conversationId)
    if (conversation.status !== 'closed') throw relayError('conversation_open')
    const comment = frame.comment?.trim() || undefined
    if (comment && comment.length > COMMENT_MAX) {
      throw fieldError([{ field: 'comment', code: 'too_long' }])
    }
    const rating = String(frame.rating)
    const data: SystemEventData = comment
      ? { type: 'rated', rating, comment }
      : { type: 'rated', rating }
    const result = await db.transaction((tx) =>
      conversations.append(tx, {
        id: randomId('e'),
        cid: frame.cid,
        authorKey: authorKey(actor),
        author: authorOf(actor),
        kind: 'system',
        text: '',
        data,
        at: now(),
        target: { conversationId: conversation.id },
        newConversationId: randomId('c'),
        rating: comment ? { rating: frame.rating, comment } : { rating: frame.rating },
      }),
    )
    return conversations.outcome(frame.cid, result)
  }

  private async site(actor: Visitor): Promise<SiteRecord> {
    const site = await this.options.sites.get(actor.siteId)
    if (!site) throw relayError('site_not_found')
    return site
  }

  private consent(
    actor: Visitor,
    version: string,
    form: ConsentRecord['form'],
  ): Omit<ConsentRecord, 'eventId'> {
    const consent: ConsentRecord = {
      id: randomId('k'),
      siteId: actor.siteId,
      visitorId: actor.visitorId,
      agreementVersion: version,
      form,
      at: this.options.now(),
    }
    if (actor.ip) consent.ip = actor.ip
    return consent
  }

  /** A repeated cid of an event-appending frame: the same ack, nothing else. */
  private async replayed(actor: Visitor, cid: string): Promise<Outcome | undefined> {
    const earlier = await this.options.conversations.findEventByCid(actor, cid)
    return earlier && { ack: toAck(cid, earlier), publish: [] }
  }

  /** A repeated cid of a profile frame: the same ack, nothing else. */
  private async replayedFrame(actor: Visitor, cid: string): Promise<Outcome | undefined> {
    const earlier = await this.options.profiles.findFrameAck(authorKey(actor), cid)
    return earlier && { ack: { t: 'ack', cid, id: earlier.id, at: earlier.at }, publish: [] }
  }

  /**
   * One transaction: the form event in a new conversation (with its scenario's opening), the
   * contact on the visitor's profile, the consent tied to the event.
   */
  private async openForm(
    actor: Visitor,
    cid: string,
    form: {
      kind: 'callback' | 'offline'
      text: string
      data: Record<string, string>
      contact: { name?: string; phone?: string; email?: string }
      consent: Omit<ConsentRecord, 'eventId'>
      site: SiteRecord
      scenarioId?: string
    },
  ): Promise<Outcome> {
    const { db, conversations, profiles, now } = this.options
    const input: AppendInput = {
      id: randomId('e'),
      cid,
      authorKey: authorKey(actor),
      author: authorOf(actor),
      kind: 'form',
      text: form.text,
      data: form.data,
      at: now(),
      target: {
        create: {
          siteId: actor.siteId,
          visitorId: actor.visitorId,
          kind: form.kind,
          page: actor.page,
          contact: form.contact,
        },
      },
      newConversationId: randomId('c'),
    }
    const plan = await conversations.plan(actor, form.scenarioId)
    const result = await db.transaction(async (tx) => {
      const appended = await conversations.append(tx, input, plan, actor)
      if (appended.duplicate) return appended
      await profiles.applyPatch(
        tx,
        { siteId: actor.siteId, visitorId: actor.visitorId, contact: form.contact },
        input.at,
      )
      await profiles.addConsent(tx, { ...form.consent, eventId: appended.event.id })
      await this.options.onConsent?.(tx, form.site)
      return { ...appended, summaryChanged: true }
    })
    const outcome = await conversations.outcome(cid, result)
    if (!result.duplicate) {
      // The form named the visitor: their other open conversations show the name at once.
      const others = await conversations.refreshVisitor(actor.siteId, actor.visitorId)
      const created = result.conversation.id
      outcome.publish.push(
        ...others.filter((p) => {
          const frame = p.message.frame
          return !(frame?.t === 'conversation' && frame.conversation.id === created)
        }),
      )
    }
    return outcome
  }

  /** A profile frame: the patch and the consent with the frame's ack, in one transaction. */
  private async recordFrame(
    actor: Visitor,
    cid: string,
    change: {
      profile?: VisitorPatch
      consent?: ConsentRecord | Omit<ConsentRecord, 'eventId'>
      site?: SiteRecord
      /** What the webhooks outbox is told, in the same transaction (with `reachableBefore`). */
      fact?: ContactFactDraft
    },
  ): Promise<Outcome> {
    const { db, profiles, conversations, now } = this.options
    const ack = { authorKey: authorKey(actor), cid, id: randomId('f'), at: now() }
    const stored = await db.transaction(async (tx) => {
      const earlier = await profiles.findFrameAck(ack.authorKey, cid, tx)
      if (earlier) return { ...earlier, duplicate: true }
      let fact: RelayFact | undefined
      if (change.fact) {
        // Whether the visitor could be reached before: a chat becomes a lead only once.
        const before = await profiles.get(actor.siteId, actor.visitorId, tx)
        fact = { ...change.fact, reachableBefore: !!(before?.phone || before?.email) }
      }
      if (change.profile) await profiles.applyPatch(tx, change.profile, ack.at)
      if (change.consent) await profiles.addConsent(tx, change.consent)
      if (change.consent && change.site) await this.options.onConsent?.(tx, change.site)
      await profiles.addFrameAck(tx, ack)
      if (fact) await conversations.record(tx, fact)
      return { id: ack.id, at: ack.at, duplicate: false }
    })
    const outcome: Outcome = {
      ack: { t: 'ack', cid, id: stored.id, at: stored.at },
      publish: [],
    }
    // The operators' list shows the visitor's name and contact: refresh open conversations.
    if (!stored.duplicate && change.profile?.contact) {
      outcome.publish = await conversations.refreshVisitor(actor.siteId, actor.visitorId)
    }
    return outcome
  }
}

/** `consent_required` unless the frame consents to the site's current agreement version. */
function requireConsent(site: SiteRecord, consent: Consent | undefined): string {
  const current = site.config.agreement?.version
  if (!current) {
    throw relayError('consent_required', 'The site has no agreement yet; forms are not accepted')
  }
  if (!consent) throw relayError('consent_required')
  if (consent.version !== current) {
    throw relayError(
      'consent_required',
      'The agreement has changed; ask the visitor to consent again',
    )
  }
  return current
}

/** The visitor's language if ru/en (from hello), else the site's. */
function localeOf(actor: Visitor, config: SiteConfig): 'ru' | 'en' {
  const lang = actor.lang?.slice(0, 2).toLowerCase()
  return lang === 'ru' || lang === 'en' ? lang : config.locale
}
