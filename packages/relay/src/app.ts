import fastifyCookie from '@fastify/cookie'
import fastifyWebsocket from '@fastify/websocket'
import Fastify, { type FastifyInstance } from 'fastify'
import { type RelayConfig, resolveConfig } from './config/config.ts'
import type { RelayContext } from './context.ts'
import { MemoryBus } from './infra/bus/memory.ts'
import { toErrorReply } from './infra/errors.ts'
import { healthRoutes } from './infra/http/health.ts'
import { staticRoutes } from './infra/http/static.ts'
import { createMaxmindLookup } from './infra/region/maxmind.ts'
import { createRegionResolver } from './infra/region/resolve.ts'
import { NO_REGION } from './infra/region/types.ts'
import { shutdownSockets } from './infra/ws/shutdown.ts'
import { authRoutes } from './modules/auth/routes.ts'
import { operatorGateway } from './modules/conversations/operator-socket.ts'
import { conversationRoutes } from './modules/conversations/routes.ts'
import { Conversations } from './modules/conversations/service.ts'
import { ensureAdmin, loadSecret, seedSites } from './modules/employees/bootstrap.ts'
import { adminRoutes } from './modules/employees/routes.ts'
import { OperatorPresence } from './modules/presence/presence.ts'
import { Attribution } from './modules/scenarios/attribution.ts'
import { ScenarioCatalog } from './modules/scenarios/catalog.ts'
import { engageRoutes } from './modules/scenarios/engage-routes.ts'
import { scenarioRoutes } from './modules/scenarios/routes.ts'
import { seedScenarios } from './modules/scenarios/seed.ts'
import { createScenarioStore } from './modules/scenarios/store.ts'
import { adminSiteRoutes } from './modules/sites/admin-routes.ts'
import { siteRoutes } from './modules/sites/public-routes.ts'
import { formFallbackRoutes } from './modules/visitors/fallback-routes.ts'
import { VisitorForms } from './modules/visitors/forms.ts'
import { visitorGateway } from './modules/visitors/socket.ts'
import { createStartParams } from './modules/visitors/start-param.ts'
import { createVisitorTokens } from './modules/visitors/visitor-token.ts'
import { createSqliteStore } from './store/sqlite.ts'

/**
 * Builds the relay: opens and migrates the store, creates the first admin and
 * the configured sites, and registers the gateways, REST routes and static files.
 * Call `listen()` on the result; `close()` closes sockets with 1001 and the store.
 */
export async function buildServer(input: RelayConfig): Promise<FastifyInstance> {
  const config = resolveConfig(input)
  const store = createSqliteStore(config.databasePath)
  const app = Fastify({
    logger: config.logger,
    forceCloseConnections: true,
    trustProxy: config.trustProxy,
  })
  try {
    const secret = await loadSecret(store, config.secret)
    const generatedAdminPassword = await ensureAdmin(store, config)
    await seedSites(store, config)
    const bus = new MemoryBus()
    const scenarioStore = createScenarioStore(store)
    const scenarios = new ScenarioCatalog(scenarioStore, config.now)
    await seedScenarios(store, scenarios, config.sites, config.now())
    const attribution = new Attribution({ store: scenarioStore, now: config.now })
    const { geoip } = config
    const regionLookup =
      geoip.lookup ??
      (geoip.database === false
        ? NO_REGION
        : createMaxmindLookup({
            files: geoip.database,
            onError: (err) => app.log.warn({ err }, 'geoip database unavailable; regions unknown'),
          }))
    const conversations = new Conversations({
      store,
      bus,
      now: config.now,
      replayLimit: config.replayLimit,
      opening: (visitor, scenarioId, options) => attribution.opening(visitor, scenarioId, options),
    })
    const context: RelayContext = {
      config,
      store,
      bus,
      conversations,
      forms: new VisitorForms({
        store,
        conversations,
        now: config.now,
        maxTextLength: config.limits.maxTextLength,
      }),
      visitorTokens: createVisitorTokens(secret),
      startParams: createStartParams(secret),
      presence: new OperatorPresence(bus),
      scenarios,
      attribution,
      region: createRegionResolver({ lookup: regionLookup, header: geoip.header }),
      shuttingDown: false,
      generatedAdminPassword,
    }
    app.decorate('parley', context)

    app.setErrorHandler((error, request, reply) => {
      const { status, body } = toErrorReply(error)
      if (status >= 500) request.log.error({ err: error }, 'request failed')
      return reply.code(status).send(body)
    })

    await app.register(fastifyCookie)
    await app.register(fastifyWebsocket, {
      options: { maxPayload: config.maxPayloadBytes },
      preClose: (done) => {
        context.shuttingDown = true
        shutdownSockets(app.websocketServer).then(() => done(), done)
      },
    })
    app.addHook('onClose', async () => {
      await context.conversations.idle()
      await bus.close()
      regionLookup.close?.()
      await store.close()
    })

    await app.register(healthRoutes)
    await app.register(siteRoutes)
    await app.register(authRoutes)
    await app.register(adminRoutes)
    await app.register(adminSiteRoutes)
    await app.register(formFallbackRoutes)
    await app.register(scenarioRoutes)
    await app.register(engageRoutes)
    await app.register(conversationRoutes)
    await app.register(visitorGateway)
    await app.register(operatorGateway)
    await app.register(staticRoutes)
    return app
  } catch (error) {
    await store.close()
    throw error
  }
}
