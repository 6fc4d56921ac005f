import { STATUS_CODES } from 'node:http'
import fastifySwagger, { type SwaggerTransform } from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import { ERROR_CODES, type ErrorCode, FieldErrorReply, PROTOCOL_VERSION } from '@parley/protocol'
import {
  type TArray,
  type TObject,
  type TOptional,
  type TSchema,
  type TString,
  type TUnsafe,
  Type,
} from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { SESSION_COOKIE } from '../../modules/auth/service.ts'
import { RELAY_VERSION } from './health.ts'

/** Where the document is served, and where Swagger UI renders it. */
export const OPENAPI_PATH = '/v1/openapi.json'
export const DOCS_PREFIX = '/docs'

/** A route's `security`: any one of the entries, each naming schemes of `securitySchemes`. */
export type Security = ReadonlyArray<Record<string, readonly string[]>>
/** `security` of a route anyone may call. */
export const PUBLIC: Security = []
/** `security` of a route for employees: the console's session cookie or an API token. */
export const EMPLOYEE: Security = [{ session: [] }, { apiToken: [] }]

/** Where `ERROR_CODES` words a code for sockets, what it means over REST. */
const REST_MESSAGES: Partial<Record<ErrorCode, string>> = {
  frame_too_large: 'Request body is too large',
  rate_limited: 'Too many requests; try again after Retry-After seconds',
}

type StatusOf<C extends ErrorCode> = (typeof ERROR_CODES)[C]['status']
type ErrorSchema<C extends ErrorCode> = TObject<{
  code: TUnsafe<C>
  message: TString
  fields: TOptional<TArray<typeof FieldErrorReply>>
}>

/**
 * The error responses of a route, one per status, each naming its codes (`ERROR_CODES`
 * gives the status). `fields` is there when `field_invalid` is; 429 carries `Retry-After`.
 */
export function errors<const C extends ErrorCode>(
  ...codes: C[]
): { [S in StatusOf<C>]: ErrorSchema<C> } {
  const byStatus = new Map<number, C[]>()
  for (const code of codes) {
    const { status } = ERROR_CODES[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const responses: Record<number, TSchema> = {}
  for (const [status, list] of byStatus) {
    const description = list
      .map((code) => `\`${code}\`: ${REST_MESSAGES[code] ?? ERROR_CODES[code].message}`)
      .join('; ')
    const schema = Type.Object(
      {
        code: Type.Unsafe<C>({ type: 'string', enum: list }),
        message: Type.String(),
        ...(list.includes('field_invalid' as C)
          ? { fields: Type.Optional(Type.Array(FieldErrorReply)) }
          : {}),
      },
      { description },
    )
    responses[status] =
      status === 429
        ? withHeaders(schema, {
            'retry-after': { type: 'integer', description: 'Seconds to wait' },
          })
        : schema
  }
  return responses as never
}

/** A response header as the document shows it (Fastify does not check response headers). */
interface Header {
  description: string
  /** @default 'string' */
  type?: 'string' | 'integer'
}

/** `schema` with response headers for the document; Fastify serialises it as before. */
export function withHeaders<T extends TSchema>(schema: T, headers: Record<string, Header>): T {
  const documented = Object.fromEntries(
    Object.entries(headers).map(([name, { description, type = 'string' }]) => [
      name,
      { type, description },
    ]),
  )
  return { ...schema, headers: documented }
}

/** A response without a body (`204`, `304`): documented as `null`, sent with `send()`. */
export function noContent(description: string): TUnsafe<undefined> {
  return Type.Unsafe<undefined>({ type: 'null', description })
}

/**
 * Route config for a body the route checks itself, such as a scenario, whose catalog
 * answers `field_invalid` with a JSON pointer per failed field: Fastify does not validate
 * the body (a schema failure would be a bare `bad_request`), and the document shows `schema`.
 */
export function documentedBody(schema: TSchema): { swaggerTransform: SwaggerTransform } {
  return {
    swaggerTransform: (input) => {
      const { schema: route, url } = hideInternal(input)
      return { schema: { ...route, body: schema }, url }
    },
  }
}

/** Leaves out WebSocket upgrades and CORS preflights: they are not REST. */
const hideInternal: SwaggerTransform = ({ schema, url, route }) => {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  const hidden = route.websocket === true || methods.every((method) => method === 'OPTIONS')
  return { schema: hidden ? { ...schema, hide: true } : schema, url }
}

/**
 * Rewrites TypeBox's JSON Schema for the document. Tuples: TypeBox writes them the draft-07
 * way (`items: [...]`, `additionalItems`), as Ajv wants; OpenAPI 3.1 is JSON Schema 2020-12,
 * where that is `prefixItems` and `items`. A union of literals of one type (`anyOf` of
 * one-value `enum`s) becomes one `enum`, which Swagger UI lists.
 */
function toJsonSchema2020(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema2020)
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) out[key] = toJsonSchema2020(child)
  if (Array.isArray(out.items)) {
    out.prefixItems = out.items
    out.items = out.additionalItems ?? false
    delete out.additionalItems
  }
  const members = out.anyOf
  if (Array.isArray(members) && members.length > 0) {
    const literals = members.filter(
      (m: Record<string, unknown>) =>
        Object.keys(m).length === 2 && Array.isArray(m.enum) && m.enum.length === 1,
    ) as { type: unknown; enum: unknown[] }[]
    const type = literals[0]?.type
    if (literals.length === members.length && literals.every((m) => m.type === type)) {
      delete out.anyOf
      Object.assign(out, { type, enum: literals.map((m) => m.enum[0]) })
    }
  }
  return out
}

