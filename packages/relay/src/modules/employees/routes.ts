import {
  type CreateEmployeeBody,
  CreateEmployeeBody as CreateEmployeeSchema,
  isValidHttpUrl,
  type OperatorProfile,
  type UpdateEmployeeBody,
  UpdateEmployeeBody as UpdateEmployeeSchema,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { fieldError, relayError } from '../../infra/errors.ts'
import { requireAdmin } from '../auth/guards.ts'
import { toProfile } from './service.ts'
import type { EmployeePatch } from './store.ts'

/** Admin-only: the employee list, new employees, and what visitors see of each. */
export async function employeeRoutes(app: FastifyInstance): Promise<void> {
  const { employees } = app
  const preHandler = requireAdmin(app)

  app.get<{ Reply: { employees: OperatorProfile[] } }>(
    '/v1/admin/employees',
    { preHandler },
    async () => ({ employees: (await employees.list()).map(toProfile) }),
  )

  app.post<{ Body: CreateEmployeeBody; Reply: { employee: OperatorProfile } }>(
    '/v1/admin/employees',
    { preHandler, schema: { body: CreateEmployeeSchema } },
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

  app.patch<{
    Params: { id: string }
    Body: UpdateEmployeeBody
    Reply: { employee: OperatorProfile }
  }>(
    '/v1/admin/employees/:id',
    { preHandler, schema: { body: UpdateEmployeeSchema } },
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
