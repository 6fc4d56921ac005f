import {
  isValidHttpUrl,
  type OperatorProfile,
  type SiteSettings,
  type UpdateEmployeeBody,
  UpdateEmployeeBody as UpdateEmployeeSchema,
  type UpdateSiteBody,
  UpdateSiteBody as UpdateSiteSchema,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { fieldError, relayError } from '../../infra/errors.ts'
import { requireAdmin } from '../auth/guards.ts'
import { toProfile } from '../auth/session.ts'
import { applySiteUpdate } from './site-update.ts'
import { buildSiteRecord, isSiteId, siteDataFrom, toSiteSettings } from './sites.ts'

/** Admin-only: site settings (agreement, hours, channels, identity) and employee cards. */
export async function adminSiteRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.parley
  const preHandler = requireAdmin(app)

  app.get<{ Params: { site: string }; Reply: SiteSettings }>(
    '/v1/admin/sites/:site',
    { preHandler },
    async (request) => {
      const site = await store.getSite(request.params.site)
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
      const current = (await store.getSite(id)) ?? buildSiteRecord(id, siteDataFrom({ id }))
      const updated = applySiteUpdate(current, request.body)
      await store.putSite(updated)
      return toSiteSettings(updated)
    },
  )

  app.patch<{
    Params: { id: string }
    Body: UpdateEmployeeBody
    Reply: { employee: OperatorProfile }
  }>(
    '/v1/admin/employees/:id',
    { preHandler, schema: { body: UpdateEmployeeSchema } },
    async (request) => {
      const { name, position, photoUrl } = request.body
      const patch: Parameters<typeof store.updateEmployee>[1] = {}
      const fields: { field: string; code: 'required' | 'url_invalid' }[] = []
      if (name !== undefined) {
        patch.name = name.trim()
        if (patch.name === '') fields.push({ field: 'name', code: 'required' })
      }
      if (position !== undefined) patch.position = position?.trim() || null
      if (photoUrl !== undefined) {
        patch.photoUrl = photoUrl?.trim() || null
        if (patch.photoUrl && !isValidHttpUrl(patch.photoUrl)) {
          fields.push({ field: 'photoUrl', code: 'url_invalid' })
        }
      }
      if (fields.length > 0) throw fieldError(fields)
      const employee = await store.updateEmployee(request.params.id, patch)
      if (!employee) throw relayError('employee_not_found')
      return { employee: toProfile(employee) }
    },
  )
}
