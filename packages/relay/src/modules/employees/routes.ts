import {
  type CreateApiTokenBody,
  type CreateApiTokenReply,
  CreateApiTokenBody as CreateApiTokenSchema,
  type CreateEmployeeBody,
  CreateEmployeeBody as CreateEmployeeSchema,
  type OperatorProfile,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { API_TOKEN_PREFIX, hashToken, randomId, randomToken } from '../../infra/ids.ts'
import { requireAdmin } from '../auth/guards.ts'
import { hashPassword } from '../auth/password.ts'
import { toProfile } from '../auth/session.ts'

/** Admin-only: API tokens and employees. */
export async function adminRoutes(app: FastifyInstance): Promise<void> {
  const { store, config } = app.parley
  const preHandler = requireAdmin(app)

  app.post<{ Body: CreateApiTokenBody; Reply: CreateApiTokenReply }>(
    '/v1/admin/tokens',
    { preHandler, schema: { body: CreateApiTokenSchema } },
    async (request, reply) => {
      const token = randomToken(API_TOKEN_PREFIX)
      const id = randomId('t')
      await store.createApiToken({
        id,
        name: request.body.name,
        tokenHash: hashToken(token),
        employeeId: request.employee!.id,
        createdAt: config.now(),
      })
      return reply.code(201).send({ id, name: request.body.name, token })
    },
  )

  app.get<{ Reply: { employees: OperatorProfile[] } }>(
    '/v1/admin/employees',
    { preHandler },
    async () => ({ employees: (await store.listEmployees()).map(toProfile) }),
  )

  app.post<{ Body: CreateEmployeeBody; Reply: { employee: OperatorProfile } }>(
    '/v1/admin/employees',
    { preHandler, schema: { body: CreateEmployeeSchema } },
    async (request, reply) => {
      const { email, name, role, password } = request.body
      const employee = await store.createEmployee({
        id: randomId('u'),
        email,
        name,
        role,
        passwordHash: await hashPassword(password),
        createdAt: config.now(),
      })
      return reply.code(201).send({ employee: toProfile(employee) })
    },
  )
}
