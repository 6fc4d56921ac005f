import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  ChannelDeliveriesReply,
  ContactPointListReply,
  ContactPointReply,
  CreateContactPointBody,
  IdParams,
  UpdateContactPointBody,
} from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { EMPLOYEE, errors, noContent, PUBLIC } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'

/**
 * `channels:manage` (admins): messenger contact points; `conversations:read`: the delivery
 * state of a conversation's outbound messages; and the public webhook each messenger posts
 * its updates to (verified by the channel, not by a session).
 */
export async function channelRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { channels, conversations } = app
  const preHandler = requirePermission(app, 'channels:manage')
  const common = { tags: ['channels'], security: EMPLOYEE }
  const manage = 'Needs `channels:manage`.'
  const secrets =
    'Credentials are write-only: stored encrypted (AES-256-GCM under `PARLEY_SECRET_KEY`), shown back only as `"set"`; without the key, `channel_secret_key_missing`.'

  app.get(
    '/v1/admin/contact-points',
    {
      schema: {
        ...common,
        operationId: 'listContactPoints',
        summary: 'List messenger contact points',
        description: `${manage} Never with their credentials.`,
        response: { 200: ContactPointListReply, ...errors('unauthorized', 'forbidden') },
      },
      preHandler,
    },
    async () => ({ contactPoints: channels.list() }),
  )

  app.post(
    '/v1/admin/contact-points',
    {
      schema: {
        ...common,
        operationId: 'createContactPoint',
        summary: 'Add a Telegram, VK or Viber bot of a site',
        description: `${manage} ${secrets} In webhook mode the relay registers \`PARLEY_PUBLIC_URL\` + \`webhookPath\` with the messenger at once; \`status\` says how that went.`,
        body: CreateContactPointBody,
        response: {
          201: Type.Composite([ContactPointReply], { description: 'Created' }),
          ...errors(
            'bad_request',
            'field_invalid',
            'unauthorized',
            'forbidden',
            'channel_secret_key_missing',
            'frame_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request, reply) =>
      reply.code(201).send({ contactPoint: await channels.create(request.body) }),
  )

  app.patch(
    '/v1/admin/contact-points/:id',
    {
      schema: {
        ...common,
        operationId: 'updateContactPoint',
        summary: 'Change a contact point: name, group, mode, credentials',
        description: `${manage} A key left out keeps its value; a credential given replaces the stored one. New credentials or a new mode connect the bot again. ${secrets}`,
        params: IdParams,
        body: UpdateContactPointBody,
        response: {
          200: ContactPointReply,
          ...errors(
            'bad_request',
            'field_invalid',
            'unauthorized',
            'forbidden',
            'contact_point_not_found',
            'channel_secret_key_missing',
            'frame_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request) => ({
      contactPoint: await channels.update(request.params.id, request.body),
    }),
  )

  app.delete(
    '/v1/admin/contact-points/:id',
    {
      schema: {
        ...common,
        operationId: 'deleteContactPoint',
        summary: 'Remove a contact point',
        description: `${manage} With its chats and unsent messages; the bot's webhook is removed.`,
        params: IdParams,
        response: {
          204: noContent('Deleted'),
          ...errors('unauthorized', 'forbidden', 'contact_point_not_found'),
        },
      },
      preHandler,
    },
    async (request, reply) => {
      await channels.remove(request.params.id)
      return reply.code(204).send()
    },
  )

  app.get(
    '/v1/conversations/:id/deliveries',
    {
      schema: {
        ...common,
        tags: ['conversations'],
        operationId: 'getConversationDeliveries',
        summary: 'Where each operator message to a messenger visitor stands',
        description:
          'Needs `conversations:read` and a conversation visible to you (`conversation_not_found` otherwise). Oldest first: `pending`, `sent`, `delivered`, `read` (where the messenger reports it) or `failed` with the reason. Live changes come as `delivery` frames on the operator socket.',
        params: IdParams,
        response: {
          200: ChannelDeliveriesReply,
          ...errors('unauthorized', 'forbidden', 'conversation_not_found'),
        },
      },
      preHandler: requirePermission(app, 'conversations:read'),
    },
    async (request) => {
      const { id, name } = request.employee!
      await conversations.authorise(
        { kind: 'operator', id, name, permissions: request.permissions! },
        request.params.id,
      )
      return { deliveries: await channels.deliveries(request.params.id) }
    },
  )

  // The messenger's webhook: the raw body is kept, signatures are over its bytes.
  await app.register(async (inbound) => {
    inbound.removeAllContentTypeParsers()
    inbound.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    )
    inbound.withTypeProvider<TypeBoxTypeProvider>().post(
      '/v1/channels/:id/webhook',
      {
        schema: {
          tags: ['channels'],
          security: PUBLIC,
          operationId: 'receiveChannelUpdate',
          summary: "A messenger's update for a contact point",
          description:
            "Where Telegram, VK and Viber post updates (`webhookPath` of the contact point). Each is verified first — Telegram's `X-Telegram-Bot-Api-Secret-Token`, Viber's `X-Viber-Content-Signature`, VK's `secret` — and refused with 403 `channel_update_forbidden`, storing nothing, when it is not genuine. A repeated update is answered and ignored. A file the message carries is fetched and stored with it before the answer; when the messenger's file server fails, 503 `attachment_unavailable` (nothing stored) makes the messenger send the update again.",
          params: IdParams,
          response: {
            200: Type.Unknown({ description: "The messenger's expected answer" }),
            ...errors(
              'bad_request',
              'contact_point_not_found',
              'channel_update_forbidden',
              'frame_too_large',
              'attachment_unavailable',
            ),
          },
        },
      },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
        let body: unknown
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined
        } catch {
          body = undefined
        }
        const answer = await channels.receive(
          request.params.id,
          { headers: request.headers, raw },
          body,
        )
        return reply
          .code(answer.status as 200)
          .type(answer.contentType)
          .send(answer.body)
      },
    )
  })
}
