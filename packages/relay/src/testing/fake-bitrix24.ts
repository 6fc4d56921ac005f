import { type Received, startJsonServer } from './fake-http.ts'

/** A lead as the fake portal keeps it (Bitrix24 field names). */
export interface FakeBitrixLead {
  ID: string
  TITLE?: string
  NAME?: string
  COMMENTS?: string
  SOURCE_ID?: string
  PHONE?: { VALUE: string; VALUE_TYPE: string }[]
  EMAIL?: { VALUE: string; VALUE_TYPE: string }[]
  [field: string]: unknown
}

/** Errors the fake can answer the next calls with, as Bitrix24 sends them. */
export const BITRIX_ERRORS = {
  QUERY_LIMIT_EXCEEDED: { status: 503, description: 'Too many requests' },
  INVALID_CREDENTIALS: { status: 401, description: 'Invalid request credentials' },
  INTERNAL_SERVER_ERROR: { status: 500, description: 'Internal server error' },
} as const

/**
 * A Bitrix24 portal's REST API behind one incoming webhook (`/rest/<user>/<code>/`), speaking
 * its shapes: `{result, time}` or `{error, error_description}`. It keeps leads and answers
 * `crm.lead.add`, `crm.lead.get`, `crm.lead.update` and `crm.duplicate.findbycomm`
 * (`{LEAD: [ids]}`, or `[]` when nothing matches), and records every call.
 */
export async function startFakeBitrix24(options: { user?: number; code?: string } = {}) {
  const user = options.user ?? 1
  const code = options.code ?? 'k3y5ecr3t0000001'
  const leads = new Map<number, FakeBitrixLead>()
  const failures: (keyof typeof BITRIX_ERRORS)[] = []
  let nextId = 1
  const time = () => ({ start: 0, finish: 0, duration: 0.01, processing: 0.01 })
  const error = (name: string, status: number, description: string) => ({
    status,
    body: { error: name, error_description: description },
  })

  const server = await startJsonServer((request: Received) => {
    const match = /^\/rest\/(\d+)\/([^/]+)\/([a-z.]+?)(?:\.json)?$/.exec(request.url.split('?')[0]!)
    if (!match) return error('ERROR_METHOD_NOT_FOUND', 404, 'Method not found!')
    if (Number(match[1]) !== user || match[2] !== code) {
      return error('INVALID_CREDENTIALS', 401, BITRIX_ERRORS.INVALID_CREDENTIALS.description)
    }
    const failure = failures.shift()
    if (failure)
      return error(failure, BITRIX_ERRORS[failure].status, BITRIX_ERRORS[failure].description)
    const method = match[3]!
    const body = (typeof request.body === 'object' && request.body) || {}
    const ok = (result: unknown) => ({ status: 200, body: { result, time: time() } })
    switch (method) {
      case 'crm.lead.add': {
        if (typeof body.fields !== 'object' || body.fields === null) {
          return error('ERROR_CORE', 400, "Parameter 'fields' must be array.")
        }
        const id = nextId++
        leads.set(id, { ...body.fields, ID: String(id) })
        return ok(id)
      }
      case 'crm.lead.get': {
        const lead = leads.get(Number(body.id))
        return lead ? ok(lead) : error('', 400, 'Not found')
      }
      case 'crm.lead.update': {
        const lead = leads.get(Number(body.id))
        if (!lead) return error('', 400, 'Not found')
        leads.set(Number(body.id), { ...lead, ...body.fields, ID: lead.ID })
        return ok(true)
      }
      case 'crm.duplicate.findbycomm': {
        if (body.type !== 'PHONE' && body.type !== 'EMAIL') {
          return error('', 400, 'Communication type is not defined.')
        }
        const values: string[] = Array.isArray(body.values) ? body.values : []
        if (values.length === 0 || values.length > 20) {
          return error('', 400, 'Too many communications (max 20).')
        }
        const field = body.type as 'PHONE' | 'EMAIL'
        const ids = [...leads.values()]
          .filter((lead) => (lead[field] ?? []).some((f) => values.includes(f.VALUE)))
          .map((lead) => Number(lead.ID))
        return ok(ids.length ? { LEAD: ids } : [])
      }
      default:
        return error('ERROR_METHOD_NOT_FOUND', 404, 'Method not found!')
    }
  })
  return {
    /** The incoming webhook URL to configure. */
    webhookUrl: `${server.origin}/rest/${user}/${code}/`,
    origin: server.origin,
    leads,
    /** The REST methods called, in order, with their bodies. */
    calls: () =>
      server.received.map((r) => ({
        method: /\/([a-z.]+?)(?:\.json)?$/.exec(r.url.split('?')[0]!)?.[1] ?? r.url,
        body: r.body,
      })),
    /** The next `count` calls answer with this error. */
    failNext(name: keyof typeof BITRIX_ERRORS, count = 1) {
      for (let i = 0; i < count; i++) failures.push(name)
    },
    close: server.close,
  }
}
