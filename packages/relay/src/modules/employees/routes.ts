import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  CreateEmployeeBody,
  EmployeeListReply,
  EmployeeReply,
  IdParams,
  isValidHttpUrl,
  UpdateEmployeeBody,
} from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { fieldError, relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import { toProfile } from './service.ts'
import type { EmployeePatch } from './store.ts'

/** `employees:manage` (admins): the employee list, new employees, and what visitors see of each. */
export async function employeeRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { employees } = app
  const preHandler = requirePermission(app, 'employees:manage')
  const common = { tags: ['employees'], security: EMPLOYEE }

  app.get(
    '/v1/admin/employees',
    {
      schema: {
        ...common,
        operationId: 'listEmployees',
        summary: 'List the employees',
        description: 'Needs `employees:manage`.',
        response: { 200: EmployeeListReply, ...errors('unauthorized', 'forbidden') },
      },
      preHandler,
    },
    async () => ({ employees: (await employees.list()).map(toProfile) }),
  )

  app.post(
    '/v1/admin/employees',
    {
      schema: {
        ...common,
        operationId: 'createEmployee',
        summary: 'Add an employee',
        description: 'Needs `employees:manage`. The email must be new (`email_taken`).',
        body: CreateEmployeeBody,
        response: {
          201: Type.Composite([EmployeeReply], { description: 'Created' }),
          ...errors('bad_request', 'unauthorized', 'forbidden', 'email_taken', 'frame_too_large'),
        },
      },
      preHandler,
    },
    async (request, reply) => {
      const { email, name, role, password } = request.body
      const employee = await employees.create({
        email,
        name,
        role,
        passwordHash: await app.auth.hashPassword(password),
      })
      return reply.code(201).send({ employee: toProfile(employee) })
    },
  )

  app.patch(
    '/v1/admin/employees/:id',
    {
      schema: {
        ...common,
        operationId: 'updateEmployee',
        summary: 'Change what visitors see of an employee',
        description: 'Needs `employees:manage`. A key left out keeps its value; `null` clears it.',
        params: IdParams,
        body: UpdateEmployeeBody,
        response: {
          200: EmployeeReply,
          ...errors(
            'bad_request',
            'field_invalid',
            'unauthorized',
            'forbidden',
            'employee_not_found',
            'frame_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request) => {
      const { name, position, photoUrl } = request.body
      const patch: EmployeePatch = {}
      const fields: { field: string; code: 'required' | 'url_invalid' }[] = []
      if (name !== undefined) {
        patch.name = name.trim()
        if (patch.name === '') fields.push({ field: 'name', code: 'required' })
      }
      if (position !== undefined) patch.position = position?.trim() || null
      if (photoUrl !== undefined) {
        patch.photoUrl = photoUrl?.trim() || null
        if (patch.photoUrl && !isValidHttpUrl(patch.photoUrl)) {
          fields.push({ field: 'photoUrl', code: 'url_invalid' })
        }
      }
      if (fields.length > 0) throw fieldError(fields)
      const employee = await employees.update(request.params.id, patch)
      if (!employee) throw relayError('employee_not_found')
      return { employee: toProfile(employee) }
    },
  )
}
