import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { LiveVisitors } from './live.ts'
import { AnalyticsService } from './service.ts'
import type { AnalyticsStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    analytics: AnalyticsService
    liveVisitors: LiveVisitors
  }
}

/**
 * Decorates `app.analytics` (reports) and `app.liveVisitors` (the visitor socket tells it of
 * each hello and close). Writes every operator status change to the status log, and at start
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
    dependencies: ['parley-infra', 'parley-employees', 'parley-sites', 'parley-routing'],
  },
)
