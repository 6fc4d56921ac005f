import {
  type Ack,
  CallbackFallbackBody,
  type FormReply,
  OfflineFallbackBody,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { requireSiteOrigin, sitePostPreflight } from '../../infra/http/cors.ts'
import { type Actor, anonymousKey } from '../conversations/service.ts'

const bodies = { callback: CallbackFallbackBody, offline: OfflineFallbackBody }
type Form = keyof typeof bodies
type Body = CallbackFallbackBody | OfflineFallbackBody

/**
 * The HTTP fallback for when WebSocket is blocked: `POST /v1/sites/:site/callback|offline`
 * with the frame's fields plus `token?`. Same validation, consent rule and cid dedup as the
 * socket; replies `{cid, id, conversationId, seq, at}` and `token` for a new visitor.
 */
export async function formFallbackRoutes(app: FastifyInstance): Promise<void> {
  const { store, config, forms, visitorTokens } = app.parley

  for (const form of Object.keys(bodies) as Form[]) {
    const path = `/v1/sites/:site/${form}`

    sitePostPreflight(app, path)

    app.post<{ Params: { site: string }; Body: Body; Reply: FormReply }>(
      path,
      { schema: { body: bodies[form] }, bodyLimit: config.limits.maxFrameBytes },
      async (request, reply) => {
        await requireSiteOrigin(app, request, reply)
        const siteId = request.params.site
        const { token, lang, page, ...frame } = request.body
        let visitorId: string
        let issued: string | undefined
        if (token !== undefined) {
          const verified = visitorTokens.verify(siteId, token)
          if (!verified) throw relayError('token_invalid')
          visitorId = verified
        } else {
          // A retry without a token finds the visitor its first try created, by cid.
          const earlier = await store.findVisitorFrame(anonymousKey(siteId), frame.cid)
          if (earlier) visitorId = earlier.id
          else ({ visitorId, token: issued } = visitorTokens.issue(siteId))
        }
        const actor: Actor & { kind: 'visitor' } = {
          kind: 'visitor',
          siteId,
          visitorId,
          ip: request.ip,
          lang,
          page: page?.url,
        }
        let ack: Ack | undefined
        const capture = (a: Ack) => {
          ack = a
        }
        if (form === 'callback') await forms.callback(actor, frame as CallbackFallbackBody, capture)
        else await forms.offline(actor, frame as OfflineFallbackBody, capture)
        if (!ack?.conversationId || ack.seq === undefined) throw relayError('internal')
        if (issued) {
          // A retry without a token gets the same ack (not the token: a cid is no credential).
          await store.recordVisitorFrame({
            id: visitorId,
            cid: frame.cid,
            authorKey: anonymousKey(siteId),
            at: ack.at,
          })
        }
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
