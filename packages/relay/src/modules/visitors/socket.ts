import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  parseVisitorFrame,
  type VisitorHello,
  type VisitorInbound,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { visitorTopic } from '../../infra/bus/topics.ts'
import { relayError } from '../../infra/errors.ts'
import { acceptSocket } from '../../infra/ws/accept.ts'
import type { FrameSocket } from '../../infra/ws/frame-socket.ts'
import { SharedBuckets, type TokenBucket } from '../../infra/ws/token-bucket.ts'
import { authorKey, type VisitorActor } from '../conversations/actor.ts'
import { conversationFrames, dispatch, type FrameTable } from '../conversations/frames.ts'
import { isOriginAllowed } from '../sites/sites.ts'
import type { SiteRecord } from '../sites/store.ts'
import { SiteAvailability } from './availability.ts'
import { visitOf } from './visits.ts'

/** How often a visitor socket re-checks working hours for `presence.available`. */
const AVAILABILITY_CHECK_MS = 60_000

/** `GET /v1/visitor?site=SITE`: the visitor WebSocket. */
export async function visitorSocket(app: FastifyInstance): Promise<void> {
  const {
    config,
    sites,
    bus,
    conversations,
    forms,
    visitorTokens,
    visitorAuth,
    visitorSockets,
    privacy,
    startParams,
    presence,
    scenarios,
    attribution,
    region,
    visitorProfiles,
    db,
  } = app

  const frames: FrameTable<VisitorActor, Exclude<VisitorInbound, { t: 'hello' }>> = {
    ...conversationFrames(app),
    callback: ({ actor }, frame) => forms.callback(actor, frame),
    offline: ({ actor }, frame) => forms.offline(actor, frame),
    prechat: ({ actor }, frame) => forms.prechat(actor, frame),
    identify: ({ actor }, frame) => forms.identify(actor, frame),
    attributes: ({ actor }, frame) => forms.attributes(actor, frame),
    rate: ({ actor }, frame) => forms.rate(actor, frame),
    engage: async ({ actor }, frame) => ({
      ack: await attribution.engageFrame({ ...actor, authorKey: authorKey(actor) }, frame),
      publish: [],
    }),
    withdraw_consent: async ({ actor }, frame) => ({
      ack: await privacy.withdrawByVisitor(actor.siteId, actor.visitorId, frame.cid),
      publish: [],
    }),
    // The visitor logs out: their tokens end; the ack goes out, then every socket of theirs closes.
    forget: async ({ actor, socket }, frame) => {
      const { id, at } = await privacy.forget(actor.siteId, actor.visitorId)
      if (frame.cid !== undefined) socket.send({ t: 'ack', cid: frame.cid, id, at })
      privacy.closeSockets(actor.siteId, actor.visitorId)
      return { publish: [] }
    },
  }

  // Presence is per site (working hours): recomputed on every change and once a minute.
  const siteAvailability = new SiteAvailability(
    bus,
    () => presence.count,
    config.now,
    AVAILABILITY_CHECK_MS,
  )
  app.addHook('onClose', async () => siteAvailability.close())

  const visitorBuckets = new SharedBuckets(
    config.visitorRateLimit.burst,
    config.visitorRateLimit.perSecond,
    config.now,
  )

  app.get<{ Querystring: { site?: string } }>('/v1/visitor', { websocket: true }, (ws, request) => {
    let site: SiteRecord | undefined
    const siteId = request.query.site ?? ''
    const origin = request.headers.origin
    const ip = request.ip
    /** The upgrade request, for the region lookup at hello; not kept past it. */
    let upgrade: typeof request | undefined = request
    let actor: VisitorActor | undefined
    /** Shared by all of this visitor's sockets (tabs). */
    let visitorBucket: TokenBucket | undefined

    const accepted = acceptSocket<VisitorInbound>(app, ws, request, {
      parse: (raw) => parseVisitorFrame(raw, config.limits),
      onFrame: async (frame): Promise<void> => {
        if (!actor) {
          if (!site) return
          if (frame.t !== 'hello') throw relayError('hello_required')
          actor = await app.inflight.track(hello(site, frame))
          // The socket keeps its actor; the site record (its whole config) and the upgrade
          // request are not kept.
          site = undefined
          upgrade = undefined
          if (actor) {
            socket.authenticated()
            const held = visitorBuckets.hold(authorKey(actor))
            visitorBucket = held.bucket
            socket.onTeardown(held.release)
          }
          return
        }
        if (frame.t === 'hello') throw relayError('hello_repeated')
        if (visitorBucket && !visitorBucket.take()) throw relayError('rate_limited')
        return dispatch(app, frames, { actor, socket }, frame)
      },
    })
    if (!accepted) return
    // Frames reach onFrame only after this line: no frame is handled during construction.
    const socket: FrameSocket<VisitorInbound> = accepted

    // Look the site up before any frame is handled; frames wait in the queue.
    socket.enqueue(async () => {
      site = siteId ? await sites.get(siteId) : undefined
      if (!site) return socket.refuse('site_not_found', CLOSE_CODES.forbidden)
      if (!isOriginAllowed(origin, site.origins, config.allowedOrigins)) {
        site = undefined
        return socket.refuse('origin_not_allowed', CLOSE_CODES.forbidden)
      }
    })

    async function hello(
      current: SiteRecord,
      frame: VisitorHello,
    ): Promise<VisitorActor | undefined> {
      const siteId = current.config.siteId
      if (frame.v !== PROTOCOL_VERSION) {
        socket.refuse('unsupported_version', CLOSE_CODES.badHello)
        return undefined
      }
      let visitorId: string
      let token: string
      if (frame.token !== undefined) {
        // Forged, expired or revoked (logout, erasure): no welcome, no history.
        const verified = await visitorAuth.authenticate(siteId, frame.token)
        if (!verified) {
          socket.refuse('token_invalid', CLOSE_CODES.unauthorized)
          return undefined
        }
        // An old or legacy token comes back renewed in `welcome`, which the client keeps.
        ;({ visitorId, token } = verified)
      } else {
        ;({ visitorId, token } = visitorTokens.issue(siteId))
      }
      const who: VisitorActor = {
        kind: 'visitor',
        siteId,
        visitorId,
        page: frame.page?.url,
        ip,
        lang: frame.lang,
      }
      // A logout or an erasure closes every socket of the visitor at once.
      socket.onTeardown(
        visitorSockets.add(authorKey(who), () =>
          socket.refuse('token_invalid', CLOSE_CODES.unauthorized),
        ),
      )
      const [where, published] = await Promise.all([
        upgrade ? region(upgrade) : undefined,
        scenarios.siteConfig(current.config),
      ])
      // Monitoring: the visitor is on the site, on this page, until the socket closes.
      socket.onTeardown(
        app.liveVisitors.connected({
          siteId,
          visitorId,
          url: frame.page?.url,
          title: frame.page?.title,
          region: where,
          at: config.now(),
        }),
      )
      // The page goes on the visitor card (pages visited, UTM source, region).
      const visit = visitOf({ siteId, visitorId }, frame, where, config.now())
      if (visit) await db.transaction((tx) => visitorProfiles.recordVisit(tx, visit))
      await socket.replay(async (emit) => {
        const deliver = socket.deliver.bind(socket)
        socket.onTeardown(bus.subscribe(visitorTopic(siteId, visitorId), deliver))
        const { presence: announced, leave } = siteAvailability.join(siteId, current.config, socket)
        socket.onTeardown(leave)
        const mine = await conversations.visitorView(siteId, visitorId)
        socket.send({
          t: 'welcome',
          v: PROTOCOL_VERSION,
          visitorId,
          token,
          conversations: mine,
          operatorsOnline: presence.count,
          configVersion: published.configVersion,
          limits: config.limits,
          startParam: startParams.issue(siteId, visitorId),
          available: announced.available,
          ...(where && { region: where }),
        })
        await conversations.replay(who, frame.cursor ?? {}, emit, { skipAhead: true })
        // Where each waiting chat is in its queue, as a reconnecting widget must show it.
        for (const queued of app.routingService.queueFrames(mine.map((c) => c.id))) {
          socket.send(queued)
        }
      })
      return who
    }
  })
}
