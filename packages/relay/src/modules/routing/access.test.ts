import { type ErrorCode, type Permission, ROLE_PERMISSIONS, type Role } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { CONSENT } from '../../testing/forms.ts'
import { ADMIN } from '../../testing/relay.ts'
import { scenarioBody } from '../../testing/scenarios.ts'
import {
  type Auth,
  about,
  buildWorld,
  documentedStatuses,
  expectBareRefusal,
  openapi,
  operations,
  request,
  snapshot,
  type World,
} from './test/access-world.ts'

// Tests that change nothing (each checks it) share one world; the others build their own.
let shared: World
beforeAll(async () => {
  shared = await buildWorld()
})
afterAll(async () => {
  await shared.relay.close()
})

async function ownWorld(): Promise<World> {
  const world = await buildWorld()
  onTestFinished(() => world.relay.close())
  return world
}

type Target = 'c1' | 'c2' | 'c3'
type CallerKey = 'anonymous' | 'o2' | 'o1' | 's' | 'reader' | 'narrow' | 'sites' | 'admin'

/** Who may see which conversation: the visibility rules, written out for this world. */
const SEES: Record<Target, readonly CallerKey[]> = {
  // In Alpha, O1's: O1, Alpha's supervisor, and whoever may read every conversation.
  c1: ['o1', 's', 'reader', 'admin'],
  // Waiting in Alpha: every member of Alpha too.
  c2: ['o1', 's', 'reader', 'admin'],
  // In Beta, O2's. The narrow token is the admin's without `read_all`, in no group: not even this.
  c3: ['o2', 'reader', 'admin'],
}
const TARGETS = Object.keys(SEES) as Target[]

interface Caller {
  key: CallerKey
  auth: Auth
  /** What the permission table grants it (a token: its scopes ∩ its role); none: anonymous. */
  permissions: ReadonlySet<Permission> | null
}

const granted = (role: Role, scopes?: Permission[]) =>
  new Set(ROLE_PERMISSIONS[role].filter((p) => !scopes || scopes.includes(p)))

function callers(w: World): Caller[] {
  return [
    { key: 'anonymous', auth: {}, permissions: null },
    { key: 'o2', auth: { cookie: w.o2.cookie }, permissions: granted('operator') },
    { key: 'o1', auth: { cookie: w.o1.cookie }, permissions: granted('operator') },
    { key: 's', auth: { cookie: w.s.cookie }, permissions: granted('supervisor') },
    {
      key: 'reader',
      auth: { token: w.tokens.reader },
      permissions: granted('admin', ['conversations:read', 'conversations:read_all']),
    },
    {
      key: 'narrow',
      auth: { token: w.tokens.narrow },
      permissions: granted('admin', ['conversations:read']),
    },
    {
      key: 'sites',
      auth: { token: w.tokens.sites },
      permissions: granted('admin', ['sites:manage']),
    },
    { key: 'admin', auth: { cookie: w.admin.cookie }, permissions: granted('admin') },
  ]
}

/**
 * `public`: no credentials asked (only an anonymous call is made). `signedIn`: any employee.
 * `needs`: that permission, and with `sees` a conversation the caller may see
 * (`conversation_not_found` otherwise; the walk tries C1, C2 and C3).
 */
type Rule = { public: true } | { signedIn: true } | { needs: Permission; sees?: true }

interface Row {
  rule: Rule
  /** What a caller the rule lets through gets for `call`. */
  status: number
  /** A call that would succeed; writes aim at what the admin may use up. */
  call: (w: World, target: Target) => { path: string; body?: unknown }
}

const PUBLIC = { public: true } as const
const needs = (permission: Permission) => ({ needs: permission })
const at = (path: string, body?: unknown) => ({ path, body })

// A 1×1 PNG, as multipart (a fresh form per call: a request consumes its body).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)
function photoForm(): FormData {
  const form = new FormData()
  form.append('photo', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'me.png')
  return form
}

/**
 * Every REST route by its OpenAPI path, and who may call it. A route the relay documents
 * without a row here fails the suite: classify it. Writes aim at site `other`, employee Temp,
 * groups Spare and Doomed, scenarios Kept and Doomed and a doomed token, so the order of the
 * walk does not matter.
 */
