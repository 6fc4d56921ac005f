import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  parseVisitorFrame,
  type VisitorHello,
  type VisitorInbound,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { PRESENCE_TOPIC, visitorTopic } from '../../infra/bus/topics.ts'
import { relayError } from '../../infra/errors.ts'
import { FrameSocket } from '../../infra/ws/frame-socket.ts'
import type { SiteRecord } from '../../store/types.ts'
import { type Actor, authorKey } from '../conversations/service.ts'
import { availability } from '../presence/presence.ts'
import { isOriginAllowed } from '../sites/sites.ts'

/** How often a visitor socket re-checks working hours for `presence.available`. */
const AVAILABILITY_CHECK_MS = 60_000

/** `GET /v1/visitor?site=SITE`: the visitor WebSocket. */
export async function visitorGateway(app: FastifyInstance): Promise<void> {
  const {
    config,
    store,
    bus,
    conversations,
    forms,
    visitorTokens,
    startParams,
    presence,
    scenarios,
    attribution,
    region,
  } = app.parley

  app.get<{ Querystring: { site?: string } }>('/v1/visitor', { websocket: true }, (ws, request) => {
    if (app.parley.shuttingDown) {
      ws.close(CLOSE_CODES.goingAway, 'relay shutting down')
      return
    }
    let site: SiteRecord | undefined
    let actor: (Actor & { kind: 'visitor' }) | undefined

    const socket: FrameSocket<VisitorInbound> = new FrameSocket<VisitorInbound>({
      socket: ws,
      parse: (raw) => parseVisitorFrame(raw, config.limits),
      rateLimit: config.rateLimit,
      now: config.now,
      log: request.log,
      isShuttingDown: () => app.parley.shuttingDown,
      onFrame: async (frame) => {
        if (!site) return
        if (!actor) {
          if (frame.t !== 'hello') throw relayError('hello_required')
          actor = await hello(site, frame)
          return
        }
        switch (frame.t) {
          case 'hello':
            throw relayError('hello_repeated')
          case 'send':
            return conversations.send(actor, frame, (ack) => socket.send(ack))
          case 'typing':
            return conversations.typing(actor, frame, socket.id)
          case 'read':
            return conversations.read(actor, frame, socket.id)
          case 'sync': {
            const who = actor
            return socket.replay((emit) => conversations.replay(who, frame.cursor, emit))
          }
          case 'ping':
            return socket.send({ t: 'pong' })
          case 'callback':
            return forms.callback(actor, frame, (ack) => socket.send(ack))
          case 'offline':
            return forms.offline(actor, frame, (ack) => socket.send(ack))
          case 'prechat':
            return forms.prechat(actor, frame, (ack) => socket.send(ack))
          case 'identify':
            return forms.identify(actor, frame, (ack) => socket.send(ack))
          case 'attributes':
            return forms.attributes(actor, frame, (ack) => socket.send(ack))
          case 'rate':
            return forms.rate(actor, frame, (ack) => socket.send(ack))
          case 'engage': {
            const source = { ...actor, authorKey: authorKey(actor) }
            return conversations.track(() =>
              attribution.engageFrame(source, frame, (ack) => socket.send(ack)),
            )
          }
        }
      },
    })

    // Look the site up before any frame is handled; frames wait in the queue.
    socket.enqueue(async () => {
      const siteId = request.query.site ?? ''
      site = siteId ? await store.getSite(siteId) : undefined
      if (!site) return socket.refuse('site_not_found', CLOSE_CODES.forbidden)
      if (!isOriginAllowed(request.headers.origin, site.origins, config.allowedOrigins)) {
        site = undefined
        return socket.refuse('origin_not_allowed', CLOSE_CODES.forbidden)
      }
    })

    async function hello(
      current: SiteRecord,
      frame: VisitorHello,
    ): Promise<(Actor & { kind: 'visitor' }) | undefined> {
      const siteId = current.config.siteId
      if (frame.v !== PROTOCOL_VERSION) {
        socket.refuse('unsupported_version', CLOSE_CODES.badHello)
        return undefined
      }
      let visitorId: string
      let token: string
      if (frame.token !== undefined) {
        const verified = visitorTokens.verify(siteId, frame.token)
        if (!verified) {
          socket.refuse('token_invalid', CLOSE_CODES.unauthorized)
          return undefined
        }
        visitorId = verified
        token = frame.token
      } else {
        ;({ visitorId, token } = visitorTokens.issue(siteId))
      }
      const who: Actor & { kind: 'visitor' } = {
        kind: 'visitor',
        siteId,
        visitorId,
        page: frame.page?.url,
        ip: request.ip,
        lang: frame.lang,
      }
      const [where, published] = await Promise.all([
        region(request),
        scenarios.siteConfig(current.config),
      ])
      let announced = availability(presence.count, current.config, config.now())
      // Presence is per site (working hours): recomputed on every change and once a minute.
      const announce = () => {
        const now = availability(presence.count, current.config, config.now())
        if (
          now.available === announced.available &&
          now.operatorsOnline === announced.operatorsOnline
        )
          return
        announced = now
        socket.deliver({ frame: { t: 'presence', ...now } })
      }
      await socket.replay(async (emit) => {
        const deliver = socket.deliver.bind(socket)
        socket.onTeardown(bus.subscribe(visitorTopic(siteId, visitorId), deliver))
        socket.onTeardown(bus.subscribe(PRESENCE_TOPIC, announce))
        const timer = setInterval(announce, AVAILABILITY_CHECK_MS)
        timer.unref()
        socket.onTeardown(() => clearInterval(timer))
        announced = availability(presence.count, current.config, config.now())
        socket.send({
          t: 'welcome',
          v: PROTOCOL_VERSION,
          visitorId,
          token,
          conversations: await conversations.visitorConversations(siteId, visitorId),
          operatorsOnline: presence.count,
          configVersion: published.configVersion,
          limits: config.limits,
          startParam: startParams.issue(siteId, visitorId),
          available: announced.available,
          ...(where && { region: where }),
        })
        await conversations.replay(who, frame.cursor ?? {}, emit, { skipAhead: true })
      })
      return who
    }
  })
}
