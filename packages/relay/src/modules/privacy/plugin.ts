import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { RetentionScheduler } from './retention.ts'
import { PrivacyService } from './service.ts'
import type { PrivacyStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    privacy: PrivacyService
    retention: RetentionScheduler
  }
}

/**
 * Decorates `app.privacy` and the retention schedule (a run once the relay is ready, then
 * every `retentionIntervalMs`). Registered before the visitors' plugin, which checks token
 * revocations and keeps agreement texts through it. Routes: `./routes.ts`.
 */
export const privacyPlugin = fp(
  async (app: FastifyInstance, options: { store: PrivacyStore }) => {
    const { config } = app
    const privacy = new PrivacyService({
      db: app.db,
      store: options.store,
      now: config.now,
      bus: app.bus,
      sockets: app.visitorSockets,
      conversations: () => app.conversations,
      profiles: () => app.visitorProfiles,
      closed: (id) => app.routingService.closed(id),
    })
    app.decorate('privacy', privacy)
    // Agreement texts by version, and an audit entry when what is collected changes.
    app.sites.onChange((tx, before, after, by) =>
      privacy.siteSettingsChanged(tx, before, after, by),
    )
    // The configured sites were written before this plugin: keep their agreement texts now.
    for (const { id } of config.sites) {
      const site = await app.sites.get(id)
      if (site) await app.db.transaction((tx) => privacy.recordAgreement(tx, site))
    }
    const retention = new RetentionScheduler({
      run: () => app.inflight.track(privacy.runRetention()),
      intervalMs: config.retentionIntervalMs,
      timers: config.timers,
      onError: (err) => app.log.error({ err }, 'retention run failed'),
    })
    app.decorate('retention', retention)
    app.addHook('onReady', async () => retention.start())
    app.addHook('preClose', async () => retention.stop())
  },
  {
    name: 'parley-privacy',
    dependencies: [
      'parley-infra',
      'parley-sites',
      'parley-visitor-profiles',
      'parley-conversations',
      'parley-routing',
    ],
  },
)
