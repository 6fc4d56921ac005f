import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { SiteListReply, SiteParams, SiteSettings, UpdateSiteBody } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import { applySiteUpdate } from './site-update.ts'
import { buildSiteRecord, isSiteId, siteDataFrom, toSiteSettings } from './sites.ts'

const common = { tags: ['sites'], security: EMPLOYEE, params: SiteParams }

/** `sites:manage` (admins): site settings (agreement, hours, channels, identity). */
export async function adminSiteRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { sites } = app
  const preHandler = requirePermission(app, 'sites:manage')

  app.get(
    '/v1/admin/sites',
    {
      schema: {
        tags: ['sites'],
        security: EMPLOYEE,
        operationId: 'listSites',
        summary: 'Every site: id and name',
        description:
          'Needs `conversations:read` (every role): the names the console shows beside conversations, statistics and privacy settings.',
        response: { 200: SiteListReply, ...errors('unauthorized', 'forbidden') },
      },
      preHandler: requirePermission(app, 'conversations:read'),
    },
    async () => ({ sites: await sites.list() }),
  )

  app.get(
    '/v1/admin/sites/:site',
    {
      schema: {
        ...common,
        operationId: 'getSiteSettings',
        summary: "A site's settings",
        description:
          'Needs `sites:manage`. The identity secret is never returned, only whether it is set.',
        response: { 200: SiteSettings, ...errors('unauthorized', 'forbidden', 'site_not_found') },
      },
      preHandler,
    },
    async (request) => {
      const site = await sites.get(request.params.site)
      if (!site) throw relayError('site_not_found')
      return toSiteSettings(site)
    },
  )

  /** Partial update; creates the site (with defaults) when it does not exist yet. */
  app.put(
    '/v1/admin/sites/:site',
    {
      schema: {
        ...common,
        operationId: 'updateSite',
        summary: "Change a site's settings, or create the site",
        description:
          'Needs `sites:manage`. A partial update: a key left out keeps its value. Creates the site (with defaults) when it does not exist yet; `site_not_found` for an id that cannot be one. Shapes are checked first (`bad_request`), then rules (`field_invalid` with fields such as `agreement.inn`).',
        body: UpdateSiteBody,
        response: {
          200: SiteSettings,
          ...errors(
            'bad_request',
            'field_invalid',
            'unauthorized',
            'forbidden',
            'site_not_found',
            'frame_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request) => {
      const id = request.params.site
      if (!isSiteId(id)) throw relayError('site_not_found')
      const current = (await sites.get(id)) ?? buildSiteRecord(id, siteDataFrom({ id }))
      const updated = applySiteUpdate(current, request.body)
      await sites.put(updated)
      return toSiteSettings(updated)
    },
  )
}
