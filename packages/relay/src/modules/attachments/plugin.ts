import { PHOTO_CHANNELS } from '@parley/protocol'
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
      outboundChannels: new Set(PHOTO_CHANNELS),
      now: app.config.now,
    })
    app.decorate('attachments', service)
    app.conversations.useAttachments(service)
  },
  { name: 'parley-attachments', dependencies: ['parley-infra', 'parley-conversations'] },
)
