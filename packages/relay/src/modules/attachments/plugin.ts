import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AttachmentService } from './service.ts'
import type { AttachmentStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    attachments: AttachmentService
  }
}

/** Decorates `app.attachments`: files messages carry, their limits and who may read them. */
export const attachmentsPlugin = fp(
  async (app: FastifyInstance, options: { store: AttachmentStore }) => {
    const service = new AttachmentService({
      db: app.db,
      store: options.store,
      conversations: app.conversations,
      maxBytes: app.config.attachments.maxBytes,
      // Telegram's sendPhoto; VK and Viber send text only so far.
      outboundChannels: new Set(['telegram']),
      now: app.config.now,
    })
    app.decorate('attachments', service)
    app.conversations.useAttachments(service)
  },
  { name: 'parley-attachments', dependencies: ['parley-infra', 'parley-conversations'] },
)
