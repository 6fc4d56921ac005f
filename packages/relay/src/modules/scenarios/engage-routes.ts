import { type EngageBody, type EngageReply, EngageBody as EngageSchema } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { rateLimited } from '../../infra/http/rate-limit.ts'
import { anonymousKey, authorKey } from '../conversations/actor.ts'
import { requireSiteOrigin, sitePostPreflight } from '../sites/cors.ts'

/**
 * `POST /v1/sites/:site/engage`: an invitation's impression, click or dismissal over HTTP,
 * so scenarios are attributed before the visitor interacts (no socket, nothing stored on the
 * device). With a `token` the event belongs to that visitor; without, it is anonymous.
 * Accepts `text/plain` too, so `navigator.sendBeacon` works without a CORS preflight.
 */
export async function engageRoutes(app: FastifyInstance): Promise<void> {
  const { config, attribution, visitorTokens } = app
  // Generous: visitors behind one NAT (or a proxy the relay does not trust) share an address.
  const limit = rateLimited(app, 'engagement events', config.requestLimits.engage, (r) => r.ip)

  // This plugin is encapsulated: the parser applies to its own routes only.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string))
    } catch {
      done(relayError('bad_json'), undefined)
    }
  })

  const path = '/v1/sites/:site/engage'

  sitePostPreflight(app, path)

  app.post<{ Params: { site: string }; Body: EngageBody; Reply: EngageReply }>(
    path,
    { schema: { body: EngageSchema }, bodyLimit: 8192, preHandler: limit },
    async (request, reply) => {
      await requireSiteOrigin(app, request, reply)
      const siteId = request.params.site
      const { token, ...input } = request.body
      let visitorId: string | undefined
      if (token !== undefined) {
        visitorId = visitorTokens.verify(siteId, token)
        if (!visitorId) throw relayError('token_invalid')
      }
      const key = visitorId
        ? authorKey({ kind: 'visitor', siteId, visitorId })
        : anonymousKey(siteId)
      const { id, at } = await attribution.engage({ siteId, visitorId, authorKey: key }, input)
      const body: EngageReply = { id, at }
      if (input.cid !== undefined) body.cid = input.cid
      return body
    },
  )
}
