import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  ConversationPage,
  IdParams,
  IntegrationConversationQuery,
  IntegrationMessageQuery,
  IntegrationVisitorQuery,
  LeadPage,
  MessagePage,
  type OperatorSend,
  PostMessageBody,
  PostMessageReply,
  parseOperatorFrame,
  VisitorPage,
} from '@parley/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import type { OperatorActor } from '../conversations/actor.ts'
import { sendOverRest } from '../conversations/frames.ts'

const common = { tags: ['integrations'], security: EMPLOYEE }
const ORDER =
  'Oldest update first, by (time, id); pass `nextCursor` as `cursor` until it is null. A row written while you walk comes again at the end, none is skipped.'

function actorOf(request: FastifyRequest): OperatorActor {
  const { id, name } = request.employee!
  return { kind: 'operator', id, name, permissions: request.permissions! }
}

/** The REST API for integrations: paginated lists, and posting an operator message. */
export async function integrationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { integrations, config } = app
  const listErrors = ['bad_request', 'cursor_invalid', 'unauthorized', 'forbidden'] as const

  app.get(
    '/v1/integrations/conversations',
    {
      schema: {
        ...common,
        operationId: 'pageConversations',
        summary: 'Conversations, a page at a time',
        description: `Needs \`conversations:read\`; only the conversations you may see (every one for admins, your groups' for supervisors, yours and your groups' waiting ones for operators). ${ORDER} \`channel\` is the conversation's kind.`,
        querystring: IntegrationConversationQuery,
        response: { 200: ConversationPage, ...errors(...listErrors) },
      },
      preHandler: requirePermission(app, 'conversations:read'),
    },
    async (request) => integrations.conversationPage(actorOf(request), request.query),
  )

  app.get(
    '/v1/integrations/messages',
    {
      schema: {
        ...common,
        operationId: 'pageMessages',
        summary: 'Messages across conversations, a page at a time',
        description: `Needs \`conversations:read\`; events of kind \`message\` of the conversations you may see, by their time (\`updatedSince\` is the message's \`at\`). A \`conversationId\` you may not see is \`conversation_not_found\`. ${ORDER}`,
        querystring: IntegrationMessageQuery,
        response: {
          200: MessagePage,
          ...errors(...listErrors, 'conversation_not_found'),
        },
      },
      preHandler: requirePermission(app, 'conversations:read'),
    },
    async (request) => integrations.messagePage(actorOf(request), request.query),
  )

  app.get(
    '/v1/integrations/leads',
    {
      schema: {
        ...common,
        operationId: 'pageLeads',
        summary: 'Leads: callbacks, offline messages and contacts left in chats',
        description: `Needs \`leads:read\` (admins, supervisors). A lead is a conversation you may see: a callback request or offline message (with its form's fields), or a chat whose visitor left a phone or email. ${ORDER}`,
        querystring: IntegrationConversationQuery,
        response: { 200: LeadPage, ...errors(...listErrors) },
      },
      preHandler: requirePermission(app, 'leads:read'),
    },
    async (request) => integrations.leadPage(actorOf(request), request.query),
  )

  app.get(
    '/v1/integrations/visitors',
    {
      schema: {
        ...common,
        operationId: 'pageVisitors',
        summary: 'Visitor profiles, a page at a time',
        description: `Needs \`visitors:read\` (admins: a profile belongs to a site, not a group). ${ORDER}`,
        querystring: IntegrationVisitorQuery,
        response: { 200: VisitorPage, ...errors(...listErrors) },
      },
      preHandler: requirePermission(app, 'visitors:read'),
    },
    async (request) => integrations.visitorPage(request.query),
  )

  app.post(
    '/v1/conversations/:id/messages',
    {
      schema: {
        ...common,
        operationId: 'postMessage',
        summary: 'Post an operator message from outside',
        description:
          "Needs `messages:write`. Posts as the token's employee, delivered live to the visitor and operators like a `send` frame; the conversation must be visible to you (`conversation_not_found`) and open. A repeated `cid` answers the first message's ack and stores nothing. As on the socket, answering a conversation still waiting in one of your groups takes it: that needs you online with room (`operator_unavailable`, `operator_full`).",
        params: IdParams,
        body: PostMessageBody,
        response: {
          201: PostMessageReply,
          ...errors(
            'bad_request',
            'text_empty',
            'text_too_long',
            'frame_too_large',
            'unauthorized',
            'forbidden',
            'conversation_not_found',
            'conversation_closed',
            'operator_unavailable',
            'operator_full',
          ),
        },
      },
      preHandler: requirePermission(app, 'messages:write'),
    },
    async (request, reply) => {
      // The socket's checks, word for word: text rules, well-formed strings, size.
      const parsed = parseOperatorFrame(
        JSON.stringify({
          t: 'send',
          cid: request.body.cid,
          conversationId: request.params.id,
          text: request.body.text,
        }),
        config.limits,
      )
      if (!parsed.ok) throw relayError(parsed.code, parsed.message)
      const ack = await sendOverRest(app, actorOf(request), parsed.frame as OperatorSend)
      return reply.code(201).send({
        cid: ack.cid,
        id: ack.id,
        conversationId: ack.conversationId!,
        seq: ack.seq!,
        at: ack.at,
      })
    },
  )
}