/** The part of an OpenAPI document `describeStatuses` walks. */
interface Paths {
  paths?: Record<string, Record<string, { responses?: Record<string, { description?: string }> }>>
}

/** Names each response that has no description of its own by its status (`Created`). */
function describeStatuses(document: Paths): void {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response.description === 'Default Response') {
          response.description = STATUS_CODES[status] ?? status
        }
      }
    }
  }
}

const DESCRIPTION = `The REST API of a Parley relay: the widget's public endpoints under \`/v1/sites/{site}\`, \
the console's under \`/v1/auth\`, \`/v1/admin\` and \`/v1/conversations\`.

Errors are \`{ code, message, fields? }\` with a stable \`code\` (the \`ERROR_CODES\` table of \
\`@parley/protocol\`); \`fields\` comes with \`field_invalid\`.

Live chat goes over two WebSockets that are not described here: \`GET /v1/visitor?site=\` \
(the widget) and \`GET /v1/operator\` (the console; the session cookie or an API token in \`hello\`). \
Their frames are the TypeBox schemas of \`@parley/protocol\` (\`VisitorInbound\`/\`VisitorOutbound\`, \
\`OperatorInbound\`/\`OperatorOutbound\`); see "Wire protocol (v1)" in ARCHITECTURE.md.`

/**
 * The OpenAPI 3.1 document of every REST route, at `GET /v1/openapi.json`, and Swagger UI
 * at `/docs` served from the relay (no CDN, no validator). Register it before any route:
 * it collects them as they are added.
 */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.1',
        info: {
          title: 'Parley relay',
          version: RELAY_VERSION,
          description: `${DESCRIPTION}\n\nProtocol version: ${PROTOCOL_VERSION}.`,
        },
        tags: [
          { name: 'widget', description: "Public, per site: what a site's widget calls" },
          { name: 'auth', description: 'Console sessions and API tokens' },
          { name: 'employees', description: 'Admin: employees and what visitors see of them' },
          { name: 'sites', description: 'Admin: site settings' },
          { name: 'scenarios', description: 'Engagement scenarios and their statistics' },
          { name: 'conversations', description: 'History for operators' },
          { name: 'relay', description: 'Health' },
        ],
        components: {
          securitySchemes: {
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: SESSION_COOKIE,
              description: 'Set by `POST /v1/auth/login` (HttpOnly, SameSite=Strict)',
            },
            apiToken: {
              type: 'http',
              scheme: 'bearer',
              description:
                'An API token from `POST /v1/admin/tokens`; it does what its scopes allow, never more than its creator',
            },
          },
        },
      },
      transform: hideInternal,
      transformObject: (input) => {
        const source = 'openapiObject' in input ? input.openapiObject : {}
        const document = toJsonSchema2020(source) as Paths
        describeStatuses(document)
        return document as never
      },
    })
    await app.register(fastifySwaggerUi, {
      routePrefix: DOCS_PREFIX,
      uiConfig: { validatorUrl: null, deepLinking: true },
      theme: { title: 'Parley relay API' },
    })
    app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'parley-openapi', fastify: '5.x', dependencies: ['parley-infra'] },
)
