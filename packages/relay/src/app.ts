import Fastify, { type FastifyInstance } from 'fastify'
import { type RelayConfig, resolveConfig } from './config/config.ts'
import { MemoryBus } from './infra/bus/memory.ts'
import { RedisBus } from './infra/bus/redis.ts'
import type { Bus } from './infra/bus/types.ts'
import { healthRoutes } from './infra/http/health.ts'
import { openapiPlugin } from './infra/http/openapi.ts'
import { staticRoutes } from './infra/http/static.ts'
import { infraPlugin } from './infra/plugin.ts'
import { createMaxmindLookup } from './infra/region/maxmind.ts'
import { createRegionResolver } from './infra/region/resolve.ts'
import { NO_REGION, type RegionLookup } from './infra/region/types.ts'
import { analyticsPlugin } from './modules/analytics/plugin.ts'
import { analyticsRoutes } from './modules/analytics/routes.ts'
import { attachmentsPlugin } from './modules/attachments/plugin.ts'
import { attachmentRoutes } from './modules/attachments/routes.ts'
import { authPlugin } from './modules/auth/plugin.ts'
import { authRoutes } from './modules/auth/routes.ts'
import { cannedPlugin } from './modules/canned/plugin.ts'
import { cannedRoutes } from './modules/canned/routes.ts'
import { channelsPlugin } from './modules/channels/plugin.ts'
import { channelRoutes } from './modules/channels/routes.ts'
import { operatorSocket } from './modules/conversations/operator-socket.ts'
import { conversationsPlugin } from './modules/conversations/plugin.ts'
import { conversationRoutes } from './modules/conversations/routes.ts'
import { photoRoutes } from './modules/employees/photo-routes.ts'
import { employeesPlugin } from './modules/employees/plugin.ts'
import { employeeRoutes } from './modules/employees/routes.ts'
import { funnelPlugin } from './modules/funnel/plugin.ts'
import { funnelRoutes } from './modules/funnel/routes.ts'
import { integrationsPlugin } from './modules/integrations/plugin.ts'
import { integrationRoutes } from './modules/integrations/routes.ts'
import { presencePlugin } from './modules/presence/plugin.ts'
import type { PresenceDirectory } from './modules/presence/presence.ts'
import { RedisPresence } from './modules/presence/redis.ts'
import { privacyPlugin } from './modules/privacy/plugin.ts'
import { privacyRoutes } from './modules/privacy/routes.ts'
import { privacyVisitorRoutes } from './modules/privacy/visitor-routes.ts'
import { routingPlugin } from './modules/routing/plugin.ts'
import { groupRoutes } from './modules/routing/routes.ts'
import { engageRoutes } from './modules/scenarios/engage-routes.ts'
import { scenariosPlugin } from './modules/scenarios/plugin.ts'
import { scenarioRoutes } from './modules/scenarios/routes.ts'
import { searchPlugin } from './modules/search/plugin.ts'
import { searchRoutes } from './modules/search/routes.ts'
import { adminSiteRoutes } from './modules/sites/admin-routes.ts'
import { sitesPlugin } from './modules/sites/plugin.ts'
import { siteRoutes } from './modules/sites/public-routes.ts'
import { visitorCardRoutes } from './modules/visitors/card-routes.ts'
import { formFallbackRoutes } from './modules/visitors/fallback-routes.ts'
import { visitorsPlugin } from './modules/visitors/plugin.ts'
import { visitorProfilesPlugin } from './modules/visitors/profiles-plugin.ts'
import { visitorSocket } from './modules/visitors/socket.ts'
import { webhooksPlugin } from './modules/webhooks/plugin.ts'
import { webhookRoutes } from './modules/webhooks/routes.ts'
import { openStores, type Stores } from './stores.ts'

/**
 * Builds the relay: opens and migrates the store, then registers the infrastructure, each
 * domain module (services, in dependency order), and the routes and sockets over them.
 * Call `listen()` on the result; `close()` closes sockets with 1001, finishes in-flight
 * writes and closes the store.
 */
