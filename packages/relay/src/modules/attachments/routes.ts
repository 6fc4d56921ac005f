import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ATTACHMENT_TYPES, AttachmentReply, IdParams } from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import { contentDisposition } from './content.ts'

const FILE_FIELD = 'file'

/**
 * `POST /v1/conversations/:id/attachments`: an operator's photo for a conversation (sent
 * with the `send` frame that names it). `GET /v1/attachments/:id`: a stored file, for an
 * employee with `conversations:read` who may see its conversation. Served as inert: the type checked at storing, `nosniff`, and a CSP
 * sandbox, so even a file a browser could run (HTML, SVG) never runs on the relay's origin.
 */
export async function attachmentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { attachments, config } = app
  await app.register(multipart, {
    limits: { fileSize: config.attachments.maxBytes, files: 1, fields: 0, parts: 1 },
  })

  app.post(
    '/v1/conversations/:id/attachments',
    {
      schema: {
        tags: ['conversations'],
        security: EMPLOYEE,
        operationId: 'uploadAttachment',
        summary: 'Upload a photo to send in a conversation',
        description: `Needs \`conversations:reply\` and the conversation visible to you (\`conversation_not_found\` otherwise) and open (\`conversation_closed\`), a Telegram or VK chat (\`attachment_channel_unsupported\`: the widget, Viber and e-mail take text). \`multipart/form-data\` with one file field \`${FILE_FIELD}\`: a JPEG, PNG, WebP or GIF image by its bytes (\`attachment_type_refused\`), at most \`PARLEY_ATTACHMENT_MAX_BYTES\` (\`attachment_too_large\`). Nothing is sent yet: the operator socket's \`send {conversationId, text, attachmentId}\` sends it (a messenger chat gets a photo with the text as its caption), once.`,
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: {
          201: Type.Composite([AttachmentReply], {
            description: 'Stored, waiting for its message',
          }),
          ...errors(
            'bad_request',
            'unauthorized',
            'forbidden',
            'conversation_not_found',
            'conversation_closed',
            'attachment_channel_unsupported',
            'attachment_too_large',
            'attachment_type_refused',
          ),
        },
      },
      preHandler: requirePermission(app, 'conversations:reply'),
    },
    async (request, reply) => {
      const actor = {
        kind: 'operator' as const,
        id: request.employee!.id,
        name: request.employee!.name,
        permissions: request.permissions!,
      }
      // Visibility first: a conversation the caller cannot see says nothing of what it takes.
      await app.conversations.authorise(actor, request.params.id)
      if (!request.isMultipart()) {
        throw relayError(
          'bad_request',
          `Send the photo as multipart/form-data with a file field named ${FILE_FIELD}`,
        )
      }
      const file = await request.file()
      if (!file || file.fieldname !== FILE_FIELD) {
        throw relayError('bad_request', `Send one file field named ${FILE_FIELD}`)
      }
      let data: Buffer
      try {
        data = await file.toBuffer()
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw attachments.tooLarge()
        }
        throw error
      }
      const stored = await attachments.upload(actor, request.params.id, data, {
        name: file.filename,
        mimeType: file.mimetype,
      })
      return reply.code(201).send({
        attachment: {
          id: stored.id,
          name: stored.name,
          type: stored.contentType,
          size: stored.size,
        },
      })
    },
  )
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
