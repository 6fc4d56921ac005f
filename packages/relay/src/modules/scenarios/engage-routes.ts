import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  EngageBody,
  type EngageReply,
  EngageReply as EngageReplySchema,
  SiteParams,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { errors, PUBLIC } from '../../infra/http/openapi.ts'
import { rateLimited } from '../../infra/http/rate-limit.ts'
import { anonymousKey, authorKey } from '../conversations/actor.ts'
import { requireSiteOrigin, sitePostPreflight } from '../sites/cors.ts'

/**
 * `POST /v1/sites/:site/engage`: an invitation's impression, click or dismissal over HTTP,
 * so scenarios are attributed before the visitor interacts (no socket, nothing stored on the
 * device). With a `token` the event belongs to that visitor; without, it is anonymous.
 * Accepts `text/plain` too, so `navigator.sendBeacon` works without a CORS preflight.
 */
export async function engageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { config, attribution, visitorAuth } = app
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

  app.post(
    path,
    {
      schema: {
        operationId: 'engage',
        summary: "An invitation's impression, click or dismissal",
        description:
          "Attributes scenarios before the visitor interacts: no socket, nothing stored on the device. With `token` the event is that visitor's, without it is anonymous. Also takes `text/plain` (the same JSON), so `navigator.sendBeacon` needs no CORS preflight. Limited per address.",
        tags: ['widget'],
        security: PUBLIC,
        params: SiteParams,
        consumes: ['application/json', 'text/plain'],
        body: EngageBody,
        response: {
          200: EngageReplySchema,
          ...errors(
            'bad_request',
            'bad_json',
            'token_invalid',
            'origin_not_allowed',
            'site_not_found',
            'scenario_not_found',
            'frame_too_large',
            'rate_limited',
          ),
        },
      },
      bodyLimit: 8192,
      preHandler: limit,
    },
    async (request, reply) => {
      await requireSiteOrigin(app, request, reply)
      const siteId = request.params.site
      const { token, ...input } = request.body
      let visitorId: string | undefined
      if (token !== undefined) {
        visitorId = (await visitorAuth.authenticate(siteId, token))?.visitorId
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
