import { DEFAULT_TOKEN_SCOPES, type Permission } from '@parley/protocol'
import type { FastifyRequest } from 'fastify'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import { API_TOKEN_PREFIX, hashToken, randomId, randomToken } from '../../infra/ids.ts'
import type { EmployeeService } from '../employees/service.ts'
import { type EmployeeRecord, type EmployeeStore, NO_PASSWORD } from '../employees/store.ts'
import { grantedPermissions, scopesBeyond } from './access.ts'
import {
  dummyPasswordHash,
  generatePassword,
  hashPassword,
  needsRehash,
  verifyPassword,
} from './password.ts'
import type { ApiTokenListing, ApiTokenRecord, AuthStore } from './store.ts'

/** Name of the operator session cookie. */
export const SESSION_COOKIE = 'parley_session'
/** Sessions last 30 days. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000
/** An API token's last use is written at most this often (a write per call would cost an fsync). */
export const TOKEN_USE_PRECISION_MS = 60_000
/** A set-password link works for 3 days. */
export const PASSWORD_LINK_TTL_MS = 3 * 24 * 60 * 60 * 1000

/** Whether the employee may log in with a password at all. */
function canLogIn(employee: EmployeeRecord): boolean {
  return employee.active && employee.kind === 'human' && employee.passwordHash !== NO_PASSWORD
}

/** How a caller proved who it is; what ends it ends the sockets it opened. */
export type Credential =
  | { kind: 'session'; tokenHash: string; employeeId: string }
  | { kind: 'apiToken'; id: string; employeeId: string }

/** Something that ended: one session, one API token, or every credential of an employee. */
export type Ended =
  | { kind: 'session'; tokenHash: string }
  | { kind: 'apiToken'; id: string }
  | { kind: 'employee'; employeeId: string }

/** An authenticated caller: who, how, and what they may do. */
export interface Principal {
  employee: EmployeeRecord
  credential: Credential
  permissions: ReadonlySet<Permission>
}

/** Whether `ended` ends `credential`. */
export function ends(ended: Ended, credential: Credential): boolean {
  switch (ended.kind) {
    case 'session':
      return credential.kind === 'session' && credential.tokenHash === ended.tokenHash
    case 'apiToken':
      return credential.kind === 'apiToken' && credential.id === ended.id
    case 'employee':
      return credential.employeeId === ended.employeeId
  }
}

export interface AuthServiceOptions {
  db: UnitOfWork
  store: AuthStore
  /** Password hashes are written through the employees' store, in auth's transactions. */
  employeeStore: EmployeeStore
  employees: EmployeeService
  now: () => number
  /** scrypt N of new hashes (`RelayConfig.passwordCost`). */
  passwordCost: number
}

/**
 * Sessions, API tokens and passwords. Every way a credential ends (logout, password change or
 * reset, token revoke) is announced to `onEnded` listeners, so the sockets it authorised close.
 */
export class AuthService {
  private readonly listeners = new Set<(ended: Ended) => void>()
  private readonly dummyHash: string
  /** When each token's last use was written. */
  private readonly usesWritten = new Map<string, number>()

  constructor(private readonly options: AuthServiceOptions) {
    this.dummyHash = dummyPasswordHash(options.passwordCost)
  }

