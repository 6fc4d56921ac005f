import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { isOriginAllowed } from './sites.ts'

/**
 * Site-scoped CORS: echoes the request's Origin when the site (or the relay) allows it.
 * Returns false when a browser origin is present and not allowed.
 */
export function allowSiteOrigin(
  request: FastifyRequest,
  reply: FastifyReply,
  siteOrigins: string[],
  relayOrigins: string[] | undefined,
): boolean {
  const origin = request.headers.origin
  reply.header('vary', 'Origin')
  if (origin === undefined) return true
  if (!isOriginAllowed(origin, siteOrigins, relayOrigins)) return false
  reply.header('access-control-allow-origin', origin)
  return true
}

/**
 * Answers the browser's preflight for a site-scoped `POST` route (`/v1/sites/:site/...`):
 * allowed origins get the methods and headers, everyone gets 204.
 */
export function sitePostPreflight(app: FastifyInstance, path: string): void {
  const { sites, config } = app
  app.options<{ Params: { site: string } }>(path, async (request, reply) => {
    const site = await sites.get(request.params.site)
    if (site && allowSiteOrigin(request, reply, site.origins, config.allowedOrigins)) {
      reply.header('access-control-allow-methods', 'POST, OPTIONS')
      reply.header('access-control-allow-headers', 'content-type')
      reply.header('access-control-max-age', '600')
    }
    return reply.code(204).send()
  })
}

/**
 * Before handling a site-scoped `POST`: the site must exist (`site_not_found`) and allow a
 * browser's origin (`origin_not_allowed`); sets the CORS headers like `allowSiteOrigin`.
 */
export async function requireSiteOrigin(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { site: string } }>,
  reply: FastifyReply,
): Promise<void> {
  const { sites, config } = app
  const site = await sites.get(request.params.site)
  if (!site) throw relayError('site_not_found')
  if (!allowSiteOrigin(request, reply, site.origins, config.allowedOrigins)) {
    throw relayError('origin_not_allowed')
  }
}
