import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  ApiTokenListReply,
  CreateApiTokenBody,
  CreateApiTokenReply,
  IdParams,
  LoginBody,
  LoginReply,
  SetPasswordBody,
} from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { isRelayError, relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors, noContent, PUBLIC, withHeaders } from '../../infra/http/openapi.ts'
import { failureLimit } from '../../infra/http/rate-limit.ts'
import { toProfile } from '../employees/service.ts'
import { requireEmployee, requirePermission } from './guards.ts'
import { SESSION_COOKIE } from './service.ts'

const tags = ['auth']

/** `POST /v1/auth/login`, `POST /v1/auth/logout`, `GET /v1/auth/me`; admin: API tokens. */
export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { auth, config } = app
  // Wrong passwords are counted per address and per account; past either limit a login is
  // refused before the password is hashed (no scrypt for a flood). Successes never count.
  const limits = [
    failureLimit(app, 'failed logins', config.requestLimits.loginPerAddress, (r) => r.ip),
    failureLimit(app, 'failed logins for this account', config.requestLimits.loginPerAccount, (r) =>
      (r.body as Partial<LoginBody> | undefined)?.email?.toLowerCase(),
    ),
  ]

  app.post(
    '/v1/auth/login',
    {
      schema: {
        operationId: 'login',
        summary: 'Log in to the console',
        description: `Sets the \`${SESSION_COOKIE}\` session cookie (HttpOnly, SameSite=Strict). Limited per address and per account.`,
        tags,
        security: PUBLIC,
        body: LoginBody,
        response: {
          200: withHeaders(LoginReply, {
            'set-cookie': {
              description: `\`${SESSION_COOKIE}=<session>\`; HttpOnly; SameSite=Strict`,
            },
          }),
          ...errors('bad_request', 'invalid_credentials', 'frame_too_large', 'rate_limited'),
        },
      },
      preHandler: limits.map((limit) => limit.check),
    },
    async (request, reply) => {
      let session: Awaited<ReturnType<typeof auth.login>>
      try {
        session = await auth.login(request.body.email, request.body.password)
      } catch (error) {
        if (isRelayError(error) && error.code === 'invalid_credentials') {
          for (const limit of limits) await limit.fail(request)
        }
        throw error
      }
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: request.protocol === 'https',
        expires: new Date(session.expiresAt),
      })
      return { operator: toProfile(session.employee) }
    },
  )

  // A link token is 32 random bytes: the limit is against floods (each try costs a scrypt).
  const linkLimit = failureLimit(
    app,
    'failed password links',
    config.requestLimits.loginPerAddress,
    (r) => r.ip,
  )
  app.post(
    '/v1/auth/password',
    {
      schema: {
        operationId: 'setPassword',
        summary: 'Set a password with a one-time link',
        description:
          'The token of a link from `POST /v1/admin/employees` or `.../password-link`. The link is used up; every session of the employee ends; log in with the new password.',
        tags,
        security: PUBLIC,
        body: SetPasswordBody,
        response: {
          204: noContent('Password set'),
          ...errors('bad_request', 'password_link_invalid', 'frame_too_large', 'rate_limited'),
        },
      },
      preHandler: linkLimit.check,
    },
    async (request, reply) => {
      try {
        await auth.usePasswordLink(request.body.token, request.body.password)
      } catch (error) {
        if (isRelayError(error) && error.code === 'password_link_invalid') {
          await linkLimit.fail(request)
        }
        throw error
      }
      return reply.code(204).send()
    },
  )

  app.post(
    '/v1/auth/logout',
    {
      schema: {
        operationId: 'logout',
        summary: 'End the session',
        description: 'Ends the session of the cookie, if any, and clears the cookie.',
        tags,
        // The cookie is optional: without one there is nothing to end.
        security: [{ session: [] }, {}],
        response: {
          204: withHeaders(noContent('Logged out'), {
            'set-cookie': { description: `Clears \`${SESSION_COOKIE}\`` },
          }),
        },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE]
      if (token) await auth.logout(token)
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' })
      return reply.code(204).send()
    },
  )

  app.get(
    '/v1/auth/me',
    {
      schema: {
        operationId: 'me',
        summary: 'Who is logged in',
        tags,
        security: EMPLOYEE,
        response: { 200: LoginReply, ...errors('unauthorized') },
      },
      preHandler: requireEmployee(app),
    },
    async (request) => ({ operator: toProfile(request.employee!) }),
  )

  const admin = requirePermission(app, 'tokens:manage')
  const adminErrors = ['unauthorized', 'forbidden'] as const

  app.post(
    '/v1/admin/tokens',
    {
      schema: {
        operationId: 'createApiToken',
        summary: 'Create an API token',
        description:
          'Needs `tokens:manage`; for a bot (`employeeId`) also `employees:manage`. The token does what its `scopes` allow (default `conversations:read`, `conversations:reply`), never more than its creator may at the time of each request.',
        tags,
        security: EMPLOYEE,
        body: CreateApiTokenBody,
        response: {
          201: Type.Composite([CreateApiTokenReply], {
            description: 'Created; the token is shown once',
          }),
          ...errors('bad_request', ...adminErrors, 'employee_not_found', 'frame_too_large'),
        },
      },
      preHandler: admin,
    },
    async (request, reply) => {
      const caller = { employee: request.employee!, permissions: request.permissions! }
      const { employeeId } = request.body
      let forEmployee = caller.employee
      if (employeeId !== undefined && employeeId !== caller.employee.id) {
        // A token for a bot: its creator must be able to manage employees.
        if (!caller.permissions.has('employees:manage')) {
          throw relayError('forbidden', 'A token for a bot needs the employees:manage permission')
        }
        const bot = await app.employees.get(employeeId)
        if (!bot) throw relayError('employee_not_found')
        forEmployee = bot
      }
      const { id, name, token, scopes } = await auth.createApiToken(
        caller,
        request.body.name,
        request.body.scopes,
        forEmployee,
      )
      return reply.code(201).send({ id, name, token, scopes })
    },
  )

  app.get(
    '/v1/admin/tokens',
    {
      schema: {
        operationId: 'listApiTokens',
        summary: 'List the API tokens',
        description: 'Needs `tokens:manage`. Never the secrets.',
        tags,
        security: EMPLOYEE,
        response: { 200: ApiTokenListReply, ...errors(...adminErrors) },
      },
      preHandler: admin,
    },
    async () => ({ tokens: await auth.listApiTokens() }),
  )

  app.delete(
    '/v1/admin/tokens/:id',
    {
      schema: {
        operationId: 'revokeApiToken',
        summary: 'Revoke an API token',
        description: 'Needs `tokens:manage`. Operator sockets opened with it close.',
        tags,
        security: EMPLOYEE,
        params: IdParams,
        response: {
          204: noContent('Revoked'),
          ...errors(...adminErrors, 'token_not_found'),
        },
      },
      preHandler: admin,
    },
    async (request, reply) => {
      if (!(await auth.revokeApiToken(request.params.id))) throw relayError('token_not_found')
      return reply.code(204).send()
    },
  )
}
