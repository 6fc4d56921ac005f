import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  type Permission,
  ScenarioBody,
  ScenarioListReply,
  ScenarioParams,
  ScenarioReply,
  ScenarioSettingsBody,
  ScenarioSettingsReply,
  type ScenarioStats,
  ScenarioStatsQuery,
  ScenarioStatsReply,
  SiteParams,
} from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { fieldError, relayError } from '../../infra/errors.ts'
import { documentedBody, EMPLOYEE, errors, noContent } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'

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
 * `GET .../scenarios/stats?from=&to=`. `scenarios:manage` (admins) changes them; `scenarios:read` (supervisors too) reads.
 */
export async function scenarioRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { sites, scenarios, config } = app
  const allow = (permission: Permission) => {
    const authorise = requirePermission(app, permission)
    // Every route here has `:site` (checked by its `params` schema).
    return async (request: FastifyRequest) => {
      await authorise(request)
      const { site } = request.params as SiteParams
      if (!(await sites.get(site))) throw relayError('site_not_found')
    }
  }
  const read = allow('scenarios:read')
  const write = allow('scenarios:manage')
  const base = '/v1/admin/sites/:site'

  const tags = ['scenarios']
  const security = EMPLOYEE
  const readErrors = ['unauthorized', 'forbidden', 'site_not_found'] as const
  // Any JSON reaches the catalog, which names each failed field (`field_invalid`).
  const writeErrors = ['bad_request', 'field_invalid', ...readErrors, 'frame_too_large'] as const

  app.get(
    `${base}/scenarios`,
    {
      schema: {
        tags,
        security,
        operationId: 'listScenarios',
        summary: "A site's scenarios and scenario settings",
        description: 'Needs `scenarios:read`.',
        params: SiteParams,
        response: { 200: ScenarioListReply, ...errors(...readErrors) },
      },
      preHandler: read,
    },
    async (request) => ({
      scenarios: await scenarios.list(request.params.site),
      settings: await scenarios.settings(request.params.site),
    }),
  )

  app.post(
    `${base}/scenarios`,
    {
      schema: {
        tags,
        security,
        operationId: 'createScenario',
        summary: 'Add a scenario',
        description:
          'Needs `scenarios:manage`. The relay gives it an id; it goes last in the list.',
        params: SiteParams,
        response: {
          201: Type.Composite([ScenarioReply], { description: 'Created' }),
          ...errors(...writeErrors),
        },
      },
      config: documentedBody(ScenarioBody),
      preHandler: write,
    },
    async (request, reply) => {
      const scenario = await scenarios.create(request.params.site, request.body)
      return reply.code(201).send({ scenario })
    },
  )

  app.get(
    `${base}/scenarios/stats`,
    {
      schema: {
        tags,
        security,
        operationId: 'getScenarioStats',
        summary: 'Impressions, clicks, dismissals and conversions per scenario',
        description:
          'Needs `scenarios:read`. Every scenario of the site, then deleted ones that still have counts (without a name). `field_invalid` for a bound that is not a time.',
        params: SiteParams,
        querystring: ScenarioStatsQuery,
        response: { 200: ScenarioStatsReply, ...errors('field_invalid', ...readErrors) },
      },
      preHandler: read,
    },
    async (request) => {
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
    },
  )

  app.get(
    `${base}/scenarios/:id`,
    {
      schema: {
        tags,
        security,
        operationId: 'getScenario',
        summary: 'One scenario',
        description: 'Needs `scenarios:read`.',
        params: ScenarioParams,
        response: { 200: ScenarioReply, ...errors(...readErrors, 'scenario_not_found') },
      },
      preHandler: read,
    },
    async (request) => ({
      scenario: await scenarios.get(request.params.site, request.params.id),
    }),
  )

  app.put(
    `${base}/scenarios/:id`,
    {
      schema: {
        tags,
        security,
        operationId: 'replaceScenario',
        summary: 'Replace a scenario',
        description: 'Needs `scenarios:manage`. It keeps its id and its place in the list.',
        params: ScenarioParams,
        response: { 200: ScenarioReply, ...errors(...writeErrors, 'scenario_not_found') },
      },
      config: documentedBody(ScenarioBody),
      preHandler: write,
    },
    async (request) => ({
      scenario: await scenarios.replace(request.params.site, request.params.id, request.body),
    }),
  )

  app.delete(
    `${base}/scenarios/:id`,
    {
      schema: {
        tags,
        security,
        operationId: 'deleteScenario',
        summary: 'Delete a scenario',
        description: 'Needs `scenarios:manage`. Its counts stay in the statistics.',
        params: ScenarioParams,
        response: {
          204: noContent('Deleted'),
          ...errors(...readErrors, 'scenario_not_found'),
        },
      },
      preHandler: write,
    },
    async (request, reply) => {
      await scenarios.remove(request.params.site, request.params.id)
      return reply.code(204).send()
    },
  )

  app.put(
    `${base}/scenario-settings`,
    {
      schema: {
        tags,
        security,
        operationId: 'putScenarioSettings',
        summary: "Set a site's scenario settings",
        description: 'Needs `scenarios:manage`.',
        params: SiteParams,
        response: { 200: ScenarioSettingsReply, ...errors(...writeErrors) },
      },
      config: documentedBody(ScenarioSettingsBody),
      preHandler: write,
    },
    async (request) => ({
      settings: await scenarios.putSettings(request.params.site, request.body),
    }),
  )
}
