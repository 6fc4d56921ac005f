import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  ConversationEventsQuery,
  ConversationEventsReply,
  ConversationListQuery,
  ConversationListReply,
  IdParams,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { EMPLOYEE, errors } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'

const common = { tags: ['conversations'], security: EMPLOYEE }

/** History for operators: conversation list and each conversation's events. */
export async function conversationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { conversations } = app
  const preHandler = requirePermission(app, 'conversations:read')

  app.get(
    '/v1/conversations',
    {
      schema: {
        ...common,
        operationId: 'listConversations',
        summary: 'The most recently updated conversations',
        description: 'Any employee.',
        querystring: ConversationListQuery,
        response: { 200: ConversationListReply, ...errors('bad_request', 'unauthorized') },
      },
      preHandler,
    },
    // The schema's default fills `limit` in.
    async (request) => ({ conversations: await conversations.list(request.query.limit!) }),
  )

  app.get(
    '/v1/conversations/:id/events',
    {
      schema: {
        ...common,
        operationId: 'getConversationEvents',
        summary: 'A conversation and its events after `after`',
        description: 'Any employee. Page with `after` = the last `seq` received.',
        params: IdParams,
        querystring: ConversationEventsQuery,
        response: {
          200: ConversationEventsReply,
          ...errors('bad_request', 'unauthorized', 'conversation_not_found'),
        },
      },
      preHandler,
    },
    async (request) => {
      const { id, name } = request.employee!
      // The schema's defaults fill `after` and `limit` in.
      const { after, limit } = request.query
      return conversations.history(
        { kind: 'operator', id, name },
        request.params.id,
        after!,
        limit!,
      )
    },
  )
}
