import { AMOCRM_FIELD_ROWS, AmoCrmConfig, type LeadCreatedData } from '@parley/protocol'
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
  type FieldMapping,
  fieldMapping,
  leadComment,
  leadOf,
  leadTitle,
  mapFields,
  SKIPPED,
} from './lead.ts'

export { AmoCrmConfig }

const contactField = (code: 'PHONE' | 'EMAIL', value: string | undefined) =>
  value === undefined ? undefined : { field_code: code, values: [{ value, enum_code: 'WORK' }] }

/**
 * What `POST /api/v4/leads/complex` and the lead's note get (`AMOCRM_FIELD_ROWS`: settings and
 * the README show it). `contact.*` rows make the embedded contact, left out when the visitor's
 * phone or email finds one the account has (then only its `id` is sent).
 */
export const AMOCRM_FIELDS: readonly FieldMapping<AmoCrmConfig>[] = fieldMapping<
  AmoCrmConfig,
  typeof AMOCRM_FIELD_ROWS
>(AMOCRM_FIELD_ROWS, {
  name: leadTitle,
  pipeline_id: (_, { config }) => config.pipelineId,
  status_id: (_, { config }) => config.statusId,
  responsible_user_id: (_, { config }) => config.responsibleUserId,
  '_embedded.tags': (lead) => [{ name: 'parley' }, { name: lead.kind }],
  'contact.name': (lead) => lead.name ?? lead.phone ?? lead.email,
  'contact.PHONE': (lead) => contactField('PHONE', lead.phone),
  'contact.EMAIL': (lead) => contactField('EMAIL', lead.email),
  'note (common)': (lead, { event }) => leadComment(lead, event),
})

/** The message of an amoCRM error answer (problem+json; 400 lists its `validation-errors`). */
function messageOf(answer: HttpAnswer): string {
  const problem = answer.json ?? {}
  const first = problem['validation-errors']?.[0]?.errors?.[0]
  const detail = first
    ? `${first.path}: ${first.code}${first.detail ? ` (${first.detail})` : ''}`
    : problem.detail
  return `HTTP ${answer.status}${problem.title ? ` ${problem.title}` : ''}${detail ? `: ${detail}` : ''}`
}

/**
 * amoCRM's answers: 200 (204 for an empty list) on success; 401 (bad or revoked token), 402
 * (account not paid), 403 and 400 (`validation-errors`) are not mended by a retry; 429 (more
 * than 7 requests a second) and 5xx are.
 */
function check(answer: HttpAnswer): HttpAnswer {
  if (answer.status >= 200 && answer.status < 300) return answer
  const retryable = answer.status === 429 || answer.status >= 500
  throw new CallFailed(answer, retryable, messageOf(answer))
}

const digits = (phone: string) => phone.replace(/\D/g, '')

class AmoCrmDestination implements Destination {
  private readonly base: string

  constructor(
    private readonly config: AmoCrmConfig,
    private readonly fetchFn: typeof fetch,
  ) {
    this.base = config.baseUrl.replace(/\/$/, '')
  }

  async deliver(event: OutboxEvent, signal: AbortSignal): Promise<DeliveryAttempt> {
    if (!carriesLead(event)) return SKIPPED
    const lead = leadOf(event)
    if ('ok' in lead) return lead
    const start = performance.now()
    let last: HttpAnswer | undefined
    const call = async (method: string, path: string, body?: unknown) => {
      last = await request(
        this.fetchFn,
        `${this.base}${path}`,
        {
          method,
          headers: {
            authorization: `Bearer ${this.config.accessToken}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        },
        signal,
      )
      return check(last)
    }
    let leadId: number | undefined
    try {
      const f = mapFields(AMOCRM_FIELDS, lead, { event, config: this.config })
      const existing = await this.findContact(lead, call)
      const contact =
        existing !== undefined
          ? { id: existing }
          : {
              name: f['contact.name'],
              custom_fields_values: [f['contact.PHONE'], f['contact.EMAIL']].filter(Boolean),
            }
      const body = {
        name: f.name,
        pipeline_id: f.pipeline_id,
        status_id: f.status_id,
        ...(f.responsible_user_id !== undefined && { responsible_user_id: f.responsible_user_id }),
        _embedded: { tags: f['_embedded.tags'], contacts: [contact] },
      }
      const created = (await call('POST', '/api/v4/leads/complex', [body])).json
      leadId = Number(created?.[0]?.id)
      if (!Number.isSafeInteger(leadId)) {
        throw new CallFailed(last!, false, 'leads/complex answered without a lead id')
      }
      await call('POST', `/api/v4/leads/${leadId}/notes`, [
        { note_type: 'common', params: { text: f['note (common)'] } },
      ])
      return {
        ok: true,
        status: last!.status,
        latencyMs: since(start),
        excerpt: `lead ${leadId} created${existing !== undefined ? ` for contact ${existing}` : ''}`,
        retryable: false,
      }
    } catch (error) {
      const attempt = failedAttempt(start, error)
      // The lead exists; a retry would make a second one, so its note is given up on.
      if (leadId !== undefined && Number.isSafeInteger(leadId)) {
        return {
          ...attempt,
          retryable: false,
          error: `lead ${leadId} created, its note not: ${attempt.error}`,
        }
      }
      return attempt
    }
  }

  /** The contact with the visitor's phone, else email: `GET /api/v4/contacts?query=`, checked exactly. */
  private async findContact(
    lead: LeadCreatedData,
    call: (method: string, path: string) => Promise<HttpAnswer>,
  ): Promise<number | undefined> {
    const wanted: ['PHONE' | 'EMAIL', string | undefined][] = [
      ['PHONE', lead.phone],
      ['EMAIL', lead.email],
    ]
    for (const [code, value] of wanted) {
      if (!value) continue
      const answer = await call(
        'GET',
        `/api/v4/contacts?query=${encodeURIComponent(value)}&limit=50`,
      )
      // 204: nothing found.
      const contacts: unknown[] =
        answer.status === 204 ? [] : (answer.json?._embedded?.contacts ?? [])
      // The query searches every field loosely; only the same phone or email is the same person.
      const same = (candidate: string) =>
        code === 'PHONE'
          ? digits(candidate) === digits(value)
          : candidate.toLowerCase() === value.toLowerCase()
      for (const contact of contacts as { id: number; custom_fields_values?: unknown }[]) {
        const fields = Array.isArray(contact.custom_fields_values)
          ? contact.custom_fields_values
          : []
        const match = fields.some(
          (field: { field_code?: string; values?: { value?: unknown }[] }) =>
            field.field_code === code &&
            (field.values ?? []).some((v) => typeof v.value === 'string' && same(v.value)),
        )
        if (match && Number.isSafeInteger(contact.id)) return contact.id
      }
    }
    return undefined
  }
}

/**
 * Leads in amoCRM: `POST /api/v4/leads/complex` with the contact embedded (or the account's
 * contact with the same phone or email linked by id), then the transcript as a note. A long-lived
 * token only: OAuth with refresh tokens is not built.
 */
export const amocrm: DestinationKind<AmoCrmConfig> = {
  kind: 'amocrm',
  configSchema: AmoCrmConfig,
  secretFields: ['accessToken'],
  urlOf: (config) => config.baseUrl.replace(/\/$/, ''),
  create: (config, deps) =>
    new AmoCrmDestination(checkConfig('amocrm', AmoCrmConfig, config), deps.fetch),
}
