import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ProactiveInvitations } from './invitations.ts'
import { LiveVisitors } from './live.ts'
import { AnalyticsService } from './service.ts'
import type { AnalyticsStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    analytics: AnalyticsService
    liveVisitors: LiveVisitors
    invitations: ProactiveInvitations
  }
}

/**
 * Decorates `app.analytics` (reports), `app.liveVisitors` (the visitor socket tells it of
 * each hello and close) and `app.invitations` (proactive chat; the opening policy asks it). Writes every operator status change to the status log, and at start
 * closes the intervals a stop left open. Routes: `./routes.ts`.
 */
export const analyticsPlugin = fp(
  async (app: FastifyInstance, options: { store: AnalyticsStore }) => {
    const { config, db } = app
    const { store } = options
    const live = new LiveVisitors(config.now)
    const analytics = new AnalyticsService({
      db,
      store,
      employees: app.employees,
      routing: app.routingService,
      sites: app.sites,
      live,
      now: config.now,
    })
    app.decorate('analytics', analytics)
    app.decorate('liveVisitors', live)
    const invitations = new ProactiveInvitations({
      bus: app.bus,
      live,
      employees: app.employees,
      sites: app.sites,
      routing: app.routingService,
      conversations: app.conversations,
      attribution: app.attribution,
      now: config.now,
      timers: config.timers,
      otherRelays: config.redisUrl !== undefined,
    })
    app.attribution.useInvitations(invitations)
    app.decorate('invitations', invitations)
    app.addHook('onClose', async () => invitations.close())
    await db.transaction((tx) => store.closeOpenStatuses(tx, config.now()))
    app.routingService.onStatus((operatorId, status) => {
      const at = config.now()
      void app.inflight
        .track(db.transaction((tx) => store.logStatus(tx, operatorId, status, at)))
        .catch((err) => app.log.warn({ err }, 'operator status not logged'))
    })
  },
  {
    name: 'parley-analytics',
    dependencies: [
      'parley-infra',
      'parley-employees',
      'parley-sites',
      'parley-routing',
      'parley-scenarios',
      'parley-conversations',
    ],
  },
)
