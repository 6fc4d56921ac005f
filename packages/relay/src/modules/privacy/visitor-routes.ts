import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { SiteParams, WithdrawConsentBody, WithdrawConsentReply } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { errors, PUBLIC } from '../../infra/http/openapi.ts'
import { rateLimited } from '../../infra/http/rate-limit.ts'
import { requireSiteOrigin, sitePostPreflight } from '../sites/cors.ts'

const PATH = '/v1/sites/:site/consents/withdraw'

/** What a visitor does about their own data without a socket: withdraw their consents. */
export async function privacyVisitorRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { config, privacy, visitorAuth } = app
  const limit = rateLimited(app, 'form requests', config.requestLimits.forms, (r) => r.ip)

  sitePostPreflight(app, PATH)
  app.post(
    PATH,
    {
      schema: {
        operationId: 'withdrawMyConsent',
        summary: 'Withdraw my consents (a visitor, with their token)',
        description:
          'The `withdraw_consent` frame over HTTP: every consent the visitor gave on the site is marked withdrawn by the visitor. A repeated `cid` gets the same reply. Limited per address.',
        tags: ['widget'],
        security: PUBLIC,
        params: SiteParams,
        body: WithdrawConsentBody,
        response: {
          200: WithdrawConsentReply,
          ...errors(
            'bad_request',
            'token_invalid',
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
      const siteId = request.params.site
      const visitor = await visitorAuth.authenticate(siteId, request.body.token)
      if (!visitor) throw relayError('token_invalid')
      const ack = await app.inflight.track(
        privacy.withdrawByVisitor(siteId, visitor.visitorId, request.body.cid),
      )
      return { cid: ack.cid, id: ack.id, at: ack.at }
    },
  )
}
