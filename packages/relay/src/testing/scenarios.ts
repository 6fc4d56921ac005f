import type { TestRelay } from './relay.ts'

/** A valid scenario body for `POST /v1/admin/sites/:site/scenarios` (no id, no siteId). */
export function scenarioBody(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Catalog helper',
    enabled: true,
    priority: 0,
    where: { include: [{ type: 'prefix', value: '/catalog' }], exclude: [] },
    conditions: { all: [{ type: 'timeOnSite', seconds: 3 }] },
    action: { type: 'bubble', message: 'Need help choosing?' },
    rules: { oncePerSession: true },
    routing: { group: 'sales' },
    ...patch,
  }
}

/** A REST call with a session cookie; the body is parsed when there is one. */
export async function call(
  relay: TestRelay,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: replies in tests are read field by field
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await relay.fetch(path, {
    method,
    headers: body === undefined ? { cookie } : { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  }
}

/** Creates a scenario on `site` as the given employee and returns it. */
export async function createScenario(
  relay: TestRelay,
  cookie: string,
  patch: Record<string, unknown> = {},
  site = 'shop',
) {
  const reply = await call(
    relay,
    cookie,
    'POST',
    `/v1/admin/sites/${site}/scenarios`,
    scenarioBody(patch),
  )
  if (reply.status !== 201) throw new Error(`create failed: ${JSON.stringify(reply.body)}`)
  return reply.body.scenario as { id: string; name: string; routing: { group: string } }
}
