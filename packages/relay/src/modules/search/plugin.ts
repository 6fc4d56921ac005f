import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { SearchService } from './service.ts'
import type { SearchStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    messageSearch: SearchService
  }
}

/** Decorates `app.messageSearch` (`app.search` is Fastify's SEARCH method): history search over the conversation log (`./routes.ts`). */
export const searchPlugin = fp(
  async (app: FastifyInstance, options: { store: SearchStore }) => {
    const routing = app.routingService
    app.decorate(
      'messageSearch',
      new SearchService({
        store: options.store,
        conversations: app.conversations,
        scopeOf: (viewer) => routing.scopeOf(viewer),
      }),
    )
  },
  { name: 'parley-search', dependencies: ['parley-conversations', 'parley-routing'] },
)
