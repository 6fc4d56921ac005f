import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { SearchBody, SearchReply } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { EMPLOYEE, errors } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'

/** `POST /v1/messages/search`: history search for the console and API tokens. */
export async function searchRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.post(
    '/v1/messages/search',
    {
      schema: {
        tags: ['conversations'],
        security: EMPLOYEE,
        operationId: 'searchMessages',
        summary: 'Full-text search over the messages you may see',
        description:
          "Needs `conversations:read`; finds messages (and form texts) of the conversations you may see — every one for admins, your groups' for supervisors, yours and your groups' waiting ones for operators. Ranked (see `order`), keyset-paged with `cursor` to the end of the history. A POST, so the words stay out of URLs and logs.",
        body: SearchBody,
        response: {
          200: SearchReply,
          ...errors(
            'bad_request',
            'search_query_invalid',
            'cursor_invalid',
            'unauthorized',
            'forbidden',
          ),
        },
      },
      preHandler: requirePermission(app, 'conversations:read'),
    },
    async (request) => {
      const { id, name } = request.employee!
      return app.messageSearch.search(
        { kind: 'operator', id, name, permissions: request.permissions! },
        request.body,
      )
    },
  )
}
