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
    app.decorate(
      'attachments',
      new AttachmentService({
        store: options.store,
        conversations: app.conversations,
        maxBytes: app.config.attachments.maxBytes,
        now: app.config.now,
      }),
    )
  },
  { name: 'parley-attachments', dependencies: ['parley-infra', 'parley-conversations'] },
)
