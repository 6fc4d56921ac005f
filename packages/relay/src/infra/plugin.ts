import fastifyCookie from '@fastify/cookie'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyWebsocket from '@fastify/websocket'
import { CLOSE_CODES, wellFormedStrings } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ResolvedConfig } from '../config/config.ts'
import type { Stores } from '../stores.ts'
import type { Bus } from './bus/types.ts'
import type { UnitOfWork } from './db/unit-of-work.ts'
import { type Duties, PostgresDuties, SOLE_DUTIES } from './duty.ts'
import { toErrorReply } from './errors.ts'
import { Inflight } from './inflight.ts'
import type { RegionResolver } from './region/resolve.ts'
import type { RegionLookup } from './region/types.ts'
import { ConnectionLimit } from './ws/connection-limit.ts'
import { shutdownSockets } from './ws/shutdown.ts'
import { SocketRegistry } from './ws/socket-registry.ts'

/** Whether the relay has begun to close: health turns 503 and frames are refused. */
export interface Lifecycle {
  shuttingDown: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    config: ResolvedConfig
    /** The storage engine's unit of work (transactions). */
    db: UnitOfWork
    bus: Bus
    /** Frames and requests under way; shutdown waits for them before closing the database. */
    inflight: Inflight
    lifecycle: Lifecycle
    /** The visitor's region from a request (trusted header, else IP lookup). */
    region: RegionResolver
    /** Open sockets per client address (`maxConnectionsPerAddress`). */
    connections: ConnectionLimit
    /** Visitors' open sockets by `visitor:<site>:<id>`, to close them when their tokens end. */
    visitorSockets: SocketRegistry
    /**
     * Jobs one relay of the deployment does at a time (sending outboxes, polling bots): held
     * by this relay alone on SQLite, a PostgreSQL advisory lock each with several relays.
     */
    duties: Duties
    /** Several relays share the database and the bus (PostgreSQL + Redis). */
    clustered: boolean
  }
}

/** How often a relay without a duty asks for it again: how soon the others take over from a
 * relay that was killed (one that closes hands over at once). */
const DUTY_RETRY_MS = 5_000

export interface InfraOptions {
  config: ResolvedConfig
  stores: Stores
  bus: Bus
  regionLookup: RegionLookup
  region: RegionResolver
}

/**
 * What every module stands on: config, the unit of work, the bus, the region resolver,
 * cookies, WebSockets, one error handler, and the order of a graceful close (stop taking
 * frames → close sockets with 1001 → finish in-flight writes → close bus and database).
 */
export const infraPlugin = fp(
  async (app: FastifyInstance, options: InfraOptions) => {
    const { config, stores, bus, regionLookup, region } = options
    const lifecycle: Lifecycle = { shuttingDown: false }
    const inflight = new Inflight()
    app.decorate('config', config)
    app.decorate('db', stores.db)
    app.decorate('bus', bus)
    app.decorate('inflight', inflight)
    app.decorate('lifecycle', lifecycle)
    app.decorate('region', region)
    app.decorate('connections', new ConnectionLimit(config.maxConnectionsPerAddress))
    app.decorate('visitorSockets', new SocketRegistry())
    const clustered = config.databaseUrl !== undefined && config.redisUrl !== undefined
    const duties = clustered
      ? new PostgresDuties(config.databaseUrl!, bus, {
          timers: config.timers,
          retryMs: DUTY_RETRY_MS,
          warn: (message, err) => app.log.warn({ err }, message),
        })
      : SOLE_DUTIES
    app.decorate('duties', duties)
    app.decorate('clustered', clustered)

    app.setErrorHandler((error, request, reply) => {
      const { status, body } = toErrorReply(error)
      if (status >= 500) request.log.error({ err: error }, 'request failed')
      return reply.code(status).send(body)
    })

    await app.register(fastifyCookie)
    // Limits are per route (`./http/rate-limit.ts`); nothing is limited by default.
    await app.register(fastifyRateLimit, { global: false })
    await app.register(fastifyWebsocket, {
      options: { maxPayload: config.maxPayloadBytes },
      errorHandler: (error, socket, request) => {
        if (isClientFault(error)) {
          // ws already closes with the right code (1009 too big, 1007 bad UTF-8): a client's
          // fault is one info line without a stack, never an error.
          request.log.info(
            { code: (error as { code?: string }).code },
            `websocket: ${error.message}`,
          )
          return
        }
        request.log.error({ err: error }, 'websocket handler failed')
        socket.terminate()
      },
      preClose: (done) => {
        lifecycle.shuttingDown = true
        shutdownSockets(app.websocketServer).then(() => done(), done)
      },
    })
    // A body's lone surrogates become U+FFFD before any route reads it, as frames' do: SQLite
    // keeps UTF-8, so what a reply echoes and what is replayed later must be the same text.
    app.addHook('preValidation', async (request) => {
      if (typeof request.body === 'object' && request.body !== null) wellFormedStrings(request.body)
    })
    // Messages of other relays may have been missed: every socket reconnects and resumes by
    // cursor (clients treat 1001 as "reconnect"), so none of them has a gap.
    bus.onResync?.(() => {
      app.log.warn('bus link restored; closing sockets so that clients resume')
      for (const socket of app.websocketServer?.clients ?? []) {
        socket.close(CLOSE_CODES.goingAway, 'relay resyncing')
      }
    })
    app.addHook('onClose', async () => {
      await inflight.idle()
      await duties.close()
      await bus.close()
      regionLookup.close?.()
      await stores.db.close()
    })
  },
  { name: 'parley-infra', fastify: '5.x' },
)

/** Errors a client causes on its socket: protocol violations and dropped connections. */
function isClientFault(error: Error): boolean {
  const code = (error as { code?: string }).code ?? ''
  return code.startsWith('WS_ERR_') || ['ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)
}
