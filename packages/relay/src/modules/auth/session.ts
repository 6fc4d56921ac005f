import type { OperatorProfile } from '@parley/protocol'
import type { FastifyRequest } from 'fastify'
import { hashToken, randomToken } from '../../infra/ids.ts'
import type { EmployeeRecord, Store } from '../../store/types.ts'

/** Name of the operator session cookie. */
export const SESSION_COOKIE = 'parley_session'
/** Sessions last 30 days. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000

/** Starts a session for the employee; returns the cookie value (stored only hashed). */
export async function createSession(store: Store, employeeId: string, now: number) {
  const token = randomToken()
  await store.createSession(hashToken(token), {
    employeeId,
    createdAt: now,
    expiresAt: now + SESSION_TTL_MS,
  })
  return { token, expiresAt: now + SESSION_TTL_MS }
}

/** The employee a session cookie belongs to, if it is valid and not expired. */
export async function employeeFromSession(
  store: Store,
  token: string | undefined,
  now: number,
): Promise<EmployeeRecord | undefined> {
  if (!token) return undefined
  const session = await store.getSession(hashToken(token))
  if (!session || session.expiresAt <= now) return undefined
  return store.getEmployee(session.employeeId)
}

/** The employee an API token belongs to. */
export async function employeeFromApiToken(
  store: Store,
  token: string | undefined,
): Promise<EmployeeRecord | undefined> {
  if (!token) return undefined
  const record = await store.getApiToken(hashToken(token))
  return record && store.getEmployee(record.employeeId)
}

/** Who is calling: session cookie first, then `Authorization: Bearer <api token>`. */
export async function authenticateRequest(
  store: Store,
  request: FastifyRequest,
  now: number,
): Promise<EmployeeRecord | undefined> {
  const fromCookie = await employeeFromSession(store, request.cookies[SESSION_COOKIE], now)
  if (fromCookie) return fromCookie
  const header = request.headers.authorization
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
  return employeeFromApiToken(store, match?.[1])
}

/** The public view of an employee. */
export function toProfile(employee: EmployeeRecord): OperatorProfile {
  const profile: OperatorProfile = {
    id: employee.id,
    email: employee.email,
    name: employee.name,
    role: employee.role,
  }
  if (employee.position) profile.position = employee.position
  if (employee.photoUrl) profile.photoUrl = employee.photoUrl
  return profile
}
