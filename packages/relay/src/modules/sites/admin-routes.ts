import {
  type SiteSettings,
  type UpdateSiteBody,
  UpdateSiteBody as UpdateSiteSchema,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { requireAdmin } from '../auth/guards.ts'
import { applySiteUpdate } from './site-update.ts'
import { buildSiteRecord, isSiteId, siteDataFrom, toSiteSettings } from './sites.ts'

/** Admin-only: site settings (agreement, hours, channels, identity). */
export async function adminSiteRoutes(app: FastifyInstance): Promise<void> {
  const { sites } = app
  const preHandler = requireAdmin(app)

  app.get<{ Params: { site: string }; Reply: SiteSettings }>(
    '/v1/admin/sites/:site',
    { preHandler },
    async (request) => {
      const site = await sites.get(request.params.site)
      if (!site) throw relayError('site_not_found')
      return toSiteSettings(site)
    },
  )

  /** Partial update; creates the site (with defaults) when it does not exist yet. */
  app.put<{ Params: { site: string }; Body: UpdateSiteBody; Reply: SiteSettings }>(
    '/v1/admin/sites/:site',
    { preHandler, schema: { body: UpdateSiteSchema } },
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
