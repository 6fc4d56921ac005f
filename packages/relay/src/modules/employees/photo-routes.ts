import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { EmployeeReply, IdParams } from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors, PUBLIC } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import { MAX_PHOTO_BYTES, photoType } from './photo.ts'
import { toEmployee } from './service.ts'

const PHOTO_FIELD = 'photo'

/**
 * Employee photos: `PUT /v1/admin/employees/:id/photo` (multipart, field `photo`, PNG, JPEG
 * or WebP by content, at most 1 MB), `DELETE` the same, and the public
 * `GET /v1/employees/:id/photo` that visitors' widgets load.
 */
export async function photoRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { employees, config } = app
  await app.register(multipart, {
    limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 0, parts: 1 },
  })
  const preHandler = requirePermission(app, 'employees:manage')
  const tags = ['employees']

  app.put(
    '/v1/admin/employees/:id/photo',
    {
      schema: {
        tags,
        security: EMPLOYEE,
        operationId: 'uploadEmployeePhoto',
        summary: "Upload an employee's photo",
        description: `Needs \`employees:manage\`. \`multipart/form-data\` with one file field \`${PHOTO_FIELD}\`: PNG, JPEG or WebP, checked by its bytes (\`photo_invalid\`), at most 1 MB (\`photo_too_large\`). The employee's \`photoUrl\` then points at \`GET /v1/employees/:id/photo\`.`,
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: {
          200: EmployeeReply,
          ...errors(
            'bad_request',
            'photo_invalid',
            'unauthorized',
            'forbidden',
            'employee_not_found',
            'photo_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request) => {
      if (!request.isMultipart()) {
        throw relayError(
          'bad_request',
          `Send the photo as multipart/form-data with a file field named ${PHOTO_FIELD}`,
        )
      }
      const file = await request.file()
      if (!file || file.fieldname !== PHOTO_FIELD) {
        throw relayError('bad_request', `Send one file field named ${PHOTO_FIELD}`)
      }
      let data: Buffer
      try {
        data = await file.toBuffer()
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw relayError('photo_too_large')
        }
        throw error
      }
      const contentType = photoType(data)
      if (!contentType) throw relayError('photo_invalid')
      const updatedAt = config.now()
      const base = config.publicUrl ?? `${request.protocol}://${request.host}`
      const url = `${base}/v1/employees/${encodeURIComponent(request.params.id)}/photo?v=${updatedAt}`
      const employee = await employees.setPhoto(
        request.params.id,
        { contentType, data, updatedAt },
        url,
      )
      return { employee: toEmployee(employee) }
    },
  )

  app.delete(
    '/v1/admin/employees/:id/photo',
    {
      schema: {
        tags,
        security: EMPLOYEE,
        operationId: 'deleteEmployeePhoto',
        summary: "Remove an employee's uploaded photo",
        description: 'Needs `employees:manage`. Clears `photoUrl` too.',
        params: IdParams,
        response: {
          200: EmployeeReply,
          ...errors('unauthorized', 'forbidden', 'employee_not_found'),
        },
      },
      preHandler,
    },
    async (request) => ({ employee: toEmployee(await employees.deletePhoto(request.params.id)) }),
  )

  app.get(
    '/v1/employees/:id/photo',
    {
      schema: {
        tags,
        security: PUBLIC,
        operationId: 'employeePhoto',
        summary: "An employee's uploaded photo",
        description:
          'Public: visitors see it beside the operator name. Served with the type read from its bytes, `nosniff` and a CSP that runs nothing.',
        params: IdParams,
        response: {
          200: {
            description: 'The image',
            content: {
              'image/png': { schema: Type.String({ format: 'binary' }) },
              'image/jpeg': { schema: Type.String({ format: 'binary' }) },
              'image/webp': { schema: Type.String({ format: 'binary' }) },
            },
          },
          ...errors('employee_not_found'),
        },
      },
    },
    async (request, reply) => {
      const photo = await employees.getPhoto(request.params.id)
      if (!photo) throw relayError('employee_not_found', 'No photo uploaded for this employee')
      return (
        reply
          .header('content-type', photo.contentType)
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cross-origin-resource-policy', 'cross-origin')
          .header('cache-control', 'public, max-age=86400')
          .header('last-modified', new Date(photo.updatedAt).toUTCString())
          // The bytes as they are: the `binary` schema documents them and serializes nothing.
          .send(photo.data as unknown as string)
      )
    },
  )
}