  /** A hash of `password` at the relay's scrypt cost. */
  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.options.passwordCost)
  }

  /** `invalid_credentials` for an unknown email or a wrong password (same timing either way). */
  async login(
    email: string,
    password: string,
  ): Promise<{ employee: EmployeeRecord; token: string; expiresAt: number }> {
    const { db, store, employees, now } = this.options
    const found = await employees.getByEmail(email)
    // Deactivated people, bots and people who have not set a password yet cannot log in.
    const employee = found && canLogIn(found) ? found : undefined
    // Hash even for unknown emails so response time does not reveal which exist.
    const ok = await verifyPassword(password, employee?.passwordHash ?? this.dummyHash)
    if (!employee || !ok) throw relayError('invalid_credentials')
    // A hash made with weaker scrypt parameters is replaced now that the password is known.
    const rehashed = needsRehash(employee.passwordHash, this.options.passwordCost)
      ? await this.hashPassword(password)
      : undefined
    const token = randomToken()
    const at = now()
    const expiresAt = at + SESSION_TTL_MS
    await db.transaction(async (tx) => {
      if (rehashed) await this.options.employeeStore.setPasswordHash(tx, employee.id, rehashed)
      await store.createSession(tx, hashToken(token), {
        employeeId: employee.id,
        createdAt: at,
        expiresAt,
      })
    })
    return { employee, token, expiresAt }
  }

  async logout(token: string): Promise<void> {
    const tokenHash = hashToken(token)
    await this.options.db.transaction((tx) => this.options.store.deleteSession(tx, tokenHash))
    this.announce({ kind: 'session', tokenHash })
  }

  /** Sets a new password and ends every session of the employee. */
  async setPassword(employeeId: string, password: string): Promise<void> {
    const passwordHash = await this.hashPassword(password)
    const { db, store, employeeStore } = this.options
    await db.transaction(async (tx) => {
      await employeeStore.setPasswordHash(tx, employeeId, passwordHash)
      await store.deleteEmployeeSessions(tx, employeeId)
    })
    this.announce({ kind: 'employee', employeeId })
  }

  /** The employee and credential of a session cookie, if valid and not expired. */
  async fromSession(token: string | undefined): Promise<Principal | undefined> {
    if (!token) return undefined
    const tokenHash = hashToken(token)
    const session = await this.options.store.getSession(tokenHash)
    if (!session || session.expiresAt <= this.options.now()) return undefined
    const employee = await this.options.employees.get(session.employeeId)
    if (!employee?.active) return undefined
    return {
      employee,
      credential: { kind: 'session', tokenHash, employeeId: employee.id },
      permissions: grantedPermissions(employee.role, null),
    }
  }

  /** The employee and credential of an API token. */
  async fromApiToken(token: string | undefined): Promise<Principal | undefined> {
    if (!token) return undefined
    const record = await this.options.store.getApiToken(hashToken(token))
    const employee = record && (await this.options.employees.get(record.employeeId))
    if (!record || !employee?.active) return undefined
    return {
      employee,
      credential: { kind: 'apiToken', id: record.id, employeeId: employee.id },
      permissions: grantedPermissions(employee.role, record.scopes),
    }
  }

  /** Who is calling: session cookie first, then `Authorization: Bearer <api token>`. */
  async authenticate(request: FastifyRequest): Promise<Principal | undefined> {
    const fromCookie = await this.fromSession(request.cookies[SESSION_COOKIE])
    if (fromCookie) return fromCookie
    const header = request.headers.authorization
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
    return this.fromApiToken(match?.[1])
  }

  /**
   * A new API token for the caller, or for a bot (`forEmployee`), doing at most `scopes`; the
   * secret is returned once and stored hashed. `forbidden` when a scope is beyond what the
   * caller may do, or beyond the bot's role.
   */
  async createApiToken(
    caller: Pick<Principal, 'employee' | 'permissions'>,
    name: string,
    scopes: readonly Permission[] = DEFAULT_TOKEN_SCOPES,
    forEmployee: EmployeeRecord = caller.employee,
  ): Promise<ApiTokenRecord & { token: string; scopes: Permission[] }> {
    const beyond = scopesBeyond(caller.permissions, scopes)
    if (beyond.length > 0) {
      throw relayError(
        'forbidden',
        `You do not have ${beyond.join(', ')}, so a token you create cannot have it`,
      )
    }
    const employee = forEmployee
    if (employee.id !== caller.employee.id) {
      if (employee.kind !== 'bot') {
        throw relayError('forbidden', 'Tokens are made for yourself or for a bot')
      }
      const beyondBot = scopesBeyond(grantedPermissions(employee.role, null), scopes)
      if (beyondBot.length > 0) {
        throw relayError(
          'forbidden',
          `The bot's role (${employee.role}) does not grant ${beyondBot.join(', ')}`,
        )
      }
    }
    const token = randomToken(API_TOKEN_PREFIX)
    const record = {
      id: randomId('t'),
      name,
      employeeId: employee.id,
      scopes: [...scopes],
      createdAt: this.options.now(),
    }
    await this.options.db.transaction((tx) =>
      this.options.store.createApiToken(tx, { ...record, tokenHash: hashToken(token) }),
    )
    return { ...record, token }
  }

  /**
   * Notes that a call the principal made got past its permission check: an API token's last
   * use is written, unless that was less than a minute ago. A refused call changes nothing.
   */
  async noteUse(principal: Pick<Principal, 'credential'>): Promise<void> {
    if (principal.credential.kind !== 'apiToken') return
    const { id } = principal.credential
    const at = this.options.now()
    const written = this.usesWritten.get(id)
    if (written !== undefined && at - written < TOKEN_USE_PRECISION_MS) return
    this.usesWritten.set(id, at)
    await this.options.db.transaction((tx) => this.options.store.markApiTokenUsed(tx, id, at))
  }

  listApiTokens(): Promise<ApiTokenListing[]> {
    return this.options.store.listApiTokens()
  }

  /** `not_found`-style false when there was none; sockets opened with it close. */
  async revokeApiToken(id: string): Promise<boolean> {
    const revoked = await this.options.db.transaction((tx) =>
      this.options.store.revokeApiToken(tx, id),
    )
    this.usesWritten.delete(id)
    if (revoked) this.announce({ kind: 'apiToken', id })
    return revoked
  }

  /**
   * A one-time link token to set the employee's password, valid for `PASSWORD_LINK_TTL_MS`;
   * an earlier link of theirs stops working. Only the hash is stored.
   */
  async createPasswordLink(employeeId: string): Promise<{ token: string; expiresAt: number }> {
    const token = randomToken()
    const createdAt = this.options.now()
    const expiresAt = createdAt + PASSWORD_LINK_TTL_MS
    await this.options.db.transaction((tx) =>
      this.options.store.createPasswordLink(tx, {
        tokenHash: hashToken(token),
        employeeId,
        createdAt,
        expiresAt,
      }),
    )
    return { token, expiresAt }
  }

  /**
   * Sets the password of the link's employee and uses the link up; every session of theirs
   * ends. `password_link_invalid` for an unknown, used or expired link (nothing changes).
   */
  async usePasswordLink(token: string, password: string): Promise<EmployeeRecord> {
    const passwordHash = await this.hashPassword(password)
    const { db, store, employeeStore, now } = this.options
    const employee = await db.transaction(async (tx) => {
      const employeeId = await store.takePasswordLink(tx, hashToken(token), now())
      const found = employeeId ? await employeeStore.get(employeeId, tx) : undefined
      if (!found?.active || found.kind !== 'human') {
        throw relayError('password_link_invalid')
      }
      await employeeStore.setPasswordHash(tx, found.id, passwordHash)
      await store.deleteEmployeeSessions(tx, found.id)
      return found
    })
    this.announce({ kind: 'employee', employeeId: employee.id })
    return employee
  }

  /** Ends every session and socket of the employee (deactivation); tokens stop working too. */
  async endEmployee(employeeId: string): Promise<void> {
    await this.options.db.transaction((tx) =>
      this.options.store.deleteEmployeeSessions(tx, employeeId),
    )
    this.announce({ kind: 'employee', employeeId })
  }

  /** Deletes expired sessions; returns how many. */
  purgeExpiredSessions(): Promise<number> {
    return this.options.db.transaction((tx) =>
      this.options.store.purgeExpiredSessions(tx, this.options.now()),
    )
  }

  /** Calls `listener` whenever a credential ends; returns the unsubscribe. */
  onEnded(listener: (ended: Ended) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private announce(ended: Ended): void {
    for (const listener of this.listeners) listener(ended)
  }
}

export { generatePassword }
