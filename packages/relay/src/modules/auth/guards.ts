import type { Permission } from '@parley/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import type { EmployeeRecord } from '../employees/store.ts'
import type { Principal } from './service.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated employee, set by `requireEmployee`. */
    employee?: EmployeeRecord
    /** What the caller may do (role, narrowed by an API token's scopes), set with `employee`. */
    permissions?: ReadonlySet<Permission>
    /** Who is calling and with which credential, set with `employee`. */
    principal?: Principal
  }
}

/** preHandler: a session cookie or Bearer API token is required (`unauthorized`). */
export function requireEmployee(app: FastifyInstance) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await app.auth.authenticate(request)
    if (!principal) throw relayError('unauthorized')
    request.employee = principal.employee
    request.permissions = principal.permissions
    request.principal = principal
  }
}

/**
 * preHandler: like `requireEmployee`, and the caller must have `permission` (`forbidden`,
 * naming it). The one place REST checks `ROLE_PERMISSIONS`.
 */
export function requirePermission(app: FastifyInstance, permission: Permission) {
  const authenticate = requireEmployee(app)
  return async (request: FastifyRequest): Promise<void> => {
    await authenticate(request)
    if (!request.permissions?.has(permission)) {
      throw relayError('forbidden', `This needs the ${permission} permission`)
    }
  }
}
