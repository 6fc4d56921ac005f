import type { LeadCreatedData } from '@parley/protocol'
import { type Static, Type } from '@sinclair/typebox'
import type {
  DeliveryAttempt,
  Destination,
  DestinationKind,
  OutboxEvent,
} from '../webhooks/destination.ts'
import { CallFailed, failedAttempt, type HttpAnswer, request, since } from './http.ts'
import {
  checkConfig,
  type FieldMapping,
  LEAD_CREATED,
  leadComment,
  leadOf,
  leadTitle,
  mapFields,
  SKIPPED,
} from './lead.ts'

/** An amoCRM account (private integration with a long-lived token) and where its leads go. */
export const AmoCrmConfig = Type.Object(
  {
    baseUrl: Type.String({
      pattern: '^https?://[^/\\s]+/?$',
      maxLength: 255,
      description: 'The account address: `https://<subdomain>.amocrm.ru` (or `.kommo.com`)',
    }),
    accessToken: Type.String({
      minLength: 1,
      maxLength: 4096,
      description: 'A long-lived token of a private integration (Settings → Integrations → Keys)',
    }),
    pipelineId: Type.Integer({ minimum: 1, description: 'The pipeline new leads go to' }),
    statusId: Type.Integer({ minimum: 1, description: 'Their stage in that pipeline' }),
    responsibleUserId: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The responsible user' }),
    ),
  },
  { additionalProperties: false },
)
export type AmoCrmConfig = Static<typeof AmoCrmConfig>

const contactField = (code: 'PHONE' | 'EMAIL', value: string | undefined) =>
  value === undefined ? undefined : { field_code: code, values: [{ value, enum_code: 'WORK' }] }

/**
 * What `POST /api/v4/leads/complex` and the lead's note get; settings and the README show this
 * table. `contact.*` rows make the embedded contact, left out when the visitor's phone or email
 * finds one the account has (then only its `id` is sent).
 */
export const AMOCRM_FIELDS: readonly FieldMapping<AmoCrmConfig>[] = [
  {
    field: 'name',
    source: 'Lead kind and the visitor\'s name, e.g. "Offline message: Boris (boris@example.com)"',
    value: leadTitle,
  },
  {
    field: 'pipeline_id',
    source: 'Settings: pipeline',
    value: (_, { config }) => config.pipelineId,
  },
  { field: 'status_id', source: 'Settings: stage', value: (_, { config }) => config.statusId },
  {
    field: 'responsible_user_id',
    source: 'Settings: responsible user (optional)',
    value: (_, { config }) => config.responsibleUserId,
  },
  {
    field: '_embedded.tags',
    source: 'Tags "parley" and the lead kind',
    value: (lead) => [{ name: 'parley' }, { name: lead.kind }],
  },
  {
    field: 'contact.name',
    source: "The visitor's name (else the phone or email)",
    value: (lead) => lead.name ?? lead.phone ?? lead.email,
  },
  {
    field: 'contact.PHONE',
    source: 'The phone (E.164), field_code PHONE, enum WORK',
    value: (lead) => contactField('PHONE', lead.phone),
  },
  {
    field: 'contact.EMAIL',
    source: 'The email, field_code EMAIL, enum WORK',
    value: (lead) => contactField('EMAIL', lead.email),
  },
  {
    field: 'note (common)',
    source: 'The message, the callback time, the page, the console link and the transcript',
    value: (lead, { event }) => leadComment(lead, event),
  },
]

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
    if (event.type !== LEAD_CREATED) return SKIPPED
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
  create: (config, deps) =>
    new AmoCrmDestination(checkConfig('amocrm', AmoCrmConfig, config), deps.fetch),
}
