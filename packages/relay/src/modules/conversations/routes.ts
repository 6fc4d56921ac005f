import type { ConversationEventsReply, ConversationListReply } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { requireEmployee } from '../auth/guards.ts'

const listQuery = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
} as const

const eventsQuery = {
  type: 'object',
  properties: {
    after: { type: 'integer', minimum: 0, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
  },
} as const

/** History for operators: conversation list and each conversation's events. */
export async function conversationRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.parley
  const preHandler = requireEmployee(app)

  app.get<{ Querystring: { limit: number }; Reply: ConversationListReply }>(
    '/v1/conversations',
    { preHandler, schema: { querystring: listQuery } },
    async (request) => ({ conversations: await store.listConversations(request.query.limit) }),
  )

  app.get<{
    Params: { id: string }
    Querystring: { after: number; limit: number }
    Reply: ConversationEventsReply
  }>(
    '/v1/conversations/:id/events',
    { preHandler, schema: { querystring: eventsQuery } },
    async (request) => {
      const conversation = await store.getConversation(request.params.id)
      if (!conversation) throw relayError('conversation_not_found')
      const { after, limit } = request.query
      return { conversation, events: await store.eventsAfter(conversation.id, after, limit) }
    },
  )
}
