import fastifyCookie from '@fastify/cookie'
import fastifyWebsocket from '@fastify/websocket'
import Fastify, { type FastifyInstance } from 'fastify'
import { Attribution } from './attribution.ts'
import { createStartParams } from './auth/start-param.ts'
import { createVisitorTokens } from './auth/visitor-token.ts'
import { ensureAdmin, loadSecret, seedSites } from './bootstrap.ts'
import { MemoryBus } from './bus/memory.ts'
import { type RelayConfig, resolveConfig } from './config.ts'
import type { RelayContext } from './context.ts'
import { Conversations } from './conversations.ts'
import { toErrorReply } from './errors.ts'
import { operatorGateway } from './gateway/operator.ts'
import { OperatorPresence } from './gateway/presence.ts'
import { visitorGateway } from './gateway/visitor.ts'
import { createMaxmindLookup } from './region/maxmind.ts'
import { createRegionResolver } from './region/resolve.ts'
import { NO_REGION } from './region/types.ts'
import { adminRoutes } from './routes/admin.ts'
import { adminSiteRoutes } from './routes/admin-sites.ts'
import { authRoutes } from './routes/auth.ts'
import { conversationRoutes } from './routes/conversations.ts'
import { engageRoutes } from './routes/engage.ts'
import { formFallbackRoutes } from './routes/forms-fallback.ts'
import { healthRoutes } from './routes/health.ts'
import { scenarioRoutes } from './routes/scenarios.ts'
import { siteRoutes } from './routes/sites.ts'
import { staticRoutes } from './routes/static.ts'
import { ScenarioCatalog } from './scenarios/catalog.ts'
import { seedScenarios } from './scenarios/seed.ts'
import { createScenarioStore } from './scenarios/store.ts'
import { shutdownSockets } from './shutdown.ts'
import { createSqliteStore } from './store/sqlite.ts'
import { VisitorForms } from './visitor-forms.ts'

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
