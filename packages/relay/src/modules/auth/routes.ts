import {
  type CreateApiTokenBody,
  type CreateApiTokenReply,
  CreateApiTokenBody as CreateApiTokenSchema,
  type LoginBody,
  LoginBody as LoginBodySchema,
  type LoginReply,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { isRelayError, relayError } from '../../infra/errors.ts'
import { failureLimit } from '../../infra/http/rate-limit.ts'
import { toProfile } from '../employees/service.ts'
import { requireAdmin, requireEmployee } from './guards.ts'
import { SESSION_COOKIE } from './service.ts'

/** `POST /v1/auth/login`, `POST /v1/auth/logout`, `GET /v1/auth/me`; admin: API tokens. */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { auth, config } = app
  // Wrong passwords are counted per address and per account; past either limit a login is
  // refused before the password is hashed (no scrypt for a flood). Successes never count.
  const limits = [
    failureLimit(app, 'failed logins', config.requestLimits.loginPerAddress, (r) => r.ip),
    failureLimit(app, 'failed logins for this account', config.requestLimits.loginPerAccount, (r) =>
      (r.body as Partial<LoginBody> | undefined)?.email?.toLowerCase(),
    ),
  ]

  app.post<{ Body: LoginBody; Reply: LoginReply }>(
    '/v1/auth/login',
    { schema: { body: LoginBodySchema }, preHandler: limits.map((limit) => limit.check) },
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

  app.post('/v1/auth/logout', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE]
    if (token) await auth.logout(token)
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' })
    return reply.code(204).send()
  })

  app.get<{ Reply: LoginReply }>(
    '/v1/auth/me',
    { preHandler: requireEmployee(app) },
    async (request) => ({ operator: toProfile(request.employee!) }),
  )

  const admin = requireAdmin(app)

  app.post<{ Body: CreateApiTokenBody; Reply: CreateApiTokenReply }>(
    '/v1/admin/tokens',
    { preHandler: admin, schema: { body: CreateApiTokenSchema } },
    async (request, reply) => {
      const { id, name, token } = await auth.createApiToken(request.employee!.id, request.body.name)
      return reply.code(201).send({ id, name, token })
    },
  )

  app.get('/v1/admin/tokens', { preHandler: admin }, async () => ({
    tokens: await auth.listApiTokens(),
  }))

  app.delete<{ Params: { id: string } }>(
    '/v1/admin/tokens/:id',
    { preHandler: admin },
    async (request, reply) => {
      if (!(await auth.revokeApiToken(request.params.id))) throw relayError('token_not_found')
      return reply.code(204).send()
    },
  )
}
