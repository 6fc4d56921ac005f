import type { SiteConfig } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../errors.ts'
import { isOriginAllowed } from '../sites.ts'

/** `GET /v1/sites/:site/config`: what the widget boots from, cacheable by ETag. */
export async function siteRoutes(app: FastifyInstance): Promise<void> {
  const { store, config } = app.parley

  app.get<{ Params: { site: string }; Reply: SiteConfig | undefined }>(
    '/v1/sites/:site/config',
    async (request, reply) => {
      const site = await store.getSite(request.params.site)
      if (!site) throw relayError('site_not_found')
      const origin = request.headers.origin
      reply.header('vary', 'Origin')
      if (origin !== undefined && isOriginAllowed(origin, site.origins, config.allowedOrigins)) {
        reply.header('access-control-allow-origin', origin)
      }
      const etag = `"${site.config.configVersion}"`
      reply.header('etag', etag)
      reply.header('cache-control', 'no-cache')
      const match = request.headers['if-none-match']
      if (match?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
        return reply.code(304).send(undefined)
      }
      return site.config
    },
  )
}
