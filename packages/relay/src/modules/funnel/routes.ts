import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { FunnelBeacon, FunnelQuery, FunnelReply, SiteParams } from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors, noContent, PUBLIC, withHeaders } from '../../infra/http/openapi.ts'
import { rateLimited } from '../../infra/http/rate-limit.ts'
import { requirePermission } from '../auth/guards.ts'
import { requireSiteOrigin, sitePostPreflight } from '../sites/cors.ts'
import { funnelCsv } from './csv.ts'

const SCOPE =
  'Needs `analytics:read` (supervisors and admins). Visits, opens and picks are the site’s anonymous counters; conversations and leads cover your groups unless you have `conversations:read_all`.'

/**
 * `POST /v1/sites/:site/funnel` (the widget's anonymous beacon) and
 * `GET /v1/analytics/funnel` (+ `.csv`): the funnel visit → open → pick → conversation → lead.
 */
export async function funnelRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { config, funnel } = app
  const limit = rateLimited(app, 'funnel counts', config.requestLimits.engage, (r) => r.ip)

  // Encapsulated: `navigator.sendBeacon` sends a string as text/plain (no CORS preflight).
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string))
    } catch {
      done(relayError('bad_json'), undefined)
    }
  })

  const path = '/v1/sites/:site/funnel'
  sitePostPreflight(app, path)

  app.post(
    path,
    {
      schema: {
        operationId: 'countFunnelStep',
        summary: 'Counts a page view, omni-button open or channel pick (anonymous)',
        description:
          'The widget’s beacon: no token, cookie or visitor id, nothing stored on the device, so it works with the storage gate closed. Adds one to a daily counter of the site (its time zone) by step, channel, page path and `utm_source`; the rest of the URL is dropped. A site has at most 2000 counters a day: new keys past that count under `(other)`. Takes `text/plain` too (the same JSON), for `navigator.sendBeacon`. Limited per address.',
        tags: ['widget'],
        security: PUBLIC,
        params: SiteParams,
        consumes: ['application/json', 'text/plain'],
        body: FunnelBeacon,
        response: {
          204: noContent('Counted'),
          ...errors(
            'bad_request',
            'bad_json',
            'origin_not_allowed',
            'site_not_found',
            'frame_too_large',
            'rate_limited',
          ),
        },
      },
      bodyLimit: 4096,
      preHandler: limit,
    },
    async (request, reply) => {
      await requireSiteOrigin(app, request, reply)
      await funnel.count(request.params.site, request.body)
      return reply.code(204).send()
    },
  )

  const read = requirePermission(app, 'analytics:read')
  const readErrors = errors(
    'bad_request',
    'period_invalid',
    'unauthorized',
    'forbidden',
    'site_not_found',
  )
  const common = { tags: ['analytics'], security: EMPLOYEE }

  app.get(
    '/v1/analytics/funnel',
    {
      schema: {
        ...common,
        operationId: 'getFunnel',
        summary: 'The funnel visit → button open → channel pick → conversation → lead',
        description: `${SCOPE} By site (default), channel, scenario, landing page (without query) or \`utm_source\`, over \`[from, to)\` in the site's time zone. Definitions: \`docs/metrics.md\`.`,
        querystring: FunnelQuery,
        response: { 200: FunnelReply, ...readErrors },
      },
      preValidation: read,
    },
    (request) =>
      funnel.report({ id: request.employee!.id, permissions: request.permissions! }, request.query),
  )

  app.get(
    '/v1/analytics/funnel.csv',
    {
      schema: {
        ...common,
        operationId: 'exportFunnelCsv',
        summary: 'The funnel as CSV',
        description: `${SCOPE} The report of \`getFunnel\`, the same numbers, then the total. UTF-8 with a BOM; formula-safe cells.`,
        querystring: FunnelQuery,
        response: {
          200: withHeaders(
            {
              description: 'A header row, one row per key, then the total',
              content: { 'text/csv': { schema: Type.String() } },
            } as never,
            {
              'content-disposition': {
                description: '`attachment; filename="funnel-<from>-<to>.csv"`',
              },
            },
          ),
          ...readErrors,
        },
      },
      preValidation: read,
    },
    async (request, reply) => {
      const viewer = { id: request.employee!.id, permissions: request.permissions! }
      const report = await funnel.report(viewer, request.query)
      const { from, to } = report.period
      reply.header('content-type', 'text/csv; charset=utf-8')
      reply.header('content-disposition', `attachment; filename="funnel-${from}-${to}.csv"`)
      reply.header('x-content-type-options', 'nosniff')
      return funnelCsv(report)
    },
  )
}
