import type { FastifyReply, FastifyRequest } from 'fastify'
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
