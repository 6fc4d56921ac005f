import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { FunnelService } from './service.ts'
import type { FunnelStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    funnel: FunnelService
  }
}

/** Decorates `app.funnel` (the funnel's counters and report). Routes: `./routes.ts`. */
export const funnelPlugin = fp(
  async (app: FastifyInstance, options: { store: FunnelStore }) => {
    app.decorate(
      'funnel',
      new FunnelService({
        db: app.db,
        store: options.store,
        sites: app.sites,
        analytics: app.analytics,
        now: app.config.now,
      }),
    )
  },
  { name: 'parley-funnel', dependencies: ['parley-infra', 'parley-sites', 'parley-analytics'] },
)
