import { BITRIX24_FIELD_ROWS, Bitrix24Config, type LeadCreatedData } from '@parley/protocol'
import type {
  DeliveryAttempt,
  Destination,
  DestinationKind,
  OutboxEvent,
} from '../webhooks/destination.ts'
import { CallFailed, failedAttempt, type HttpAnswer, request, since } from './http.ts'
import {
  carriesLead,
  checkConfig,
  eventMarker,
  type FieldMapping,
  fieldMapping,
  leadComment,
  leadOf,
  leadTitle,
  mapFields,
  SKIPPED,
} from './lead.ts'

export { Bitrix24Config }

const multiField = (value: string | undefined) =>
  value === undefined ? undefined : [{ VALUE: value, VALUE_TYPE: 'WORK' }]

/** What `crm.lead.add` gets, field by field (`BITRIX24_FIELD_ROWS`: settings and the README show it). */
export const BITRIX24_FIELDS: readonly FieldMapping<Bitrix24Config>[] = fieldMapping<
  Bitrix24Config,
  typeof BITRIX24_FIELD_ROWS
>(BITRIX24_FIELD_ROWS, {
  TITLE: leadTitle,
  NAME: (lead) => lead.name,
  PHONE: (lead) => multiField(lead.phone),
  EMAIL: (lead) => multiField(lead.email),
  SOURCE_ID: (_, { config }) => config.sourceId ?? 'WEB',
  SOURCE_DESCRIPTION: (lead) => `Parley: ${lead.kind} on ${lead.siteId}`,
  COMMENTS: (lead, { event }) => leadComment(lead, event),
  ASSIGNED_BY_ID: (_, { config }) => config.assignedById,
})

/** Bitrix24 error codes that no retry mends: the webhook is wrong, revoked or lacks `crm`. */
const AUTH_ERRORS = new Set([
  'INVALID_CREDENTIALS',
  'NO_AUTH_FOUND',
  'expired_token',
  'invalid_token',
  'insufficient_scope',
  'ACCESS_DENIED',
  'WRONG_AUTH_TYPE',
  'PAYMENT_REQUIRED',
])

/** The message of a Bitrix24 error answer. */
function messageOf(answer: HttpAnswer): string {
  return answer.json?.error
    ? `${answer.json.error}: ${answer.json.error_description ?? ''}`.trim()
    : `HTTP ${answer.status}`
}

/**
 * Bitrix24's answers: `{result, time}` on success, `{error, error_description}` otherwise.
 * `QUERY_LIMIT_EXCEEDED` (more than 2 requests a second, HTTP 503), a 429 and any 5xx are
 * worth a retry; a wrong or revoked webhook (401, `INVALID_CREDENTIALS`) and other 4xx are not.
 */
function check(answer: HttpAnswer): HttpAnswer {
  const error: unknown = answer.json?.error
  if (
    answer.status >= 200 &&
    answer.status < 300 &&
    error === undefined &&
    answer.json &&
    'result' in answer.json
  ) {
    return answer
  }
  if (error === 'QUERY_LIMIT_EXCEEDED' || answer.status === 429)
    throw new CallFailed(answer, true, messageOf(answer))
  if (typeof error === 'string' && AUTH_ERRORS.has(error))
    throw new CallFailed(answer, false, messageOf(answer))
  if (answer.status === 401 || answer.status === 403)
    throw new CallFailed(answer, false, messageOf(answer))
  throw new CallFailed(answer, answer.status >= 500, messageOf(answer))
}

class Bitrix24Destination implements Destination {
  private readonly base: string

  constructor(
    private readonly config: Bitrix24Config,
    private readonly fetchFn: typeof fetch,
  ) {
    this.base = config.webhookUrl.endsWith('/') ? config.webhookUrl : `${config.webhookUrl}/`
  }

  async deliver(event: OutboxEvent, signal: AbortSignal): Promise<DeliveryAttempt> {
    if (!carriesLead(event)) return SKIPPED
    const lead = leadOf(event)
    if ('ok' in lead) return lead
    const start = performance.now()
    let last: HttpAnswer | undefined
    const call = async (method: string, body: unknown) => {
      last = await request(
        this.fetchFn,
        `${this.base}${method}.json`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
        },
        signal,
      )
      return check(last).json.result
    }
    try {
      const fields = mapFields(BITRIX24_FIELDS, lead, { event, config: this.config })
      const existing = await this.findLead(lead, call)
      if (existing === undefined) {
        const id = await call('crm.lead.add', { fields, params: { REGISTER_SONET_EVENT: 'Y' } })
        return this.done(start, last!, `lead ${id} created`)
      }
      // A repeat contact: the comment goes onto the lead they already have, once.
      const current = await call('crm.lead.get', { id: existing })
      const comments = typeof current?.COMMENTS === 'string' ? current.COMMENTS : ''
      if (comments.includes(eventMarker(event))) {
        return this.done(start, last!, `lead ${existing} already has this event`)
      }
      await call('crm.lead.update', {
        id: existing,
        fields: { COMMENTS: comments ? `${comments}\n\n${fields.COMMENTS}` : fields.COMMENTS },
        params: { REGISTER_SONET_EVENT: 'Y' },
      })
      return this.done(start, last!, `lead ${existing} updated`)
    } catch (error) {
      return failedAttempt(start, error)
    }
  }

  /** The newest lead with the visitor's phone, else email (`crm.duplicate.findbycomm`). */
  private async findLead(
    lead: LeadCreatedData,
    call: (method: string, body: unknown) => Promise<unknown>,
  ): Promise<number | undefined> {
    const comms: ['PHONE' | 'EMAIL', string | undefined][] = [
      ['PHONE', lead.phone],
      ['EMAIL', lead.email],
    ]
    for (const [type, value] of comms) {
      if (!value) continue
      // `{LEAD: [ids]}`, or `[]` when nothing matches.
      const found = (await call('crm.duplicate.findbycomm', {
        entity_type: 'LEAD',
        type,
        values: [value],
      })) as { LEAD?: unknown[] } | unknown[]
      const ids = (Array.isArray(found) ? [] : (found.LEAD ?? []))
        .map(Number)
        .filter((id) => Number.isSafeInteger(id) && id > 0)
      if (ids.length > 0) return Math.max(...ids)
    }
    return undefined
  }

  private done(start: number, answer: HttpAnswer, summary: string): DeliveryAttempt {
    return {
      ok: true,
      status: answer.status,
      latencyMs: since(start),
      excerpt: `${summary}: ${answer.excerpt}`.slice(0, 500),
      retryable: false,
    }
  }
}

/** Leads in Bitrix24 through an incoming webhook: `crm.lead.add`, or a repeat contact's lead updated. */
export const bitrix24: DestinationKind<Bitrix24Config> = {
  kind: 'bitrix24',
  configSchema: Bitrix24Config,
  secretFields: ['webhookUrl'],
  urlOf: (config) => new URL(config.webhookUrl).origin,
  create: (config, deps) =>
    new Bitrix24Destination(checkConfig('bitrix24', Bitrix24Config, config), deps.fetch),
}
