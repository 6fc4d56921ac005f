import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  CallbackFallbackBody,
  type FormReply,
  FormReply as FormReplySchema,
  OfflineFallbackBody,
  SiteParams,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { publishAll } from '../../infra/bus/outcome.ts'
import { relayError } from '../../infra/errors.ts'
import { errors, PUBLIC } from '../../infra/http/openapi.ts'
import { rateLimited } from '../../infra/http/rate-limit.ts'
import { anonymousKey, type VisitorActor } from '../conversations/actor.ts'
import { requireSiteOrigin, sitePostPreflight } from '../sites/cors.ts'

const forms = {
  callback: {
    body: CallbackFallbackBody,
    operationId: 'postCallback',
    summary: 'Ask to be called back (without a socket)',
    description: 'Opens a `callback` conversation whose first event is the form.',
  },
  offline: {
    body: OfflineFallbackBody,
    operationId: 'postOffline',
    summary: 'Leave a message while nobody is available (without a socket)',
    description: 'Opens an `offline` conversation (a lead) whose first event is the form.',
  },
}
type Form = keyof typeof forms

/**
 * The HTTP fallback for when WebSocket is blocked: `POST /v1/sites/:site/callback|offline`
 * with the frame's fields plus `token?`. Same validation, consent rule and cid dedup as the
 * socket; replies `{cid, id, conversationId, seq, at}` and `token` for a new visitor.
 */
export async function formFallbackRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const {
    config,
    forms: visitorForms,
    visitorTokens,
    visitorAuth,
    visitorProfiles,
    db,
    bus,
    inflight,
  } = app

  const limit = rateLimited(app, 'form requests', config.requestLimits.forms, (r) => r.ip)

  for (const form of Object.keys(forms) as Form[]) {
    const path = `/v1/sites/:site/${form}`
    const { body, operationId, summary, description } = forms[form]

    sitePostPreflight(app, path)

    app.post(
      path,
      {
        schema: {
          operationId,
          summary,
          description: `${description} The HTTP fallback of the \`${form}\` frame for when WebSocket is blocked: the same validation, consent rule and \`cid\` dedup. Without \`token\` a new visitor is created and its token returned. Limited per address.`,
          tags: ['widget'],
          security: PUBLIC,
          params: SiteParams,
          body,
          response: {
            200: FormReplySchema,
            ...errors(
              'bad_request',
              'field_invalid',
              'token_invalid',
              'forbidden',
              'origin_not_allowed',
              'site_not_found',
              'consent_required',
              'frame_too_large',
              'rate_limited',
              'too_many_conversations',
            ),
          },
        },
        bodyLimit: config.limits.maxFrameBytes,
        preHandler: limit,
      },
      async (request, reply) => {
        await requireSiteOrigin(app, request, reply)
        const siteId = request.params.site
        const { token, lang, page, ...frame } = request.body
        let visitorId: string
        let issued: string | undefined
        if (token !== undefined) {
          const verified = await visitorAuth.authenticate(siteId, token)
          if (!verified) throw relayError('token_invalid')
          visitorId = verified.visitorId
        } else {
          // A retry without a token finds the visitor its first try created, by cid.
          const earlier = await visitorProfiles.findFrameAck(anonymousKey(siteId), frame.cid)
          if (earlier) visitorId = earlier.id
          else ({ visitorId, token: issued } = visitorTokens.issue(siteId))
        }
        const actor: VisitorActor = {
          kind: 'visitor',
          siteId,
          visitorId,
          ip: request.ip,
          lang,
          page: page?.url,
        }
        const outcome = await inflight.track(
          form === 'callback'
            ? visitorForms.callback(actor, frame as CallbackFallbackBody)
            : visitorForms.offline(actor, frame as OfflineFallbackBody),
        )
        const { ack } = outcome
        // Forms always append an event, so their ack names it.
        if (!ack?.conversationId || ack.seq === undefined) throw relayError('internal')
        if (issued) {
          // A retry without a token gets the same ack (not the token: a cid is no credential).
          const at = ack.at
          await db.transaction((tx) =>
            visitorProfiles.addFrameAck(tx, {
              id: visitorId,
              cid: frame.cid,
              authorKey: anonymousKey(siteId),
              at,
            }),
          )
        }
        publishAll(bus, outcome)
        const body: FormReply = {
          cid: ack.cid,
          id: ack.id,
          conversationId: ack.conversationId,
          seq: ack.seq,
          at: ack.at,
        }
        if (issued) body.token = issued
        return body
      },
    )
  }
}
