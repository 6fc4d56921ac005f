import { type EngageBody, type EngageReply, EngageBody as EngageSchema } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { TokenBucket } from '../../infra/ws/token-bucket.ts'
import { anonymousKey, authorKey } from '../conversations/actor.ts'
import { requireSiteOrigin, sitePostPreflight } from '../sites/cors.ts'

/** Most client addresses with a rate-limit bucket at once; the oldest is dropped beyond. */
const MAX_BUCKETS = 10_000
/**
 * Events per client address: generous, because visitors behind one NAT (or one proxy the
 * relay does not trust) share an address.
 */
const BURST = 100
const PER_SECOND = 20

/**
 * `POST /v1/sites/:site/engage`: an invitation's impression, click or dismissal over HTTP,
 * so scenarios are attributed before the visitor interacts (no socket, nothing stored on the
 * device). With a `token` the event belongs to that visitor; without, it is anonymous.
 * Accepts `text/plain` too, so `navigator.sendBeacon` works without a CORS preflight.
 */
export async function engageRoutes(app: FastifyInstance): Promise<void> {
  const { config, attribution, visitorTokens } = app
  const buckets = new Map<string, TokenBucket>()
  const limited = (ip: string) => {
    let bucket = buckets.get(ip)
    if (!bucket) {
      if (buckets.size >= MAX_BUCKETS) buckets.delete(buckets.keys().next().value!)
      bucket = new TokenBucket(BURST, PER_SECOND, config.now)
      buckets.set(ip, bucket)
    }
    return !bucket.take()
  }

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
    { schema: { body: EngageSchema }, bodyLimit: 8192 },
    async (request, reply) => {
      await requireSiteOrigin(app, request, reply)
      const siteId = request.params.site
      if (limited(request.ip)) throw relayError('rate_limited')
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
