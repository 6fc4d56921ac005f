import { CallbackFallbackBody, type FormReply, OfflineFallbackBody } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { publishAll } from '../../infra/bus/outcome.ts'
import { relayError } from '../../infra/errors.ts'
import { anonymousKey, type VisitorActor } from '../conversations/actor.ts'
import { requireSiteOrigin, sitePostPreflight } from '../sites/cors.ts'

const bodies = { callback: CallbackFallbackBody, offline: OfflineFallbackBody }
type Form = keyof typeof bodies
type Body = CallbackFallbackBody | OfflineFallbackBody

/**
 * The HTTP fallback for when WebSocket is blocked: `POST /v1/sites/:site/callback|offline`
 * with the frame's fields plus `token?`. Same validation, consent rule and cid dedup as the
 * socket; replies `{cid, id, conversationId, seq, at}` and `token` for a new visitor.
 */
export async function formFallbackRoutes(app: FastifyInstance): Promise<void> {
  const { config, forms, visitorTokens, visitorProfiles, db, bus, inflight } = app

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
            ? forms.callback(actor, frame as CallbackFallbackBody)
            : forms.offline(actor, frame as OfflineFallbackBody),
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
