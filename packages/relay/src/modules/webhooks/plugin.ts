import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { EmployeeStore } from '../employees/store.ts'
import { createGuardedFetch } from './guarded-fetch.ts'
import { WebhookService } from './service.ts'
import type { WebhookStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: WebhookService
  }
}

/**
 * Decorates `app.webhooks`: endpoints, the outbox (the conversation service's event sink,
 * written in the transaction of each change) and its delivery worker, started once the
 * relay is ready so a restart resumes what was pending. Routes: `./routes.ts`.
 */
export const webhooksPlugin = fp(
  async (app: FastifyInstance, options: { store: WebhookStore; employeeStore: EmployeeStore }) => {
    const { config, conversations } = app
    const { allowPrivateNetworks, policy, random, resolve } = config.webhooks
    const guarded = createGuardedFetch(allowPrivateNetworks, resolve)
    // An employee's kind never changes: asked once per employee.
    const bots = new Map<string, boolean>()
    const service = new WebhookService({
      db: app.db,
      store: options.store,
      lookups: {
        conversation: (id, tx) => conversations.get(id, tx),
        async isBot(id, tx) {
          let bot = bots.get(id)
          if (bot === undefined) {
            bot = (await options.employeeStore.get(id, tx))?.kind === 'bot'
            bots.set(id, bot)
          }
          return bot
        },
      },
      now: config.now,
      timers: config.timers,
      random,
      policy,
      allowPrivateNetworks,
      fetch: guarded.fetch,
      resolve,
      log: app.log,
    })
    app.decorate('webhooks', service)
    conversations.useEvents(service)
    app.addHook('onReady', () => service.start())
    app.addHook('onClose', async () => {
      await service.close()
      await guarded.close()
    })
  },
  { name: 'parley-webhooks', dependencies: ['parley-infra', 'parley-conversations'] },
)
