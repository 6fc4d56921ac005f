import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ConversationStore } from '../conversations/store.ts'
import type { EmployeeStore } from '../employees/store.ts'
import type { VisitorStore } from '../visitors/store.ts'
import { createGuardedFetch } from './guarded-fetch.ts'
import { WebhookService } from './service.ts'
import type { WebhookStore } from './store.ts'

/** Most events of a chat read for the transcript of the lead it becomes. */
const TRANSCRIPT_EVENTS = 500

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
  async (
    app: FastifyInstance,
    options: {
      store: WebhookStore
      employeeStore: EmployeeStore
      conversationStore: ConversationStore
      visitorStore: VisitorStore
    },
  ) => {
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
        contact: (siteId, visitorId, tx) => options.visitorStore.get(siteId, visitorId, tx),
        async openChat(siteId, visitorId, tx) {
          const recent = await options.conversationStore.listForVisitor(siteId, visitorId, 20, tx)
          return recent.find((c) => (c.kind ?? 'chat') === 'chat' && c.status === 'open')
        },
        events: (conversationId, tx) =>
          options.conversationStore.eventsAfter(conversationId, 0, TRANSCRIPT_EVENTS, tx),
        publicUrl: config.publicUrl,
      },
      now: config.now,
      timers: config.timers,
      random,
      policy,
      allowPrivateNetworks,
      fetch: guarded.fetch,
      resolve,
      publicUrl: config.publicUrl,
      log: app.log,
      // Several relays: the one holding the duty sends; a look every 5 s backs up the nudges.
      ...(app.clustered && {
        cluster: { duty: app.duties.get('webhooks'), bus: app.bus, pollMs: 5_000 },
      }),
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
