import type { Role } from '@parley/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import type { EmployeeRecord } from '../employees/store.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated employee, set by `requireEmployee`. */
    employee?: EmployeeRecord
  }
}

/** preHandler: a session cookie or Bearer API token is required (`unauthorized`). */
export function requireEmployee(app: FastifyInstance) {
  return async (request: FastifyRequest): Promise<void> => {
    const employee = await app.auth.authenticate(request)
    if (!employee) throw relayError('unauthorized')
    request.employee = employee
  }
}

/** preHandler: like `requireEmployee`, and the employee must have one of `roles` (`forbidden`). */
export function requireRole(app: FastifyInstance, roles: readonly Role[]) {
  const authenticate = requireEmployee(app)
  return async (request: FastifyRequest): Promise<void> => {
    await authenticate(request)
    if (!request.employee || !roles.includes(request.employee.role)) throw relayError('forbidden')
  }
}

/** preHandler: like `requireEmployee`, and the employee must be an admin (`forbidden`). */
export function requireAdmin(app: FastifyInstance) {
  return requireRole(app, ['admin'])
}
