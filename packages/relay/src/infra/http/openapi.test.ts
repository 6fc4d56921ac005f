import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ERROR_CODES, type ErrorCode } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'

interface Operation {
  operationId?: string
  security?: Record<string, string[]>[]
  parameters?: { in: string; name: string; required?: boolean }[]
  requestBody?: { content: Record<string, { schema?: object }> }
  responses: Record<
    string,
    {
      description: string
      content?: Record<string, { schema?: { properties?: Record<string, { enum?: string[] }> } }>
    }
  >
}
interface Document {
  openapi: string
  info: { title: string; version: string; description: string }
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes: Record<string, Record<string, string>> }
}

let dir: string
let relay: TestRelay
let doc: Document
let admin: string

beforeAll(async () => {
  // Static directories that exist, so their routes are registered and must stay hidden.
  dir = mkdtempSync(join(tmpdir(), 'parley-openapi-'))
  for (const sub of ['widget', 'console', 'demo']) {
    mkdirSync(join(dir, sub))
    writeFileSync(join(dir, sub, 'index.html'), '<title>x</title>')
  }
  relay = await injectRelay({
    staticDirs: {
      widget: join(dir, 'widget'),
      console: join(dir, 'console'),
      demoSite: join(dir, 'demo'),
    },
  })
  admin = await relay.login()
  const response = await relay.fetch('/v1/openapi.json')
  expect(response.status).toBe(200)
  doc = (await response.json()) as Document
})
afterAll(async () => {
  await relay.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Every `[method, url]` Fastify routes, read from its route tree (`printRoutes`). */
function registeredRoutes(app: FastifyInstance): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = []
  const path: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!match) continue
    path.length = match[1]!.length / 4
    path.push(match[2]!)
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url: path.join('') })
  }
  return routes
}

/**
 * Not REST routes: automatic HEADs, CORS preflights, the two WebSockets, static files and
 * their redirects, and the document with its viewer.
 */
function isHidden({ method, url }: { method: string; url: string }): boolean {
  return (
    method === 'HEAD' ||
    method === 'OPTIONS' ||
    url === '/v1/visitor' ||
    url === '/v1/operator' ||
    url === '/v1/openapi.json' ||
    url === '/docs' ||
    url.startsWith('/docs/') ||
    url === '/' ||
    url === '/*' ||
    url.startsWith('/widget/') ||
    url.startsWith('/console')
  )
}

const toOpenapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}')
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  )
const restRoutes = () => registeredRoutes(relay.app).filter((route) => !isHidden(route))

/**
 * Bodies that pass the schema of routes guarded by a role: Fastify validates the body before
 * the guard runs, so an empty one would answer 400 before 401.
 */
const VALID_BODIES: Record<string, object> = {
  'POST /v1/admin/tokens': { name: 'probe' },
  'POST /v1/admin/sites/:site/groups': { name: 'probe' },
  'POST /v1/canned': { shortcut: 'probe', text: 'Probe' },
  'POST /v1/conversations/:id/messages': { cid: 'probe', text: 'Probe' },
  'POST /v1/messages/search': { q: 'probe' },
  'POST /v1/analytics/live/invitations': { siteId: 'shop', visitorId: 'probe', message: 'Probe' },
  'PATCH /v1/conversations/:id/lead': { status: 'done' },
  'POST /v1/admin/webhooks': { url: 'http://127.0.0.1:9/probe', events: ['message.created'] },
  'POST /v1/admin/contact-points': {
    kind: 'telegram',
    siteId: 'shop',
    name: 'Probe',
    credentials: { token: '1:probe' },
  },
  'POST /v1/admin/employees': {
    email: 'probe@example.com',
    name: 'Probe',
    password: 'a long enough password',
    role: 'operator',
  },
  'POST /v1/privacy/consents/:id/withdraw': { reason: 'probe' },
  'POST /v1/privacy/subjects/:siteId/:visitorId/erase': { reason: 'probe' },
  'PUT /v1/privacy/retention/:siteId': {
    conversationsDays: null,
    visitorsDays: null,
    engagementsDays: null,
  },
}

