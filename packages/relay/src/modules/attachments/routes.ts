import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ATTACHMENT_TYPES, IdParams } from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { EMPLOYEE, errors } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import { contentDisposition } from './content.ts'

/**
 * `GET /v1/attachments/:id`: a stored file, for an employee with `conversations:read` who may
 * see its conversation. Served as inert: the type checked at storing, `nosniff`, and a CSP
 * sandbox, so even a file a browser could run (HTML, SVG) never runs on the relay's origin.
 */
export async function attachmentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { attachments } = app
  app.get(
    '/v1/attachments/:id',
    {
      schema: {
        tags: ['conversations'],
        security: EMPLOYEE,
        operationId: 'getAttachment',
        summary: 'A file a message carries',
        description:
          "Needs `conversations:read` and the file's conversation visible to you (`attachment_not_found` otherwise, as for an unknown id). The message's `data.attachmentId` names it. Served with the type its bytes were checked against, `Content-Disposition` (`inline` for images, `attachment` otherwise), `X-Content-Type-Options: nosniff` and `Content-Security-Policy: default-src 'none'; sandbox`.",
        params: IdParams,
        response: {
          200: {
            description: 'The file',
            content: Object.fromEntries(
              ATTACHMENT_TYPES.map((type) => [type, { schema: Type.String({ format: 'binary' }) }]),
            ),
          },
          ...errors('unauthorized', 'forbidden', 'attachment_not_found'),
        },
      },
      preHandler: requirePermission(app, 'conversations:read'),
    },
    async (request, reply) => {
      const { id, name } = request.employee!
      const file = await attachments.open(
        { kind: 'operator', id, name, permissions: request.permissions! },
        request.params.id,
      )
      return (
        reply
          .header('content-type', file.contentType)
          .header('content-length', file.size)
          .header('content-disposition', contentDisposition(file.name, file.contentType))
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          // Only the relay's own pages (the console) embed it.
          .header('cross-origin-resource-policy', 'same-origin')
          // Who may see it can change (a transfer): asked again each time, never shared.
          .header('cache-control', 'private, no-cache')
          // The bytes as they are: the `binary` schema documents them and serializes nothing.
          .send(file.data as unknown as string)
      )
    },
  )
}
