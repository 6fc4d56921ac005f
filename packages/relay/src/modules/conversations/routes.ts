import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  ConversationEventsQuery,
  ConversationEventsReply,
  ConversationListQuery,
  ConversationListReply,
  ConversationReply,
  IdParams,
  LeadBody,
} from '@parley/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { publishAll } from '../../infra/bus/outcome.ts'
import { EMPLOYEE, errors } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import type { OperatorActor } from './actor.ts'

const common = { tags: ['conversations'], security: EMPLOYEE }

/** The caller as an operator actor: who, and what they may see. */
function viewerOf(request: FastifyRequest): OperatorActor {
  const { id, name } = request.employee!
  return { kind: 'operator', id, name, permissions: request.permissions! }
}

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
        description:
          "Needs `conversations:read`: the conversations you may see — every one for admins, your groups' for supervisors, yours and your groups' waiting ones for operators.",
        querystring: ConversationListQuery,
        response: {
          200: ConversationListReply,
          ...errors('bad_request', 'unauthorized', 'forbidden'),
        },
      },
      preHandler,
    },
    // The schema's default fills `limit` in.
    async (request) => ({
      conversations: await conversations.list(viewerOf(request), request.query.limit!),
    }),
  )

  app.get(
    '/v1/conversations/:id/events',
    {
      schema: {
        ...common,
        operationId: 'getConversationEvents',
        summary: 'A conversation and its events after `after`',
        description:
          'Needs `conversations:read`, and the conversation must be visible to you (your groups, yours, or every one for admins); otherwise `conversation_not_found`. Page with `after` = the last `seq` received.',
        params: IdParams,
        querystring: ConversationEventsQuery,
        response: {
          200: ConversationEventsReply,
          ...errors('bad_request', 'unauthorized', 'forbidden', 'conversation_not_found'),
        },
      },
      preHandler,
    },
    async (request) => {
      // The schema's defaults fill `after` and `limit` in.
      const { after, limit } = request.query
      return conversations.history(viewerOf(request), request.params.id, after!, limit!)
    },
  )

  app.patch(
    '/v1/conversations/:id/lead',
    {
      schema: {
        ...common,
        operationId: 'updateLead',
        summary: "Set a callback's or offline lead's status and assignee",
        description:
          'Needs `conversations:reply`, and the conversation must be visible to you (otherwise `conversation_not_found`). Only callbacks and offline leads have one (`not_a_lead`); the assignee must be an active person of the team (`employee_not_found`); `assigneeId: null` clears it. Every operator who may see the conversation gets its summary on the socket at once.',
        params: IdParams,
        body: LeadBody,
        response: {
          200: ConversationReply,
          ...errors(
            'bad_request',
            'unauthorized',
            'forbidden',
            'conversation_not_found',
            'employee_not_found',
            'not_a_lead',
          ),
        },
      },
      preHandler: requirePermission(app, 'conversations:reply'),
    },
    async (request) => {
      const { conversation, publish } = await conversations.setLead(
        viewerOf(request),
        request.params.id,
        request.body,
      )
      publishAll(app.bus, { publish })
      return { conversation }
    },
  )
}
