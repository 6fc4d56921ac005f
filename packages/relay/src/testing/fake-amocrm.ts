import { type Received, startJsonServer } from './fake-http.ts'

interface FieldValue {
  field_code?: string
  field_id?: number
  values?: { value?: unknown; enum_code?: string }[]
}

export interface FakeAmoContact {
  id: number
  name: string
  custom_fields_values: FieldValue[]
}

export interface FakeAmoLead {
  id: number
  name: string
  pipeline_id: number
  status_id: number
  responsible_user_id?: number
  contactId: number | null
  tags: string[]
}

const ENUMS: Record<string, string[]> = {
  PHONE: ['WORK', 'WORKDD', 'MOB', 'FAX', 'HOME', 'OTHER'],
  EMAIL: ['WORK', 'PRIV', 'OTHER'],
}

/**
 * An amoCRM account's API v4, speaking its shapes: `Authorization: Bearer <long-lived token>`,
 * `POST /api/v4/leads/complex` (an array of leads, each with at most one contact embedded by
 * fields or by `id`; answers `[{id, contact_id, company_id, request_id, merged}]`),
 * `GET /api/v4/contacts?query=` (hal+json, or 204 when nothing matches: the query is loose, it
 * matches any field containing it), `POST /api/v4/leads/:id/notes`; errors as problem+json
 * (`validation-errors` on 400). The pipelines it knows are `{pipelineId: [statusIds]}`.
 */
