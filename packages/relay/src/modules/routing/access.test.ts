import {
  type ErrorCode,
  OperatorInbound,
  type Permission,
  PROTOCOL_VERSION,
  ROLE_PERMISSIONS,
  type Role,
} from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { CONSENT, VERSION } from '../../testing/forms.ts'
import { ADMIN } from '../../testing/relay.ts'
import { scenarioBody } from '../../testing/scenarios.ts'
import { type Frame, ofType, type TestSocket } from '../../testing/ws-client.ts'
import {
  type Auth,
  about,
  buildWorld,
  documentedStatuses,
  eventsOf,
  expectBareRefusal,
  heardOf,
  openapi,
  operations,
  request,
  snapshot,
  TEXTS,
  type World,
} from './test/access-world.ts'

// Tests that change nothing (each checks it) share one world; the others build their own.
let shared: World
// Building the world is many requests: a busy machine takes longer than the default 10 s.
beforeAll(async () => {
  shared = await buildWorld()
}, 60_000)
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
 * (`conversation_not_found` otherwise, or `hiddenAs` for what a route reads about it; the walk
 * tries C1, C2 and C3).
 */
type Rule =
  | { public: true }
  | { signedIn: true }
  | { needs: Permission; sees?: true; hiddenAs?: ErrorCode }

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
/** The same PNG as the one file of an operator's upload. */
function pngForm(): FormData {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'walk.png')
  return form
}
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
  'POST /v1/sites/{site}/funnel': {
    rule: PUBLIC,
    status: 204,
    call: () => at('/v1/sites/shop/funnel', { step: 'visit', page: 'https://shop.example/' }),
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
  // The visitor's own token is the credential: C1's visitor, who gave no consent.
  'POST /v1/sites/{site}/consents/withdraw': {
    rule: PUBLIC,
    status: 200,
    call: (w) => at('/v1/sites/shop/consents/withdraw', { token: tokenOf(w.c1), cid: 'walk' }),
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

  'GET /v1/admin/webhooks': {
    rule: needs('webhooks:manage'),
    status: 200,
    call: () => at('/v1/admin/webhooks'),
  },
  'POST /v1/admin/webhooks': {
    rule: needs('webhooks:manage'),
    status: 201,
    call: () =>
      at('/v1/admin/webhooks', { url: 'http://127.0.0.1:9/walk', events: ['message.created'] }),
  },
  'PATCH /v1/admin/webhooks/{id}': {
    rule: needs('webhooks:manage'),
    status: 200,
    call: (w) => at(`/v1/admin/webhooks/${w.webhooks.kept}`, { description: 'Taken over' }),
  },
  'DELETE /v1/admin/webhooks/{id}': {
    rule: needs('webhooks:manage'),
    status: 204,
    call: (w) => at(`/v1/admin/webhooks/${w.webhooks.doomed}`),
  },
  'POST /v1/admin/webhooks/{id}/rotate-secret': {
    rule: needs('webhooks:manage'),
    status: 200,
    call: (w) => at(`/v1/admin/webhooks/${w.webhooks.kept}/rotate-secret`),
  },
  'GET /v1/admin/webhooks/{id}/deliveries': {
    rule: needs('webhooks:manage'),
    status: 200,
    call: (w) => at(`/v1/admin/webhooks/${w.webhooks.kept}/deliveries`),
  },
  'POST /v1/admin/webhooks/{id}/deliveries/{delivery}/resend': {
    rule: needs('webhooks:manage'),
    status: 202,
    call: (w) =>
      at(`/v1/admin/webhooks/${w.webhooks.kept}/deliveries/${w.webhooks.delivery}/resend`),
  },
  'POST /v1/admin/webhooks/{id}/test': {
    rule: needs('webhooks:manage'),
    status: 202,
    call: (w) => at(`/v1/admin/webhooks/${w.webhooks.kept}/test`),
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

  'GET /v1/team': {
    rule: needs('conversations:read'),
    status: 200,
    call: () => at('/v1/team'),
  },
  'GET /v1/admin/sites': {
    rule: needs('conversations:read'),
    status: 200,
    call: () => at('/v1/admin/sites'),
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

  'GET /v1/canned': {
    rule: needs('conversations:reply'),
    status: 200,
    call: () => at('/v1/canned'),
  },
  'POST /v1/canned': {
    rule: needs('conversations:reply'),
    status: 201,
    call: () => at('/v1/canned', { shortcut: 'walk', text: 'A walk-through' }),
  },
  // A group's response is changed by those who manage employees; its members only read it.
  'PATCH /v1/canned/{id}': {
    rule: needs('employees:manage'),
    status: 200,
    call: (w) => at(`/v1/canned/${w.canned.kept}`, { text: 'Changed' }),
  },
  'DELETE /v1/canned/{id}': {
    rule: needs('employees:manage'),
    status: 204,
    call: (w) => at(`/v1/canned/${w.canned.doomed}`),
  },

  'GET /v1/admin/contact-points': {
    rule: needs('channels:manage'),
    status: 200,
    call: () => at('/v1/admin/contact-points'),
  },
  'POST /v1/admin/contact-points': {
    rule: needs('channels:manage'),
    status: 201,
    call: () =>
      at('/v1/admin/contact-points', {
        kind: 'telegram',
        siteId: 'other',
        name: 'Walk',
        credentials: { token: '1:walk' },
      }),
  },
  'PATCH /v1/admin/contact-points/{id}': {
    rule: needs('channels:manage'),
    status: 200,
    call: (w) => at(`/v1/admin/contact-points/${w.contactPoints.kept}`, { name: 'Taken over' }),
  },
  'DELETE /v1/admin/contact-points/{id}': {
    rule: needs('channels:manage'),
    status: 204,
    call: (w) => at(`/v1/admin/contact-points/${w.contactPoints.doomed}`),
  },
  // The messenger's webhook asks no credentials: the channel checks its secret (none here).
  'POST /v1/channels/{id}/webhook': {
    rule: PUBLIC,
    status: 403, // channel_update_forbidden: the handler ran.
    call: (w) => at(`/v1/channels/${w.contactPoints.kept}/webhook`, { update_id: 1 }),
  },
  // A file of a conversation the caller cannot see reads as one that does not exist.
  'GET /v1/attachments/{id}': {
    rule: { needs: 'conversations:read', sees: true, hiddenAs: 'attachment_not_found' },
    status: 200,
    call: (w, target) => at(`/v1/attachments/${w.attachments[target]}`),
  },
  // The walk's chats are the widget's: the handler ran and refused a file the widget cannot show.
  'POST /v1/conversations/{id}/attachments': {
    rule: { needs: 'conversations:reply', sees: true },
    status: 409, // attachment_channel_unsupported
    call: (w, target) => at(`/v1/conversations/${w[target].id}/attachments`, pngForm()),
  },
  'GET /v1/conversations/{id}/deliveries': {
    rule: { needs: 'conversations:read', sees: true },
    status: 200,
    call: (w, target) => at(`/v1/conversations/${w[target].id}/deliveries`),
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
  'POST /v1/messages/search': {
    rule: needs('conversations:read'),
    status: 200,
    call: () => at('/v1/messages/search', { q: 'secret order' }),
  },
  'GET /v1/conversations/{id}/routing': {
    rule: { needs: 'conversations:read', sees: true },
    status: 200,
    call: (w, target) => at(`/v1/conversations/${w[target].id}/routing`),
  },
  'PATCH /v1/conversations/{id}/lead': {
    rule: { needs: 'conversations:reply', sees: true },
    status: 409, // not_a_lead: the walk's conversations are chats; the handler ran.
    call: (w, target) => at(`/v1/conversations/${w[target].id}/lead`, { status: 'done' }),
  },
  'GET /v1/conversations/{id}/visitor': {
    rule: { needs: 'conversations:read', sees: true },
    status: 200,
    call: (w, target) => at(`/v1/conversations/${w[target].id}/visitor`),
  },

  // The privacy tools: the register and the audit log for supervisors too, the rest admins'.
  'GET /v1/privacy/consents': {
    rule: needs('privacy:read'),
    status: 200,
    call: () => at('/v1/privacy/consents?siteId=other'),
  },
  'GET /v1/privacy/consents.csv': {
    rule: needs('privacy:read'),
    status: 200,
    call: () => at('/v1/privacy/consents.csv'),
  },
  'GET /v1/analytics/metrics': {
    rule: needs('analytics:read'),
    status: 200,
    call: () => at('/v1/analytics/metrics?from=2026-01-01&to=2026-01-02'),
  },
  'GET /v1/analytics/metrics.csv': {
    rule: needs('analytics:read'),
    status: 200,
    call: () => at('/v1/analytics/metrics.csv?from=2026-01-01&to=2026-01-02&groupBy=day'),
  },
  'GET /v1/analytics/channels': {
    rule: needs('analytics:read'),
    status: 200,
    call: () => at('/v1/analytics/channels?from=2026-01-01&to=2026-01-02'),
  },
  'GET /v1/analytics/channels.csv': {
    rule: needs('analytics:read'),
    status: 200,
    call: () => at('/v1/analytics/channels.csv?from=2026-01-01&to=2026-01-02'),
  },
  'GET /v1/analytics/funnel': {
    rule: needs('analytics:read'),
    status: 200,
    call: () => at('/v1/analytics/funnel?from=2026-01-01&to=2026-01-02&groupBy=channel'),
  },
  'GET /v1/analytics/funnel.csv': {
    rule: needs('analytics:read'),
    status: 200,
    call: () => at('/v1/analytics/funnel.csv?from=2026-01-01&to=2026-01-02'),
  },
  'GET /v1/analytics/live': {
    rule: needs('analytics:read'),
    status: 200,
    call: () => at('/v1/analytics/live'),
  },
  'POST /v1/analytics/live/invitations': {
    rule: needs('visitors:invite'),
    status: 409, // visitor_offline: the handler ran; no widget of this visitor is connected.
    call: () =>
      at('/v1/analytics/live/invitations', {
        siteId: 'shop',
        visitorId: 'v_walk',
        message: 'May I help?',
      }),
  },
  'GET /v1/privacy/agreements/{siteId}/{version}': {
    rule: needs('privacy:read'),
    status: 200,
    call: () => at(`/v1/privacy/agreements/other/${VERSION}`),
  },
  'GET /v1/privacy/audit': {
    rule: needs('privacy:read'),
    status: 200,
    call: () => at('/v1/privacy/audit'),
  },
  'POST /v1/privacy/consents/{id}/withdraw': {
    rule: needs('privacy:manage'),
    status: 404, // consent_not_found: the handler ran.
    call: () => at('/v1/privacy/consents/k_none/withdraw', { reason: 'Letter of 2 May' }),
  },
  'GET /v1/privacy/subjects': {
    rule: needs('privacy:manage'),
    status: 200,
    call: (w) => at(`/v1/privacy/subjects?query=${visitorOf(w.c3)}`),
  },
  'GET /v1/privacy/subjects/{siteId}/{visitorId}/export': {
    rule: needs('privacy:manage'),
    status: 200,
    call: (w) => at(`/v1/privacy/subjects/shop/${visitorOf(w.c3)}/export`),
  },
  'GET /v1/privacy/subjects/{siteId}/{visitorId}/export.html': {
    rule: needs('privacy:manage'),
    status: 200,
    call: (w) => at(`/v1/privacy/subjects/shop/${visitorOf(w.c3)}/export.html`),
  },
  // A visitor nobody else uses: erasing again is allowed and changes nothing more.
  'POST /v1/privacy/subjects/{siteId}/{visitorId}/erase': {
    rule: needs('privacy:manage'),
    status: 200,
    call: () => at('/v1/privacy/subjects/other/v_walk/erase', { reason: 'Request #1' }),
  },
  'GET /v1/privacy/retention/{siteId}': {
    rule: needs('privacy:manage'),
    status: 200,
    call: () => at('/v1/privacy/retention/shop'),
  },
  'PUT /v1/privacy/retention/{siteId}': {
    rule: needs('privacy:manage'),
    status: 200,
    call: () =>
      at('/v1/privacy/retention/other', {
        conversationsDays: 365,
        visitorsDays: null,
        engagementsDays: 30,
      }),
  },

  // Only admins have `messages:write`; posting leaves the assignment as it is.
  'POST /v1/conversations/{id}/messages': {
    rule: { needs: 'messages:write', sees: true },
    status: 201,
    call: (w, target) =>
      at(`/v1/conversations/${w[target].id}/messages`, {
        cid: `walk-${target}`,
        text: 'From a CRM',
      }),
  },

  'GET /v1/integrations/conversations': {
    rule: needs('conversations:read'),
    status: 200,
    call: () => at('/v1/integrations/conversations'),
  },
  'GET /v1/integrations/messages': {
    rule: needs('conversations:read'),
    status: 200,
    call: () => at('/v1/integrations/messages'),
  },
  'GET /v1/integrations/leads': {
    rule: needs('leads:read'),
    status: 200,
    call: () => at('/v1/integrations/leads'),
  },
  'GET /v1/integrations/visitors': {
    rule: needs('visitors:read'),
    status: 200,
    call: () => at('/v1/integrations/visitors'),
  },
}

/** The visitor id of a chat's visitor, from the welcome their socket got. */
function visitorOf(chat: World['c1']): string {
  return chat.visitor.frames.find((f) => f.t === 'welcome')!.visitorId
}

/** The token of a chat's visitor. */
function tokenOf(chat: World['c1']): string {
  return chat.visitor.frames.find((f) => f.t === 'welcome')!.token
}

/** Answers a route gives that its OpenAPI entry does not list, as `STATUS METHOD /path`: none. */
const UNDOCUMENTED: string[] = []

/** The refusal a caller gets under `rule` for `target`, or none (it is let through). */
function refusalFor(rule: Rule, caller: Caller, target: Target): ErrorCode | undefined {
  if ('public' in rule) return undefined
  if (!caller.permissions) return 'unauthorized'
  if ('signedIn' in rule) return undefined
  if (!caller.permissions.has(rule.needs)) return 'forbidden'
  if (rule.sees && !SEES[target].includes(caller.key)) {
    return rule.hiddenAs ?? 'conversation_not_found'
  }
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
      attachment_not_found: expect.any(Number),
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

describe('history search', () => {
  it('finds for each caller only the messages of the conversations they may see', async () => {
    const readers = callers(shared).filter((c) => c.permissions?.has('conversations:read'))
    let found = 0
    for (const caller of readers) {
      for (const target of TARGETS) {
        const reply = await request(shared.relay, caller.auth, 'POST', '/v1/messages/search', {
          q: TEXTS[target],
        })
        expect(reply.status, caller.key).toBe(200)
        const ids = reply.body.items.map((h: { conversation: { id: string } }) => h.conversation.id)
        const sees = SEES[target].includes(caller.key)
        expect(ids.includes(shared[target].id), `${caller.key} finds ${target}`).toBe(sees)
        // Nothing of a conversation the caller may not see, in any hit.
        if (!sees) expect(reply.text, caller.key).not.toContain(TEXTS[target])
        if (sees) found++
      }
    }
    // Not vacuous: each of the three was found by someone, and refused to someone.
    expect(found).toBeGreaterThan(TARGETS.length)
    expect(found).toBeLessThan(readers.length * TARGETS.length)
  })
})

type FrameType = Exclude<OperatorInbound['t'], 'hello'>

/**
 * What a frame gets: an error with this code, its ack, a pong, or nothing at all; `allowed`:
 * let through, and what it does is checked on its own.
 */
type Answer = { error: ErrorCode } | 'ack' | 'pong' | 'nothing' | 'allowed'

interface FrameRow {
  frame: (w: World, conversationId: string, cid: string) => Frame
  /** From O2, who is in Beta only, about a conversation of Alpha. */
  nonMember: Answer
  /** From an API token with `conversations:read` (and `read_all`) only. */
  readOnly: Answer
}

const notFound = { error: 'conversation_not_found' } as const
const forbidden = { error: 'forbidden' } as const

/** Every frame an operator socket takes after `hello`, aimed at a conversation where it can be. */
const FRAMES: Record<FrameType, FrameRow> = {
  send: {
    frame: (_, conversationId, cid) => ({ t: 'send', cid, conversationId, text: 'Taken over' }),
    nonMember: notFound,
    readOnly: forbidden,
  },
  close: {
    frame: (_, conversationId, cid) => ({ t: 'close', cid, conversationId }),
    nonMember: notFound,
    readOnly: forbidden,
  },
  accept: {
    frame: (_, conversationId, cid) => ({ t: 'accept', cid, conversationId }),
    nonMember: notFound,
    readOnly: forbidden,
  },
  transfer: {
    frame: (w, conversationId, cid) => ({
      t: 'transfer',
      cid,
      conversationId,
      to: { operatorId: w.o2.id },
      note: 'Mine now',
    }),
    nonMember: notFound,
    readOnly: forbidden,
  },
  // Not about a conversation: O2 sets their own status; a read-only token may not.
  status: {
    frame: (_, __, cid) => ({ t: 'status', cid, status: 'online' }),
    nonMember: 'ack',
    readOnly: forbidden,
  },
  typing: {
    frame: (_, conversationId) => ({ t: 'typing', conversationId, typing: true }),
    nonMember: notFound,
    readOnly: forbidden,
  },
  read: {
    frame: (_, conversationId, cid) => ({ t: 'read', cid, conversationId, seq: 1 }),
    nonMember: notFound,
    readOnly: forbidden,
  },
  // A cursor naming a conversation one may not see is skipped without a trace.
  sync: {
    frame: (_, conversationId) => ({ t: 'sync', cursor: { [conversationId]: 0 } }),
    nonMember: 'nothing',
    readOnly: 'allowed',
  },
  ping: { frame: () => ({ t: 'ping' }), nonMember: 'pong', readOnly: 'pong' },
}

/** Sends each frame of the table about `conversationId` and checks what `answerOf` says. */
async function walkFrames(
  w: World,
  socket: TestSocket,
  conversationId: string,
  answerOf: (row: FrameRow) => Answer,
  label: string,
) {
  for (const [t, row] of Object.entries(FRAMES)) {
    const answer = answerOf(row)
    if (answer === 'allowed') continue
    const cid = `${label}-${t}`
    const frame = row.frame(w, conversationId, cid)
    const what = `${label}: ${t} about ${conversationId}`
    socket.send(frame)
    if (answer === 'pong') await socket.next(ofType('pong'))
    else if (answer === 'ack') await socket.next(ofType('ack', (f) => f.cid === cid))
    else if (answer === 'nothing') await socket.none(about(conversationId))
    else {
      const error = await socket.next(ofType('error'))
      // The code, the frame's own cid when it has one, a message; nothing about the conversation.
      expect(error, what).toEqual({
        t: 'error',
        code: answer.error,
        message: expect.any(String),
        ...(frame.cid !== undefined && { cid }),
      })
      for (const text of w.texts) expect(error.message, what).not.toContain(text)
    }
    await socket.none((f) => f.t === 'error' || f.t === 'ack')
  }
}

describe('the operator socket', () => {
  it('has a row in the frame table for every operator frame the protocol defines', () => {
    const types = OperatorInbound.anyOf.map((schema) => schema.properties.t.const as string)
    expect(types.filter((t) => t !== 'hello').sort()).toEqual(Object.keys(FRAMES).sort())
  })

  it("refuses each frame of a non-member about Alpha's conversations, and stores nothing", async () => {
    const w = shared
    const before = await snapshot(w)
    for (const target of ['c1', 'c2'] as const) {
      await walkFrames(w, w.sockets.o2, w[target].id, (row) => row.nonMember, 'o2')
    }
    expect(await snapshot(w)).toEqual(before)
    const messages = (await eventsOf(w, w.c1.id)).filter((e) => e.kind === 'message')
    expect(messages.map((e) => e.text)).toEqual([TEXTS.c1])
    expect(heardOf(w.sockets.o2, w.c1.id)).toEqual([])
    expect(heardOf(w.sockets.o2, w.c2.id)).toEqual([])
  })

  it('refuses every write frame to a read-only API token, even one that sees the conversation', async () => {
    const w = shared
    const before = await snapshot(w)
    for (const [label, apiToken, sees] of [
      ['reader', w.tokens.reader, true],
      ['narrow', w.tokens.narrow, false],
    ] as const) {
      const { socket, welcome } = await w.relay.operator({ apiToken })
      onTestFinished(() => socket.close())
      const listed = welcome.conversations.map((c: { id: string }) => c.id)
      expect(listed.includes(w.c1.id), `${label} sees C1`).toBe(sees)
      await walkFrames(w, socket, w.c1.id, (row) => row.readOnly, label)
      // `sync` is a read: the token that sees C1 has it replayed.
      socket.send({ t: 'sync', cursor: { [w.c1.id]: 0 } })
      if (sees) await socket.next(ofType('event', (f) => f.conversationId === w.c1.id))
      else await socket.none(about(w.c1.id))
    }
    expect(await snapshot(w)).toEqual(before)
  })

  it("never tells a non-member of Alpha's conversations: live, in its welcome, on sync", async () => {
    const w = await ownWorld()
    const { o1, o2, s } = w.sockets
    // Live: the visitors write and type; O1 and Alpha's supervisor hear it, O2 does not.
    w.c1.visitor.send({ t: 'send', cid: 'm2', conversationId: w.c1.id, text: 'Any news?' })
    w.c1.visitor.send({ t: 'typing', conversationId: w.c1.id, typing: true })
    w.c2.visitor.send({ t: 'send', cid: 'm2', conversationId: w.c2.id, text: 'Hello?' })
    for (const socket of [o1, s]) {
      await socket.next(ofType('event', (f) => f.conversationId === w.c1.id && f.seq === 3))
      await socket.next(ofType('typing', (f) => f.conversationId === w.c1.id))
      await socket.next(ofType('event', (f) => f.conversationId === w.c2.id && f.seq === 3))
    }
    await o2.none(about(w.c1.id))
    expect(heardOf(o2, w.c1.id)).toEqual([])
    expect(heardOf(o2, w.c2.id)).toEqual([])

    // A new socket's welcome and replay: C3 only, though its cursor names C1 and C2 as well.
    const tab = await w.relay.socket('/v1/operator', { headers: { cookie: w.o2.cookie } })
    const cursor = { [w.c1.id]: 0, [w.c2.id]: 0, [w.c3.id]: 0 }
    tab.send({ t: 'hello', v: PROTOCOL_VERSION, cursor })
    const welcome = await tab.next(ofType('welcome'))
    expect(welcome.conversations.map((c: { id: string }) => c.id)).toEqual([w.c3.id])
    await tab.next(ofType('event', (f) => f.conversationId === w.c3.id && f.text === TEXTS.c3))
    await tab.none((f) => about(w.c1.id)(f) || about(w.c2.id)(f))

    // `sync` naming C1 replays nothing; naming C3 it replays (it is not silent for everything).
    o2.send({ t: 'sync', cursor: { [w.c1.id]: 0 } })
    await o2.none(about(w.c1.id))
    o2.send({ t: 'sync', cursor: { [w.c3.id]: 0 } })
    await o2.next(ofType('event', (f) => f.conversationId === w.c3.id && f.text === TEXTS.c3))
    expect(heardOf(o2, w.c1.id)).toEqual([])
    expect(JSON.stringify([...o2.frames, ...tab.frames])).not.toMatch(/Alpha|Any news|Hello\?/)
  })
})

describe('the supervisor', () => {
  it("sees Alpha's conversations, O1's too, live and over REST, and none of Beta's", async () => {
    const w = await ownWorld()
    const sue = { cookie: w.s.cookie }
    const events = await request(w.relay, sue, 'GET', `/v1/conversations/${w.c1.id}/events`)
    expect(events.status).toBe(200)
    expect(events.body.conversation.operator.id).toBe(w.o1.id)
    const messages = events.body.events.filter((e: { kind: string }) => e.kind === 'message')
    expect(messages.map((e: { text: string }) => e.text)).toEqual([TEXTS.c1])
    const beta = await request(w.relay, sue, 'GET', `/v1/conversations/${w.c3.id}/events`)
    expectBareRefusal(w, beta, 'conversation_not_found', 'S reads C3')

    const { welcome } = await w.relay.operator({ cookie: w.s.cookie })
    const listed = welcome.conversations.map((c: { id: string }) => c.id)
    expect(TARGETS.filter((t) => listed.includes(w[t].id))).toEqual(['c1', 'c2'])

    // O1 answers in C1 and O2 in C3: Sue hears O1's reply, never O2's.
    w.sockets.o1.send({ t: 'send', cid: 'r1', conversationId: w.c1.id, text: 'On its way' })
    w.sockets.o2.send({ t: 'send', cid: 'r1', conversationId: w.c3.id, text: 'Refund done' })
    await w.sockets.s.next(
      ofType('event', (f) => f.conversationId === w.c1.id && f.text === 'On its way'),
    )
    await w.c3.visitor.next(ofType('event', (f) => f.text === 'Refund done'))
    await w.sockets.s.none(about(w.c3.id))
    expect(heardOf(w.sockets.s, w.c3.id)).toEqual([])

    // Her sync naming C3 replays nothing; naming C1 it replays O1's reply.
    w.sockets.s.send({ t: 'sync', cursor: { [w.c3.id]: 0, [w.c1.id]: 2 } })
    await w.sockets.s.next(
      ofType('event', (f) => f.conversationId === w.c1.id && f.text === 'On its way'),
    )
    await w.sockets.s.none(about(w.c3.id))
  })
})

describe('transfers', () => {
  it("keep a conversation within its site's groups", async () => {
    const w = await ownWorld()
    // Spare is a group of `other`; Temp joins it, and is in no group of `shop`.
    const admin = { cookie: w.admin.cookie }
    const spare = `/v1/admin/groups/${w.groups.spare}`
    expect((await request(w.relay, admin, 'PATCH', spare, { members: [w.temp.id] })).status).toBe(
      200,
    )
    const temp = { cookie: w.temp.cookie }
    const events = `/v1/conversations/${w.c1.id}/events`
    expectBareRefusal(
      w,
      await request(w.relay, temp, 'GET', events),
      'conversation_not_found',
      'Temp reads C1',
    )
    const to = { groupId: w.groups.spare }
    w.sockets.o1.send({ t: 'transfer', cid: 'away', conversationId: w.c1.id, to })
    const answer = await w.sockets.o1.next((f) => f.cid === 'away')
    const read = await request(w.relay, temp, 'GET', events)
    // No group of another site is a group of this conversation's site: it stays where it is.
    expect({ answer: answer.code ?? answer.t, tempReads: read.status }).toEqual({
      answer: 'group_not_found',
      tempReads: 404,
    })
  })
})
