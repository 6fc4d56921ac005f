import type {
  Role,
  Scenario,
  ScenarioListReply,
  ScenarioSettings,
  ScenarioStats,
  ScenarioStatsReply,
} from '@parley/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { fieldError, relayError } from '../../infra/errors.ts'
import { requireRole } from '../auth/guards.ts'

type SiteParams = { site: string }
type ScenarioParams = { site: string; id: string }

/** A time bound of the stats query: epoch ms or an ISO date; `fallback` when absent. */
function timeParam(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw)
  if (!Number.isFinite(value)) throw fieldError([{ field: name, code: 'value_invalid' }])
  return value
}

/**
 * Engagement scenarios through the admin API: `GET/POST /v1/admin/sites/:site/scenarios`,
 * `GET/PUT/DELETE /v1/admin/sites/:site/scenarios/:id`, `PUT .../scenario-settings` and
 * `GET .../scenarios/stats?from=&to=`. Admins change them; supervisors may read.
 */
export async function scenarioRoutes(app: FastifyInstance): Promise<void> {
  const { sites, scenarios, config } = app
  const allow = (roles: Role[]) => {
    const authorise = requireRole(app, roles)
    return async (request: FastifyRequest<{ Params: SiteParams }>) => {
      await authorise(request)
      if (!(await sites.get(request.params.site))) throw relayError('site_not_found')
    }
  }
  const read = allow(['admin', 'supervisor'])
  const write = allow(['admin'])
  const base = '/v1/admin/sites/:site'

  app.get<{ Params: SiteParams; Reply: ScenarioListReply }>(
    `${base}/scenarios`,
    { preHandler: read },
    async (request) => ({
      scenarios: await scenarios.list(request.params.site),
      settings: await scenarios.settings(request.params.site),
    }),
  )

  app.post<{ Params: SiteParams; Body: unknown; Reply: { scenario: Scenario } }>(
    `${base}/scenarios`,
    { preHandler: write },
    async (request, reply) => {
      const scenario = await scenarios.create(request.params.site, request.body)
      return reply.code(201).send({ scenario })
    },
  )

  app.get<{
    Params: SiteParams
    Querystring: { from?: string; to?: string }
    Reply: ScenarioStatsReply
  }>(`${base}/scenarios/stats`, { preHandler: read }, async (request) => {
    const siteId = request.params.site
    const from = timeParam('from', request.query.from, 0)
    const to = timeParam('to', request.query.to, config.now() + 1)
    const counted = new Map(
      (await scenarios.store.stats(siteId, from, to)).map((s) => [s.scenarioId, s]),
    )
    const rows: ScenarioStats[] = []
    for (const scenario of await scenarios.list(siteId)) {
      const stats = counted.get(scenario.id) ?? {
        scenarioId: scenario.id,
        impressions: 0,
        clicks: 0,
        dismissals: 0,
        conversions: { chat: 0, callback: 0, offline: 0, total: 0 },
        conversionRate: 0,
      }
      counted.delete(scenario.id)
      rows.push({ ...stats, name: scenario.name })
    }
    // Scenarios deleted since still have their counts, without a name.
    rows.push(...counted.values())
    return { from, to, scenarios: rows }
  })

  app.get<{ Params: ScenarioParams; Reply: { scenario: Scenario } }>(
    `${base}/scenarios/:id`,
    { preHandler: read },
    async (request) => ({
      scenario: await scenarios.get(request.params.site, request.params.id),
    }),
  )

  app.put<{ Params: ScenarioParams; Body: unknown; Reply: { scenario: Scenario } }>(
    `${base}/scenarios/:id`,
    { preHandler: write },
    async (request) => ({
      scenario: await scenarios.replace(request.params.site, request.params.id, request.body),
    }),
  )

  app.delete<{ Params: ScenarioParams }>(
    `${base}/scenarios/:id`,
    { preHandler: write },
    async (request, reply) => {
      await scenarios.remove(request.params.site, request.params.id)
      return reply.code(204).send()
    },
  )

  app.put<{ Params: SiteParams; Body: unknown; Reply: { settings: ScenarioSettings } }>(
    `${base}/scenario-settings`,
    { preHandler: write },
    async (request) => ({
      settings: await scenarios.putSettings(request.params.site, request.body),
    }),
  )
}
