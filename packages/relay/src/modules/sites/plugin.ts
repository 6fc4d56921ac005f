import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { SiteService } from './service.ts'
import type { SiteStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    sites: SiteService
  }
}

/** Decorates `app.sites` and writes the configured sites. Routes: `./*-routes.ts`. */
export const sitesPlugin = fp(
  async (app: FastifyInstance, options: { store: SiteStore }) => {
    const sites = new SiteService({
      db: app.db,
      store: options.store,
      now: app.config.now,
      ...(app.clustered && { bus: app.bus }),
    })
    await sites.seed(app.config.sites)
    app.decorate('sites', sites)
  },
  { name: 'parley-sites', dependencies: ['parley-infra'] },
)