export async function buildServer(
  input: RelayConfig,
  options: { stores?: Stores; bus?: Bus } = {},
): Promise<FastifyInstance> {
  const config = resolveConfig(input)
  // Given adapters, or PostgreSQL at `databaseUrl`, or the embedded SQLite file.
  const stores = options.stores ?? (await openStores(config))
  let bus: Bus | undefined
  let directory: PresenceDirectory | undefined
  try {
    // Given, or Redis between relays at `redisUrl`, or the in-process bus of one relay.
    bus =
      options.bus ??
      (config.redisUrl !== undefined ? await RedisBus.connect(config.redisUrl) : new MemoryBus())
    // Across relays, who is online is counted in Redis too.
    if (config.redisUrl !== undefined) directory = await RedisPresence.connect(config.redisUrl)
  } catch (error) {
    await bus?.close()
    await stores.db.close()
    throw error
  }
  const app = Fastify({
    logger: config.logger,
    // Starting restores state (routing's open chats, the outbox): on a large database that
    // takes longer than Fastify's default 10 s per plugin, and is no reason to fail.
    pluginTimeout: 120_000,
    forceCloseConnections: true,
    trustProxy: config.trustProxy,
  })
  try {
    const { geoip } = config
    const regionLookup: RegionLookup =
      geoip.lookup ??
      (geoip.database === false
        ? NO_REGION
        : createMaxmindLookup({
            files: geoip.database,
            onError: (err) => app.log.warn({ err }, 'geoip database unavailable; regions unknown'),
          }))
    await app.register(infraPlugin, {
      config,
      stores,
      bus,
      regionLookup,
      region: createRegionResolver({ lookup: regionLookup, header: geoip.header }),
    })
    await app.register(openapiPlugin)

    await app.register(employeesPlugin, { store: stores.employees })
    await app.register(authPlugin, { store: stores.auth, employeeStore: stores.employees })
    await app.register(sitesPlugin, { store: stores.sites })
    await app.register(presencePlugin, { directory })
    await app.register(visitorProfilesPlugin, { store: stores.visitors })
    await app.register(scenariosPlugin, { store: stores.scenarios, settings: stores.settings })
    await app.register(conversationsPlugin, { store: stores.conversations })
    await app.register(routingPlugin, { store: stores.groups })
    await app.register(cannedPlugin, { store: stores.canned })
    await app.register(searchPlugin, { store: stores.search })
    await app.register(privacyPlugin, { store: stores.privacy })
    await app.register(visitorsPlugin, { settings: stores.settings })
    await app.register(integrationsPlugin)
    await app.register(webhooksPlugin, {
      store: stores.webhooks,
      employeeStore: stores.employees,
      conversationStore: stores.conversations,
      visitorStore: stores.visitors,
    })
    await app.register(analyticsPlugin, { store: stores.analytics })
    await app.register(funnelPlugin, { store: stores.funnel })
    await app.register(attachmentsPlugin, { store: stores.attachments })
    await app.register(channelsPlugin, { store: stores.channels })

    await app.register(healthRoutes)
    await app.register(authRoutes)
    await app.register(employeeRoutes)
    await app.register(photoRoutes)
    await app.register(siteRoutes)
    await app.register(adminSiteRoutes)
    await app.register(scenarioRoutes)
    await app.register(engageRoutes)
    await app.register(formFallbackRoutes)
    await app.register(conversationRoutes)
    await app.register(searchRoutes)
    await app.register(visitorCardRoutes)
    await app.register(groupRoutes)
    await app.register(cannedRoutes)
    await app.register(privacyRoutes)
    await app.register(privacyVisitorRoutes)
    await app.register(integrationRoutes)
    await app.register(webhookRoutes)
    await app.register(analyticsRoutes)
    await app.register(funnelRoutes)
    await app.register(channelRoutes)
    await app.register(attachmentRoutes)
    await app.register(visitorSocket)
    await app.register(operatorSocket)
    await app.register(staticRoutes)
    return app
  } catch (error) {
    await app.close().catch(() => undefined)
    await stores.db.close()
    throw error
  }
}