export async function startFakeAmoCrm(
  options: { token?: string; pipelines?: Record<number, number[]> } = {},
) {
  const token = options.token ?? 'long-lived-token'
  const pipelines = options.pipelines ?? { 7001: [142001, 142002] }
  const contacts: FakeAmoContact[] = []
  const leads: FakeAmoLead[] = []
  const notes: { id: number; leadId: number; text: string }[] = []
  const failures: { status: number; path?: RegExp }[] = []
  let nextId = 100
  const problem = (status: number, title: string, detail: string, extra: object = {}) => ({
    status,
    type: 'application/problem+json',
    body: { title, type: `https://httpstatus.es/${status}`, status, detail, ...extra },
  })
  const invalid = (path: string, code: string, detail: string) =>
    problem(400, 'Bad Request', 'Request validation failed', {
      'validation-errors': [{ request_id: '0', errors: [{ code, path, detail }] }],
    })
  const hal = (body: unknown) => ({ status: 200, type: 'application/hal+json', body })

  function checkFields(fields: unknown, at: string) {
    if (fields === undefined) return undefined
    if (!Array.isArray(fields))
      return invalid(at, 'InvalidType', 'This value should be of type array.')
    for (const [i, field] of (fields as FieldValue[]).entries()) {
      const enums = field.field_code ? ENUMS[field.field_code] : undefined
      if (!enums)
        return invalid(
          `${at}.${i}.field_code`,
          'NotSupportedChoice',
          'The value you selected is not a valid choice.',
        )
      for (const [j, v] of (field.values ?? []).entries()) {
        if (typeof v.value !== 'string' || v.value === '') {
          return invalid(
            `${at}.${i}.values.${j}.value`,
            'NotBlank',
            'This value should not be blank.',
          )
        }
        if (v.enum_code !== undefined && !enums.includes(v.enum_code)) {
          return invalid(
            `${at}.${i}.values.${j}.enum_code`,
            'NotSupportedChoice',
            'The value you selected is not a valid choice.',
          )
        }
      }
    }
    return undefined
  }

  const server = await startJsonServer((request: Received) => {
    if (request.headers.authorization !== `Bearer ${token}`) {
      return problem(401, 'Unauthorized', 'Авторизация не пройдена')
    }
    const [path, query = ''] = request.url.split('?') as [string, string?]
    const failure = failures.findIndex((f) => !f.path || f.path.test(path))
    if (failure >= 0) {
      const [{ status }] = failures.splice(failure, 1) as [{ status: number }]
      return status === 429
        ? problem(429, 'Too Many Requests', 'Too many requests')
        : problem(status, 'Internal Server Error', 'Internal error')
    }
    if (request.method === 'GET' && path === '/api/v4/contacts') {
      const q = new URLSearchParams(query).get('query') ?? ''
      // Like amoCRM, any case; a phone matches by its digits too, whatever its formatting.
      const qDigits = q.replace(/\D/g, '')
      const hit = (value: string) =>
        value.toLowerCase().includes(q.toLowerCase()) ||
        (qDigits.length >= 5 && value.replace(/\D/g, '').includes(qDigits))
      const found = contacts.filter(
        (c) =>
          hit(c.name) ||
          c.custom_fields_values.some((f) => (f.values ?? []).some((v) => hit(String(v.value)))),
      )
      if (found.length === 0) return { status: 204 }
      return hal({
        _page: 1,
        _links: { self: { href: request.url } },
        _embedded: { contacts: found },
      })
    }
    if (request.method === 'POST' && path === '/api/v4/leads/complex') {
      const body = request.body
      if (!Array.isArray(body) || body.length === 0 || body.length > 50) {
        return invalid('', 'InvalidType', 'This value should be of type array of 1 to 50 leads.')
      }
      const answers = []
      for (const [i, lead] of body.entries()) {
        const statuses = pipelines[lead.pipeline_id]
        if (!statuses) return invalid(`${i}.pipeline_id`, 'NotFound', 'Pipeline not found')
        if (!statuses.includes(lead.status_id))
          return invalid(`${i}.status_id`, 'NotFound', 'Status not found')
        const embedded = lead._embedded?.contacts ?? []
        if (embedded.length > 1)
          return invalid(`${i}._embedded.contacts`, 'Count', 'Only one contact')
        let contactId: number | null = null
        const contact = embedded[0]
        if (contact?.id !== undefined) {
          if (!contacts.some((c) => c.id === contact.id)) {
            return invalid(`${i}._embedded.contacts.0.id`, 'NotFound', 'Contact not found')
          }
          contactId = contact.id
        } else if (contact) {
          const bad = checkFields(
            contact.custom_fields_values,
            `${i}._embedded.contacts.0.custom_fields_values`,
          )
          if (bad) return bad
          contactId = nextId++
          contacts.push({
            id: contactId,
            name: String(contact.name ?? ''),
            custom_fields_values: contact.custom_fields_values ?? [],
          })
        }
        const id = nextId++
        leads.push({
          id,
          name: String(lead.name ?? ''),
          pipeline_id: lead.pipeline_id,
          status_id: lead.status_id,
          ...(lead.responsible_user_id !== undefined && {
            responsible_user_id: lead.responsible_user_id,
          }),
          contactId,
          tags: (lead._embedded?.tags ?? []).map((t: { name: string }) => t.name),
        })
        answers.push({
          id,
          contact_id: contactId,
          company_id: null,
          request_id: [String(i)],
          merged: false,
        })
      }
      return { status: 200, type: 'application/hal+json', body: answers }
    }
    const notesPath = /^\/api\/v4\/leads\/(\d+)\/notes$/.exec(path)
    if (request.method === 'POST' && notesPath) {
      const leadId = Number(notesPath[1])
      if (!leads.some((l) => l.id === leadId)) return problem(404, 'Not Found', 'Lead not found')
      const added = (request.body as { note_type: string; params?: { text?: string } }[]).map(
        (note, i) => {
          if (note.note_type !== 'common' || typeof note.params?.text !== 'string') {
            throw new Error(`fake amoCRM: note ${i} is not a common note with text`)
          }
          const id = nextId++
          notes.push({ id, leadId, text: note.params.text })
          return { id, entity_id: leadId, request_id: String(i) }
        },
      )
      return hal({ _links: { self: { href: request.url } }, _embedded: { notes: added } })
    }
    return problem(404, 'Not Found', 'Unknown method')
  })
  return {
    /** The account address to configure. */
    baseUrl: server.origin,
    token,
    contacts,
    leads,
    notes,
    /** Every request, in order: method and path. */
    calls: () => server.received.map((r) => `${r.method} ${r.url.split('?')[0]}`),
    /** The next request (to a path matching `path`, if given) answers `status` (429 or 5xx). */
    failNext(status: number, path?: RegExp) {
      failures.push({ status, path })
    },
    /** Adds a contact the account already has. */
    addContact(name: string, fields: { PHONE?: string; EMAIL?: string }): number {
      const id = nextId++
      contacts.push({
        id,
        name,
        custom_fields_values: Object.entries(fields).map(([code, value]) => ({
          field_code: code,
          values: [{ value, enum_code: 'WORK' }],
        })),
      })
      return id
    },
    close: server.close,
  }
}
