import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  CreateWebhookBody,
  IdParams,
  UpdateWebhookBody,
  WebhookDeliveriesQuery,
  WebhookDeliveriesReply,
  WebhookDeliveryParams,
  WebhookDeliveryReply,
  WebhookListReply,
  WebhookReply,
  WebhookSecretReply,
} from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { EMPLOYEE, errors, noContent } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import { toDelivery, toEndpoint } from './service.ts'

/**
 * `webhooks:manage` (admins): webhook endpoints, their one-time secrets, the delivery log,
 * resend and test events.
 */
export async function webhookRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { webhooks } = app
  const preHandler = requirePermission(app, 'webhooks:manage')
  const common = { tags: ['webhooks'], security: EMPLOYEE }
  const manage = 'Needs `webhooks:manage`.'
  const url =
    'The URL must be http(s), without credentials, and its host must resolve only to public addresses (`webhook_url_private`, `webhook_url_unresolvable`) unless the relay allows private networks.'

  app.get(
    '/v1/admin/webhooks',
    {
      schema: {
        ...common,
        operationId: 'listWebhooks',
        summary: 'List webhook endpoints',
        description: `${manage} Never with their secrets. \`disabledReason\` says why the relay turned one off.`,
        response: { 200: WebhookListReply, ...errors('unauthorized', 'forbidden') },
      },
      preHandler,
    },
    async () => ({ endpoints: (await webhooks.list()).map(toEndpoint) }),
  )

  app.post(
    '/v1/admin/webhooks',
    {
      schema: {
        ...common,
        operationId: 'createWebhook',
        summary: 'Add a webhook endpoint',
        description: `${manage} \`kind\` \`webhook\` (the default) takes \`url\` and \`events\`; ${url} The reply carries the signing \`secret\`: the only time it is shown. \`bitrix24\` and \`amocrm\` (a CRM connection, filing each \`lead.created\` as a lead) take \`config\` instead, checked per field (\`config.<key>\`); their credentials are never returned, \`credentials\` names those set. OAuth for amoCRM is not supported: give a long-lived token.`,
        body: CreateWebhookBody,
        response: {
          201: Type.Composite([WebhookSecretReply], { description: 'Created' }),
          ...errors(
            'bad_request',
            'field_invalid',
            'unauthorized',
            'forbidden',
            'webhook_url_private',
            'webhook_url_unresolvable',
            'frame_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request, reply) => {
      const { endpoint, secret } = await webhooks.create(request.body)
      return reply
        .code(201)
        .send({ endpoint: toEndpoint(endpoint), ...(secret !== undefined && { secret }) })
    },
  )

  app.patch(
    '/v1/admin/webhooks/:id',
    {
      schema: {
        ...common,
        operationId: 'updateWebhook',
        summary: 'Change a webhook endpoint: URL, events, on/off',
        description: `${manage} A key left out keeps its value. ${url} A CRM connection's \`config\` replaces its settings; a credential left out keeps the saved one. Turning an endpoint on clears \`disabledReason\` and retries what it has waiting.`,
        params: IdParams,
        body: UpdateWebhookBody,
        response: {
          200: WebhookReply,
          ...errors(
            'bad_request',
            'field_invalid',
            'unauthorized',
            'forbidden',
            'webhook_not_found',
            'webhook_url_private',
            'webhook_url_unresolvable',
            'frame_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request) => ({
      endpoint: toEndpoint(await webhooks.update(request.params.id, request.body)),
    }),
  )

  app.delete(
    '/v1/admin/webhooks/:id',
    {
      schema: {
        ...common,
        operationId: 'deleteWebhook',
        summary: 'Delete a webhook endpoint',
        description: `${manage} With its waiting deliveries and its log.`,
        params: IdParams,
        response: {
          204: noContent('Deleted'),
          ...errors('unauthorized', 'forbidden', 'webhook_not_found'),
        },
      },
      preHandler,
    },
    async (request, reply) => {
      await webhooks.remove(request.params.id)
      return reply.code(204).send()
    },
  )

  app.post(
    '/v1/admin/webhooks/:id/rotate-secret',
    {
      schema: {
        ...common,
        operationId: 'rotateWebhookSecret',
        summary: 'Replace the signing secret',
        description: `${manage} The new secret is in the reply, the only time it is shown; the old one stops signing at once. A CRM connection has none (\`bad_request\`).`,
        params: IdParams,
        response: {
          200: WebhookSecretReply,
          ...errors('bad_request', 'unauthorized', 'forbidden', 'webhook_not_found'),
        },
      },
      preHandler,
    },
    async (request) => {
      const { endpoint, secret } = await webhooks.rotateSecret(request.params.id)
      return { endpoint: toEndpoint(endpoint), secret }
    },
  )

  app.get(
    '/v1/admin/webhooks/:id/deliveries',
    {
      schema: {
        ...common,
        operationId: 'listWebhookDeliveries',
        summary: "An endpoint's delivery log",
        description: `${manage} Newest first, each with its attempts (time, status, latency, body excerpt, error).`,
        params: IdParams,
        querystring: WebhookDeliveriesQuery,
        response: {
          200: WebhookDeliveriesReply,
          ...errors('bad_request', 'unauthorized', 'forbidden', 'webhook_not_found'),
        },
      },
      preHandler,
    },
    async (request) => ({
      deliveries: (await webhooks.deliveries(request.params.id, request.query.limit ?? 50)).map(
        toDelivery,
      ),
    }),
  )

  app.post(
    '/v1/admin/webhooks/:id/deliveries/:delivery/resend',
    {
      schema: {
        ...common,
        operationId: 'resendWebhookDelivery',
        summary: 'Send one event again',
        description: `${manage} Queued again with the same \`webhook-id\`, after what the endpoint has waiting for that conversation.`,
        params: WebhookDeliveryParams,
        response: {
          202: Type.Composite([WebhookDeliveryReply], { description: 'Queued' }),
          ...errors('unauthorized', 'forbidden', 'webhook_not_found', 'webhook_delivery_not_found'),
        },
      },
      preHandler,
    },
    async (request, reply) => {
      const delivery = await webhooks.resend(request.params.id, request.params.delivery)
      return reply.code(202).send({ delivery: toDelivery(delivery) })
    },
  )

  app.post(
    '/v1/admin/webhooks/:id/test',
    {
      schema: {
        ...common,
        operationId: 'sendWebhookTest',
        summary: 'Send a test event',
        description: `${manage} A \`webhook.test\` event to this endpoint alone, even while it is off; its attempts show in the log. A CRM connection gets a sample lead in it and files it (\`Parley test lead\`).`,
        params: IdParams,
        response: {
          202: Type.Composite([WebhookDeliveryReply], { description: 'Queued' }),
          ...errors('unauthorized', 'forbidden', 'webhook_not_found'),
        },
      },
      preHandler,
    },
    async (request, reply) => {
      const delivery = await webhooks.sendTest(request.params.id)
      return reply.code(202).send({ delivery: toDelivery(delivery) })
    },
  )
}