/** A request to `url` with its parameters filled in and, for writes, a JSON body. */
function probe(method: string, url: string, cookie?: string) {
  const write = method === 'POST' || method === 'PUT' || method === 'PATCH'
  return relay.app.inject({
    method: method as 'GET',
    url: url.replace(':site', 'shop').replace(/:\w+/g, 'missing'),
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(write ? { 'content-type': 'application/json' } : {}),
    },
    ...(write ? { payload: VALID_BODIES[`${method} ${url}`] ?? {} } : {}),
  })
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with info, paths and the two security schemes', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/)
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) })
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0)
    expect(doc.components.securitySchemes).toEqual({
      session: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'parley_session' }),
      apiToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    })
  })

  it('finds the route tree it reads the routes from', () => {
    const routes = registeredRoutes(relay.app)
    expect(routes).toContainEqual({ method: 'GET', url: '/v1/visitor' })
    expect(routes).toContainEqual({ method: 'DELETE', url: '/v1/admin/tokens/:id' })
    expect(routes).toContainEqual({ method: 'GET', url: '/console' })
    expect(restRoutes().length).toBeGreaterThanOrEqual(27)
  })

  it('describes every REST route, and nothing else', () => {
    const documented = operations()
      .map(({ path, method }) => `${method.toUpperCase()} ${path}`)
      .sort()
    const registered = restRoutes()
      .map(({ method, url }) => `${method} ${toOpenapiPath(url)}`)
      .sort()
    expect(documented).toEqual(registered)
  })

  it('leaves out the WebSockets, but names them and the protocol in its description', () => {
    expect(doc.paths['/v1/visitor']).toBeUndefined()
    expect(doc.paths['/v1/operator']).toBeUndefined()
    expect(doc.info.description).toContain('/v1/visitor')
    expect(doc.info.description).toContain('/v1/operator')
    expect(doc.info.description).toContain('@parley/protocol')
  })

  it('gives each operation a unique id, its path parameters and a schema for its success reply', () => {
    const ids = operations().map(({ operation }) => operation.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const { path, method, operation } of operations()) {
      const where = `${method} ${path}`
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        expect(operation.parameters, where).toContainEqual(
          expect.objectContaining({ in: 'path', name, required: true }),
        )
      }
      const success = Object.keys(operation.responses).filter((status) => /^2\d\d$/.test(status))
      expect(success, where).toHaveLength(1)
      const status = success[0]!
      if (status === '204') {
        expect(operation.responses[status]!.content, where).toBeUndefined()
      } else {
        const media = Object.values(operation.responses[status]!.content ?? {})
        expect(media.length, where).toBeGreaterThan(0)
        for (const { schema } of media) expect(Object.keys(schema ?? {}), where).not.toEqual([])
      }
    }
  })

  it('documents each 4xx status with the error codes that map to it', () => {
    for (const { path, method, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!status.startsWith('4')) continue
        const where = `${method} ${path} ${status}`
        const codes = response.content?.['application/json']?.schema?.properties?.code?.enum
        expect(codes?.length, where).toBeGreaterThan(0)
        for (const code of codes ?? []) {
          expect(ERROR_CODES[code as ErrorCode]?.status, `${where} ${code}`).toBe(Number(status))
        }
      }
    }
  })

  it('says which routes need a session or an API token, as the relay enforces it', async () => {
    for (const { method, url } of restRoutes()) {
      const operation = doc.paths[toOpenapiPath(url)]![method.toLowerCase()]!
      const where = `${method} ${url}`
      expect(operation.security, where).toBeDefined()
      const optional = operation.security!.some((entry) => Object.keys(entry).length === 0)
      const required = operation.security!.length > 0 && !optional
      const anonymous = await probe(method, url)
      expect(anonymous.statusCode === 401, where).toBe(required)
      if (required) {
        expect(operation.security, where).toEqual([{ session: [] }, { apiToken: [] }])
        expect(operation.responses['401'], where).toBeDefined()
      }
    }
  })

  it('documents the status and code of what the relay answers with and without an admin', async () => {
    for (const { method, url } of restRoutes()) {
      const operation = doc.paths[toOpenapiPath(url)]![method.toLowerCase()]!
      for (const cookie of [undefined, admin]) {
        const reply = await probe(method, url, cookie)
        const where = `${method} ${url} ${cookie ? 'as admin' : 'anonymous'}: ${reply.body}`
        const response = operation.responses[String(reply.statusCode)]
        expect(response, where).toBeDefined()
        if (reply.statusCode >= 400) {
          const codes = response!.content?.['application/json']?.schema?.properties?.code?.enum
          expect(codes, where).toContain(reply.json().code)
        }
      }
    }
  })

  it('shows the scenario schema for the bodies the catalog checks itself', () => {
    const create = doc.paths['/v1/admin/sites/{site}/scenarios']!.post!
    const schema = create.requestBody?.content['application/json']?.schema as {
      properties: Record<string, unknown>
      required: string[]
    }
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['name', 'where', 'conditions', 'action', 'rules', 'routing']),
    )
    expect(schema.properties).not.toHaveProperty('id')
    expect(
      create.responses['400']!.content!['application/json']!.schema!.properties,
    ).toHaveProperty('fields')
  })

  it('writes tuples as JSON Schema 2020-12 does', () => {
    const text = JSON.stringify(doc)
    expect(text).toContain('"prefixItems"')
    expect(text).not.toContain('"additionalItems"')
    const arraysAsItems: string[] = []
    JSON.stringify(doc, (key, value) => {
      if (key === 'items' && Array.isArray(value)) arraysAsItems.push(JSON.stringify(value))
      return value
    })
    expect(arraysAsItems).toEqual([])
  })
})

describe('the API docs page', () => {
  it('answers /docs with HTML whose scripts and styles the relay serves itself', async () => {
    const page = await relay.fetch('/docs')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(assets).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/swagger-ui-bundle\.js$/),
        expect.stringMatching(/swagger-ui\.css$/),
        expect.stringMatching(/swagger-initializer\.js$/),
      ]),
    )
    for (const asset of assets) {
      const url = new URL(asset, `${relay.url}/docs`)
      expect(url.origin, asset).toBe(relay.url)
      const response = await relay.fetch(url)
      expect(response.status, asset).toBe(200)
      await response.arrayBuffer()
    }
  })

  it('loads the relay document with no validator badge', async () => {
    const initializer = await (await relay.fetch('/docs/static/swagger-initializer.js')).text()
    expect(initializer).toMatch(/"validatorUrl":\s*null/)
    expect(initializer).toContain("resolveUrl('./json')")
    const served = await (await relay.fetch('/docs/json')).json()
    expect(served).toEqual(doc)
  })
})
