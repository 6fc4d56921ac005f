import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isOriginAllowed } from '../sites.ts'

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
  const { store, config } = app.parley
  app.options<{ Params: { site: string } }>(path, async (request, reply) => {
    const site = await store.getSite(request.params.site)
    if (site && allowSiteOrigin(request, reply, site.origins, config.allowedOrigins)) {
      reply.header('access-control-allow-methods', 'POST, OPTIONS')
      reply.header('access-control-allow-headers', 'content-type')
      reply.header('access-control-max-age', '600')
    }
    return reply.code(204).send()
  })
}
