import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  CreateEmployeeBody,
  EmployeeListReply,
  EmployeeReply,
  type FieldError,
  IdParams,
  isValidHttpUrl,
  PasswordLink,
  UpdateEmployeeBody,
} from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { fieldError, relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import { toEmployee } from './service.ts'
import { type EmployeePatch, type EmployeeRecord, NO_PASSWORD } from './store.ts'

/** Where a set-password link opens: the console, with the token in the fragment (never logged). */
export function passwordLinkUrl(base: string, token: string): string {
  return `${base}/console/#set-password=${token}`
}

/**
 * `employees:manage` (admins): the team — people and bots, their roles, capacity and photos,
 * deactivation, and one-time set-password links.
 */
export async function employeeRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { employees, auth, config } = app
  const preHandler = requirePermission(app, 'employees:manage')
  const common = { tags: ['employees'], security: EMPLOYEE }
  const manage = 'Needs `employees:manage`.'

  async function linkFor(request: FastifyRequest, employee: EmployeeRecord): Promise<PasswordLink> {
    const { token, expiresAt } = await auth.createPasswordLink(employee.id)
    const base = config.publicUrl ?? `${request.protocol}://${request.host}`
    return { url: passwordLinkUrl(base, token), expiresAt }
  }

  app.get(
    '/v1/admin/employees',
    {
      schema: {
        ...common,
        operationId: 'listEmployees',
        summary: 'List the employees and the seats taken',
        description: manage,
        response: { 200: EmployeeListReply, ...errors('unauthorized', 'forbidden') },
      },
      preHandler,
    },
    async () => ({
      employees: (await employees.list()).map(toEmployee),
      seats: { used: await employees.countSeats(), limit: config.seats },
    }),
  )

  app.post(
    '/v1/admin/employees',
    {
      schema: {
        ...common,
        operationId: 'createEmployee',
        summary: 'Add a person or a bot',
        description: `${manage} A person needs a new \`email\` (\`email_taken\`) and takes a seat (\`seat_limit_reached\`); without \`password\` the reply has a one-time \`passwordLink\` to give them. A bot has no email or password and takes no seat: create API tokens for it with \`employeeId\`.`,
        body: CreateEmployeeBody,
        response: {
          201: Type.Composite([EmployeeReply], { description: 'Created' }),
          ...errors(
            'bad_request',
            'field_invalid',
            'unauthorized',
            'forbidden',
            'email_taken',
            'seat_limit_reached',
            'frame_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request, reply) => {
      const body = request.body
      const kind = body.kind ?? 'human'
      const fields: FieldError[] = []
      const name = body.name.trim()
      if (name === '') fields.push({ field: 'name', code: 'required' })
      if (kind === 'human' && !body.email) fields.push({ field: 'email', code: 'required' })
      if (kind === 'bot' && body.password !== undefined) {
        fields.push({ field: 'password', code: 'value_invalid' })
      }
      const photoUrl = body.photoUrl?.trim() || undefined
      if (photoUrl && !isValidHttpUrl(photoUrl))
        fields.push({ field: 'photoUrl', code: 'url_invalid' })
      if (fields.length > 0) throw fieldError(fields)
      const employee = await employees.create({
        kind,
        // A bot never logs in; its address only keeps emails unique (.invalid is reserved).
        email: body.email ?? `bot-${crypto.randomUUID()}@parley.invalid`,
        name,
        role: body.role,
        passwordHash: body.password ? await auth.hashPassword(body.password) : NO_PASSWORD,
        ...(body.position?.trim() && { position: body.position.trim() }),
        ...(photoUrl && { photoUrl }),
        capacity: body.capacity ?? null,
      })
      const passwordLink =
        kind === 'human' && !body.password ? await linkFor(request, employee) : undefined
      return reply
        .code(201)
        .send({ employee: toEmployee(employee), ...(passwordLink && { passwordLink }) })
    },
  )

  app.patch(
    '/v1/admin/employees/:id',
    {
      schema: {
        ...common,
        operationId: 'updateEmployee',
        summary: 'Change an employee: profile, role, capacity',
        description: `${manage} A key left out keeps its value; \`null\` clears it. Demoting the last active admin is refused (\`last_admin\`). A role change applies to the next request of their sessions and tokens.`,
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
            'last_admin',
            'frame_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request) => {
      const { name, position, photoUrl, role, capacity } = request.body
      const patch: EmployeePatch = {}
      const fields: FieldError[] = []
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
      if (role !== undefined) patch.role = role
      if (capacity !== undefined) patch.capacity = capacity
      if (fields.length > 0) throw fieldError(fields)
      const employee = await employees.update(request.params.id, patch)
      if (!employee) throw relayError('employee_not_found')
      return { employee: toEmployee(employee) }
    },
  )

  const activation = (active: boolean) =>
    ({
      schema: {
        ...common,
        operationId: active ? 'reactivateEmployee' : 'deactivateEmployee',
        summary: active ? 'Reactivate an employee' : 'Deactivate an employee',
        description: active
          ? `${manage} They can log in again and take a seat (\`seat_limit_reached\` when none is free).`
          : `${manage} At once: their sessions end, their sockets close, their API tokens stop working, their seat is free. The last active admin cannot be deactivated (\`last_admin\`).`,
        params: IdParams,
        response: {
          200: EmployeeReply,
          ...errors(
            'unauthorized',
            'forbidden',
            'employee_not_found',
            active ? 'seat_limit_reached' : 'last_admin',
          ),
        },
      },
      preHandler,
    }) as const

  app.post('/v1/admin/employees/:id/deactivate', activation(false), async (request) => {
    const employee = await employees.setActive(request.params.id, false)
    await auth.endEmployee(employee.id)
    return { employee: toEmployee(employee) }
  })

  app.post('/v1/admin/employees/:id/reactivate', activation(true), async (request) => ({
    employee: toEmployee(await employees.setActive(request.params.id, true)),
  }))

  app.post(
    '/v1/admin/employees/:id/password-link',
    {
      schema: {
        ...common,
        operationId: 'createPasswordLink',
        summary: 'A one-time link to set or reset the password',
        description: `${manage} Give the link to the employee; it works once, for 3 days, and an earlier link stops working. Their current password keeps working until the link is used. Bots have no password (\`field_invalid\`).`,
        params: IdParams,
        response: {
          201: Type.Composite([PasswordLink], { description: 'Created' }),
          ...errors('field_invalid', 'unauthorized', 'forbidden', 'employee_not_found'),
        },
      },
      preHandler,
    },
    async (request, reply) => {
      const employee = await employees.get(request.params.id)
      if (!employee) throw relayError('employee_not_found')
      if (employee.kind === 'bot') throw fieldError([{ field: 'kind', code: 'value_invalid' }])
      return reply.code(201).send(await linkFor(request, employee))
    },
  )
}
