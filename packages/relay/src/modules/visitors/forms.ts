import {
  type Ack,
  type AttributesFrame,
  type CallbackFrame,
  COMMENT_MAX,
  type Consent,
  type IdentifyFrame,
  type OfflineFrame,
  type PrechatFrame,
  type RateFrame,
  type SiteConfig,
  validateAttributes,
  validateCallback,
  validateIdentity,
  validateOffline,
  validatePrechat,
} from '@parley/protocol'
import { fieldError, relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import type { AppendInput, ConsentRecord, SiteRecord, Store } from '../../store/types.ts'
import {
  type Actor,
  authorKey,
  authorOf,
  type Conversations,
  toAck,
} from '../conversations/service.ts'
import { callbackSummary, offlineSummary, rateSummary } from './form-text.ts'
import { verifyIdentityHash } from './start-param.ts'

type Visitor = Actor & { kind: 'visitor' }

/** Most custom attributes a visitor profile keeps in all. */
const ATTRIBUTES_MAX_KEYS_TOTAL = 50
type Reply = (ack: Ack) => void

export interface VisitorFormsOptions {
  store: Store
  conversations: Conversations
  now: () => number
  maxTextLength: number
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
  callback(actor: Visitor, frame: Omit<CallbackFrame, 't'>, reply: Reply): Promise<void> {
    return this.options.conversations.track(async () => {
      if (await this.replayed(actor, frame.cid, reply)) return
      const site = await this.site(actor)
      if (!site.config.channels.callback) {
        throw relayError('forbidden', 'Callback requests are off for this site')
      }
      const checked = validateCallback(frame, {
        locale: localeOf(actor, site.config),
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
      await this.openForm(actor, frame.cid, reply, {
        kind: 'callback',
        text: callbackSummary(value, site.config.workingHours?.timeZone ?? 'UTC'),
        data,
        contact: { name: value.name, phone: value.phone },
        consent: this.consent(actor, version, 'callback'),
        scenarioId: frame.scenarioId,
      })
    })
  }

  /** Opens an `offline` conversation (a lead) whose first event is the form. */
  offline(actor: Visitor, frame: Omit<OfflineFrame, 't'>, reply: Reply): Promise<void> {
    return this.options.conversations.track(async () => {
      if (await this.replayed(actor, frame.cid, reply)) return
      const site = await this.site(actor)
      const checked = validateOffline(frame, {
        locale: localeOf(actor, site.config),
        maxTextLength: this.options.maxTextLength,
      })
      if (!checked.ok) throw fieldError(checked.fields)
      const version = requireConsent(site, frame.consent)
      const value = checked.value
      const data: Record<string, string> = { name: value.name, text: value.text }
      if (value.email) data.email = value.email
      if (value.phone) data.phone = value.phone
      if (frame.conversationId !== undefined) {
        const chat = await this.options.store.getConversation(frame.conversationId)
        if (chat?.siteId === actor.siteId && chat.visitorId === actor.visitorId) {
          data.conversationId = chat.id
        }
      }
      const contact = { name: value.name, email: value.email, phone: value.phone }
      await this.openForm(actor, frame.cid, reply, {
        kind: 'offline',
        text: offlineSummary(value),
        data,
        contact,
        consent: this.consent(actor, version, 'offline'),
        scenarioId: frame.scenarioId,
      })
    })
  }

  /** Stores the pre-chat fields on the visitor profile with the consent; acked without a conversation. */
  prechat(actor: Visitor, frame: Omit<PrechatFrame, 't'>, reply: Reply): Promise<void> {
    return this.options.conversations.track(async () => {
      if (await this.replayedFrame(actor, frame.cid, reply)) return
      const site = await this.site(actor)
      const prechat = site.config.prechat
      const checked = validatePrechat(frame, {
        locale: localeOf(actor, site.config),
        fields: prechat?.enabled ? prechat.fields : [],
      })
      if (!checked.ok) throw fieldError(checked.fields)
      const version = requireConsent(site, frame.consent)
      await this.recordFrame(actor, frame.cid, reply, {
        profile: { siteId: actor.siteId, visitorId: actor.visitorId, contact: checked.value },
        consent: this.consent(actor, version, 'prechat'),
      })
    })
  }

  /** Ties the visitor to the site's user; with `identityVerification: 'required'` only with a valid hash. */
  identify(actor: Visitor, frame: Omit<IdentifyFrame, 't'>, reply: Reply): Promise<void> {
    return this.options.conversations.track(async () => {
      if (await this.replayedFrame(actor, frame.cid, reply)) return
      const site = await this.site(actor)
      const secret = site.identitySecret
      const verified =
        !!secret && frame.hash !== undefined && verifyIdentityHash(secret, frame.userId, frame.hash)
      if (site.config.identityVerification === 'required' && !verified) {
        throw relayError('identity_unverified')
      }
      const checked = validateIdentity(frame, { locale: localeOf(actor, site.config) })
      if (!checked.ok) throw fieldError(checked.fields)
      await this.recordFrame(actor, frame.cid, reply, {
        profile: {
          siteId: actor.siteId,
          visitorId: actor.visitorId,
          contact: checked.value,
          identity: { userId: frame.userId, verified },
        },
      })
    })
  }

  /** Merges custom attributes into the visitor profile (≤ 50 keys in all). */
  attributes(actor: Visitor, frame: Omit<AttributesFrame, 't'>, reply: Reply): Promise<void> {
    return this.options.conversations.track(async () => {
      if (await this.replayedFrame(actor, frame.cid, reply)) return
      const fields = validateAttributes(frame.attributes)
      if (fields.length > 0) throw fieldError(fields)
      await this.recordFrame(actor, frame.cid, reply, {
        profile: {
          siteId: actor.siteId,
          visitorId: actor.visitorId,
          attributes: frame.attributes,
          maxAttributes: ATTRIBUTES_MAX_KEYS_TOTAL,
        },
      })
    })
  }

  /** Rates one of the visitor's closed conversations (`conversation_open` before it is closed). */
  rate(actor: Visitor, frame: Omit<RateFrame, 't'>, reply: Reply): Promise<void> {
    const { conversations, store, now } = this.options
    return conversations.track(async () => {
      if (await this.replayed(actor, frame.cid, reply)) return
      const conversation = await conversations.authorise(actor, frame.conversationId)
      if (conversation.status !== 'closed') throw relayError('conversation_open')
      const comment = frame.comment?.trim() || undefined
      if (comment && comment.length > COMMENT_MAX) {
        throw fieldError([{ field: 'comment', code: 'too_long' }])
      }
      const data: Record<string, string> = { rating: String(frame.rating) }
      if (comment) data.comment = comment
      const result = await store.appendEvent({
        id: randomId('e'),
        cid: frame.cid,
        authorKey: authorKey(actor),
        author: authorOf(actor),
        kind: 'system',
        text: rateSummary(frame.rating, comment),
        data,
        at: now(),
        target: { conversationId: conversation.id },
        newConversationId: randomId('c'),
        rating: comment ? { rating: frame.rating, comment } : { rating: frame.rating },
      })
      reply(toAck(frame.cid, result.event))
      if (result.duplicate) return
      conversations.publishConversation(result.conversation)
      conversations.publishEvents(result)
    })
  }

  private async site(actor: Visitor): Promise<SiteRecord> {
    const site = await this.options.store.getSite(actor.siteId)
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
  private async replayed(actor: Visitor, cid: string, reply: Reply): Promise<boolean> {
    const earlier = await this.options.store.findEventByCid(authorKey(actor), cid)
    if (earlier) reply(toAck(cid, earlier))
    return earlier !== undefined
  }

  /** A repeated cid of a profile frame: the same ack, nothing else. */
  private async replayedFrame(actor: Visitor, cid: string, reply: Reply): Promise<boolean> {
    const earlier = await this.options.store.findVisitorFrame(authorKey(actor), cid)
    if (earlier) reply({ t: 'ack', cid, id: earlier.id, at: earlier.at })
    return earlier !== undefined
  }

  private async openForm(
    actor: Visitor,
    cid: string,
    reply: Reply,
    form: {
      kind: 'callback' | 'offline'
      text: string
      data: Record<string, string>
      contact: { name?: string; phone?: string; email?: string }
      consent: Omit<ConsentRecord, 'eventId'>
      scenarioId?: string
    },
  ): Promise<void> {
    const { store, conversations } = this.options
    const input: AppendInput = {
      id: randomId('e'),
      cid,
      authorKey: authorKey(actor),
      author: authorOf(actor),
      kind: 'form',
      text: form.text,
      data: form.data,
      at: this.options.now(),
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
      consent: form.consent,
      profile: { siteId: actor.siteId, visitorId: actor.visitorId, contact: form.contact },
      opening: await conversations.opening(actor, form.scenarioId),
    }
    const result = await store.appendEvent(input)
    reply(toAck(cid, result.event))
    if (result.duplicate) return
    conversations.publishConversation(result.conversation)
    conversations.publishEvents(result)
  }

  private async recordFrame(
    actor: Visitor,
    cid: string,
    reply: Reply,
    change: Pick<Parameters<Store['recordVisitorFrame']>[0], 'profile' | 'consent'>,
  ): Promise<void> {
    const { store, conversations } = this.options
    const result = await store.recordVisitorFrame({
      id: randomId('f'),
      cid,
      authorKey: authorKey(actor),
      at: this.options.now(),
      ...change,
    })
    reply({ t: 'ack', cid, id: result.id, at: result.at })
    if (result.duplicate || !change.profile?.contact) return
    // The operators' list shows the visitor's name and contact: refresh open conversations.
    for (const conversation of await conversations.visitorConversations(
      actor.siteId,
      actor.visitorId,
    )) {
      if (conversation.status === 'open') conversations.publishConversation(conversation)
    }
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