const ROUTES: Record<string, Row> = {
  'GET /healthz': { rule: PUBLIC, status: 200, call: () => at('/healthz') },
  'POST /v1/auth/login': { rule: PUBLIC, status: 200, call: () => at('/v1/auth/login', ADMIN) },
  'POST /v1/auth/password': {
    rule: PUBLIC,
    status: 400, // password_link_invalid: the handler ran, no credentials asked.
    call: () => at('/v1/auth/password', { token: 'no-such-link', password: 'long enough 1' }),
  },
  'POST /v1/auth/logout': { rule: PUBLIC, status: 204, call: () => at('/v1/auth/logout') },
  'GET /v1/employees/{id}/photo': {
    rule: PUBLIC,
    status: 404, // employee_not_found: O1 has no photo.
    call: (w) => at(`/v1/employees/${w.o1.id}/photo`),
  },
  'GET /v1/sites/{site}/config': {
    rule: PUBLIC,
    status: 200,
    call: () => at('/v1/sites/shop/config'),
  },
  'GET /v1/sites/{site}/presence': {
    rule: PUBLIC,
    status: 200,
    call: () => at('/v1/sites/shop/presence'),
  },
  'GET /v1/sites/{site}/agreement': {
    rule: PUBLIC,
    status: 200,
    call: () => at('/v1/sites/other/agreement'),
  },
  'POST /v1/sites/{site}/engage': {
    rule: PUBLIC,
    status: 200,
    call: (w) =>
      at('/v1/sites/shop/engage', {
        scenarioId: w.scenarios.alpha,
        event: 'impression',
        page: '/catalog',
      }),
  },
  'POST /v1/sites/{site}/callback': {
    rule: PUBLIC,
    status: 200,
    call: () =>
      at('/v1/sites/other/callback', {
        cid: 'walk',
        name: 'Anna',
        phone: '+7 916 123 45 67',
        when: 'asap',
        consent: CONSENT,
      }),
  },
  'POST /v1/sites/{site}/offline': {
    rule: PUBLIC,
    status: 200,
    call: () =>
      at('/v1/sites/other/offline', {
        cid: 'walk',
        name: 'Anna',
        email: 'anna@example.com',
        text: 'Call me',
        consent: CONSENT,
      }),
  },

  'GET /v1/auth/me': { rule: { signedIn: true }, status: 200, call: () => at('/v1/auth/me') },

  'POST /v1/admin/tokens': {
    rule: needs('tokens:manage'),
    status: 201,
    call: () => at('/v1/admin/tokens', { name: 'walk', scopes: ['conversations:read'] }),
  },
  'GET /v1/admin/tokens': {
    rule: needs('tokens:manage'),
    status: 200,
    call: () => at('/v1/admin/tokens'),
  },
  'DELETE /v1/admin/tokens/{id}': {
    rule: needs('tokens:manage'),
    status: 204,
    call: (w) => at(`/v1/admin/tokens/${w.tokens.doomedId}`),
  },

  'GET /v1/admin/employees': {
    rule: needs('employees:manage'),
    status: 200,
    call: () => at('/v1/admin/employees'),
  },
  'POST /v1/admin/employees': {
    rule: needs('employees:manage'),
    status: 201,
    call: () =>
      at('/v1/admin/employees', {
        email: 'walk@example.com',
        name: 'Walk',
        role: 'admin',
        password: 'walk password 1',
      }),
  },
  'PATCH /v1/admin/employees/{id}': {
    rule: needs('employees:manage'),
    status: 200,
    call: (w) => at(`/v1/admin/employees/${w.temp.id}`, { role: 'admin' }),
  },
  'POST /v1/admin/employees/{id}/deactivate': {
    rule: needs('employees:manage'),
    status: 200,
    call: (w) => at(`/v1/admin/employees/${w.temp.id}/deactivate`),
  },
  'POST /v1/admin/employees/{id}/reactivate': {
    rule: needs('employees:manage'),
    status: 200,
    call: (w) => at(`/v1/admin/employees/${w.temp.id}/reactivate`),
  },
  'POST /v1/admin/employees/{id}/password-link': {
    rule: needs('employees:manage'),
    status: 201,
    call: (w) => at(`/v1/admin/employees/${w.temp.id}/password-link`),
  },
  'PUT /v1/admin/employees/{id}/photo': {
    rule: needs('employees:manage'),
    status: 200,
    call: (w) => at(`/v1/admin/employees/${w.temp.id}/photo`, photoForm()),
  },
  'DELETE /v1/admin/employees/{id}/photo': {
    rule: needs('employees:manage'),
    status: 200,
    call: (w) => at(`/v1/admin/employees/${w.temp.id}/photo`),
  },

  'GET /v1/admin/sites/{site}': {
    rule: needs('sites:manage'),
    status: 200,
    call: () => at('/v1/admin/sites/shop'),
  },
  'PUT /v1/admin/sites/{site}': {
    rule: needs('sites:manage'),
    status: 200,
    call: () => at('/v1/admin/sites/other', { name: 'Taken over' }),
  },

  'GET /v1/admin/sites/{site}/scenarios': {
    rule: needs('scenarios:read'),
    status: 200,
    call: () => at('/v1/admin/sites/shop/scenarios'),
  },
  'GET /v1/admin/sites/{site}/scenarios/stats': {
    rule: needs('scenarios:read'),
    status: 200,
    call: () => at('/v1/admin/sites/shop/scenarios/stats'),
  },
  'GET /v1/admin/sites/{site}/scenarios/{id}': {
    rule: needs('scenarios:read'),
    status: 200,
    call: (w) => at(`/v1/admin/sites/other/scenarios/${w.scenarios.kept}`),
  },
  'POST /v1/admin/sites/{site}/scenarios': {
    rule: needs('scenarios:manage'),
    status: 201,
    call: () => at('/v1/admin/sites/other/scenarios', scenarioBody()),
  },
  'PUT /v1/admin/sites/{site}/scenarios/{id}': {
    rule: needs('scenarios:manage'),
    status: 200,
    call: (w) =>
      at(
        `/v1/admin/sites/other/scenarios/${w.scenarios.kept}`,
        scenarioBody({ name: 'Taken over' }),
      ),
  },
  'DELETE /v1/admin/sites/{site}/scenarios/{id}': {
    rule: needs('scenarios:manage'),
    status: 204,
    call: (w) => at(`/v1/admin/sites/other/scenarios/${w.scenarios.doomed}`),
  },
  'PUT /v1/admin/sites/{site}/scenario-settings': {
    rule: needs('scenarios:manage'),
    status: 200,
    call: () => at('/v1/admin/sites/other/scenario-settings', { minGapSeconds: 7 }),
  },

  // Any operator lists a site's groups, to pick a transfer target.
  'GET /v1/admin/sites/{site}/groups': {
    rule: needs('conversations:read'),
    status: 200,
    call: () => at('/v1/admin/sites/shop/groups'),
  },
  'POST /v1/admin/sites/{site}/groups': {
    rule: needs('employees:manage'),
    status: 201,
    call: () => at('/v1/admin/sites/other/groups', { name: 'Walk' }),
  },
  'PATCH /v1/admin/groups/{id}': {
    rule: needs('employees:manage'),
    status: 200,
    call: (w) => at(`/v1/admin/groups/${w.groups.spare}`, { members: [w.o2.id] }),
  },
  'DELETE /v1/admin/groups/{id}': {
    rule: needs('employees:manage'),
    status: 204,
    call: (w) => at(`/v1/admin/groups/${w.groups.doomed}`),
  },

  'GET /v1/conversations': {
    rule: needs('conversations:read'),
    status: 200,
    call: () => at('/v1/conversations'),
  },
  'GET /v1/conversations/{id}/events': {
    rule: { needs: 'conversations:read', sees: true },
    status: 200,
    call: (w, target) => at(`/v1/conversations/${w[target].id}/events`),
  },
  'GET /v1/conversations/{id}/routing': {
    rule: { needs: 'conversations:read', sees: true },
    status: 200,
    call: (w, target) => at(`/v1/conversations/${w[target].id}/routing`),
  },
}

