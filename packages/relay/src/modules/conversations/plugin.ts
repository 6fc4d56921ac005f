import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ConversationService } from './service.ts'
import type { ConversationStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    conversations: ConversationService
  }
}

/**
 * Decorates `app.conversations`; scenarios' attribution decides what a conversation a
 * visitor opens starts with. Routes: `./routes.ts`; the operator socket: `./operator-socket.ts`.
 */
export const conversationsPlugin = fp(
  async (app: FastifyInstance, options: { store: ConversationStore }) => {
    const { config, employees, visitorProfiles } = app
    app.decorate(
      'conversations',
      new ConversationService({
        db: app.db,
        store: options.store,
        summaries: {
          employees: (ids) => employees.getMany(ids),
          contacts: (siteId, ids) => visitorProfiles.contacts(siteId, ids),
          tags: (ids) => options.store.tagsOf(ids),
        },
        opening: app.attribution,
        now: config.now,
        replayLimit: config.replayLimit,
        maxOpenPerVisitor: config.maxOpenConversationsPerVisitor,
      }),
    )
  },
  {
    name: 'parley-conversations',
    dependencies: [
      'parley-infra',
      'parley-employees',
      'parley-visitor-profiles',
      'parley-scenarios',
    ],
  },
)
