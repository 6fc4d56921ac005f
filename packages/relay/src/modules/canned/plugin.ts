import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { CannedStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    cannedStore: CannedStore
  }
}

/** Decorates `app.cannedStore`. Routes: `./routes.ts`. */
export const cannedPlugin = fp(
  async (app: FastifyInstance, options: { store: CannedStore }) => {
    app.decorate('cannedStore', options.store)
  },
  { name: 'parley-canned', dependencies: ['parley-infra'] },
)
