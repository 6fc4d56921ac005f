import type { ConversationEventsReply, ConversationListReply } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
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
  const { conversations } = app
  const preHandler = requireEmployee(app)

  app.get<{ Querystring: { limit: number }; Reply: ConversationListReply }>(
    '/v1/conversations',
    { preHandler, schema: { querystring: listQuery } },
    async (request) => ({ conversations: await conversations.list(request.query.limit) }),
  )

  app.get<{
    Params: { id: string }
    Querystring: { after: number; limit: number }
    Reply: ConversationEventsReply
  }>(
    '/v1/conversations/:id/events',
    { preHandler, schema: { querystring: eventsQuery } },
    async (request) => {
      const { id, name } = request.employee!
      const { after, limit } = request.query
      return conversations.history({ kind: 'operator', id, name }, request.params.id, after, limit)
    },
  )
}
