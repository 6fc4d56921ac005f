import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { IntegrationService } from './service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    integrations: IntegrationService
  }
}

/** Decorates `app.integrations`: the lists of the REST API for integrations (`./routes.ts`). */
export const integrationsPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate(
      'integrations',
      new IntegrationService({ conversations: app.conversations, visitors: app.visitorProfiles }),
    )
  },
  {
    name: 'parley-integrations',
    dependencies: ['parley-conversations', 'parley-visitor-profiles'],
  },
)