/**
 * Answers a route gives that its OpenAPI entry does not list, as `STATUS METHOD /path`.
 * BUG: these two guard with `requirePermission(app, 'conversations:read')`, so a token without
 * that scope gets 403 `forbidden`, but their `errors(...)` leave `forbidden` out. Every role
 * has the permission; only such a token meets it. Remove a line once its route documents 403.
 */
const UNDOCUMENTED = ['403 GET /v1/conversations', '403 GET /v1/conversations/{id}/events']

/** The refusal a caller gets under `rule` for `target`, or none (it is let through). */
function refusalFor(rule: Rule, caller: Caller, target: Target): ErrorCode | undefined {
  if ('public' in rule) return undefined
  if (!caller.permissions) return 'unauthorized'
  if ('signedIn' in rule) return undefined
  if (!caller.permissions.has(rule.needs)) return 'forbidden'
  if (rule.sees && !SEES[target].includes(caller.key)) return 'conversation_not_found'
  return undefined
}

describe('REST', () => {
  it('has a row in the expectation table for every route the relay documents', async () => {
    const document = await openapi(shared)
    const documented = operations(document)
    const table = Object.keys(ROUTES)
    expect(documented.filter((route) => !table.includes(route))).toEqual([])
    expect(table.filter((route) => !documented.includes(route))).toEqual([])
    // Each exception to "every answer is documented" is still one.
    for (const entry of UNDOCUMENTED) {
      const [status, ...route] = entry.split(' ')
      expect(documentedStatuses(document, route.join(' ')), entry).not.toContain(status)
    }
  })

  it('answers each caller on every route as the permission table says, changing nothing it refuses', async () => {
    const w = await ownWorld()
    const document = await openapi(w)
    const calls = operations(document).flatMap((route) => {
      const row = ROUTES[route]
      if (!row) return [] // the test above names it
      const targets: Target[] = 'sees' in row.rule && row.rule.sees ? TARGETS : ['c1']
      const who = 'public' in row.rule ? callers(w).slice(0, 1) : callers(w)
      return targets.flatMap((target) =>
        who.map((caller) => ({
          route,
          row,
          target,
          caller,
          refusal: refusalFor(row.rule, caller, target),
        })),
      )
    })
    const send = async ({ route, row, target, caller }: (typeof calls)[number]) => {
      const { path, body } = row.call(w, target)
      const reply = await request(w.relay, caller.auth, route.split(' ')[0]!, path, body)
      const what = `${caller.key}: ${route} (${target})`
      if (!UNDOCUMENTED.includes(`${reply.status} ${route}`)) {
        expect(documentedStatuses(document, route), `${what}: documented`).toContain(
          String(reply.status),
        )
      }
      return { reply, what }
    }

    // First every refusal, on the world as built: none may change anything.
    const before = await snapshot(w)
    const refusals: Partial<Record<ErrorCode, number>> = {}
    for (const call of calls) {
      if (!call.refusal) continue
      const { reply, what } = await send(call)
      expectBareRefusal(w, reply, call.refusal, what)
      refusals[call.refusal] = (refusals[call.refusal] ?? 0) + 1
    }
    expect(await snapshot(w)).toEqual(before)
    // Each kind of refusal was met: the walk does not pass vacuously.
    expect(refusals).toEqual({
      unauthorized: expect.any(Number),
      forbidden: expect.any(Number),
      conversation_not_found: expect.any(Number),
    })

    // Then the same calls from those let through (the admin last): they were real calls.
    for (const call of calls) {
      if (call.refusal) continue
      const { reply, what } = await send(call)
      expect(reply.status, `${what}: ${reply.text}`).toBe(call.row.status)
      expect(reply.body?.code, what).not.toBe('unauthorized')
    }
  })

  it('lists to each caller only the conversations they may see', async () => {
    const readers = callers(shared).filter((c) => c.permissions?.has('conversations:read'))
    for (const caller of readers) {
      const reply = await request(shared.relay, caller.auth, 'GET', '/v1/conversations')
      const listed = reply.body.conversations.map((c: { id: string }) => c.id)
      const seen = TARGETS.filter((t) => listed.includes(shared[t].id))
      expect(seen, caller.key).toEqual(TARGETS.filter((t) => SEES[t].includes(caller.key)))
    }
  })
})
