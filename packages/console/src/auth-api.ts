import type { LoginReply, OperatorProfile } from '@parley/protocol'
import { ConsoleError } from './errors.ts'
import { failureOf, NETWORK_MESSAGE } from './rest-api.ts'

/** The relay's session endpoints, as the console uses them. */
export interface AuthApi {
  /** The logged-in operator, or `undefined` when the session is missing or expired (401). */
  me(): Promise<OperatorProfile | undefined>
  /** Logs in; the relay sets an httpOnly session cookie. Rejects with a `ConsoleError`. */
  login(email: string, password: string): Promise<OperatorProfile>
  /** Ends the session; never rejects (a dead relay cannot keep a session either). */
  logout(): Promise<void>
  /** Sets a password with a one-time link's token. Rejects with a `ConsoleError`. */
  setPassword(token: string, password: string): Promise<void>
}

export interface AuthApiOptions {
  fetch: typeof fetch
  /**
   * Prefix of the REST URLs; empty means same origin, which is how the relay serves
   * the console.
   * @default ''
   */
  base?: string
}

async function request(fetchFn: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, { credentials: 'same-origin', ...init })
  } catch {
    throw new ConsoleError('network', NETWORK_MESSAGE)
  }
}

async function operatorOf(response: Response): Promise<OperatorProfile> {
  const body = (await response.json().catch(() => undefined)) as Partial<LoginReply> | undefined
  if (!body?.operator) throw new ConsoleError('bad_response', 'The relay sent no operator profile')
  return body.operator
}

/** Creates the session API over an injected `fetch`. */
export function createAuthApi(options: AuthApiOptions): AuthApi {
  const fetchFn = options.fetch
  const base = options.base ?? ''
  return {
    async me() {
      const response = await request(fetchFn, `${base}/v1/auth/me`, {
        headers: { accept: 'application/json' },
      })
      if (response.status === 401) return undefined
      if (!response.ok) throw await failureOf(response)
      return operatorOf(response)
    },
    async login(email, password) {
      const response = await request(fetchFn, `${base}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ email, password }),
      })
      if (!response.ok) throw await failureOf(response)
      return operatorOf(response)
    },
    async logout() {
      await request(fetchFn, `${base}/v1/auth/logout`, { method: 'POST' }).catch(() => undefined)
    },
    async setPassword(token, password) {
      const response = await request(fetchFn, `${base}/v1/auth/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ token, password }),
      })
      if (!response.ok) throw await failureOf(response)
    },
  }
}
