import type { LoginBody, LoginReply } from '@parley/protocol'
import { LoginBody as LoginBodySchema } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { hashToken } from '../../infra/ids.ts'
import { requireEmployee } from './guards.ts'
import { DUMMY_PASSWORD_HASH, verifyPassword } from './password.ts'
import { createSession, SESSION_COOKIE, toProfile } from './session.ts'

/** `POST /v1/auth/login`, `POST /v1/auth/logout`, `GET /v1/auth/me`. */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { store, config } = app.parley

  app.post<{ Body: LoginBody; Reply: LoginReply }>(
    '/v1/auth/login',
    { schema: { body: LoginBodySchema } },
    async (request, reply) => {
      const employee = await store.getEmployeeByEmail(request.body.email)
      // Hash even for unknown emails so response time does not reveal which exist.
      const ok = await verifyPassword(
        request.body.password,
        employee?.passwordHash ?? DUMMY_PASSWORD_HASH,
      )
      if (!employee || !ok) throw relayError('invalid_credentials')
      const session = await createSession(store, employee.id, config.now())
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: request.protocol === 'https',
        expires: new Date(session.expiresAt),
      })
      return { operator: toProfile(employee) }
    },
  )

  app.post('/v1/auth/logout', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE]
    if (token) await store.deleteSession(hashToken(token))
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' })
    return reply.code(204).send()
  })

  app.get<{ Reply: LoginReply }>(
    '/v1/auth/me',
    { preHandler: requireEmployee(app) },
    async (request) => ({ operator: toProfile(request.employee!) }),
  )
}
