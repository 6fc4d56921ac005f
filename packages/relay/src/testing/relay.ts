import { PROTOCOL_VERSION } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { buildServer } from '../app.ts'
import type { RelayConfig } from '../config/config.ts'
import { createPostgresStores, createSqliteStores, type Stores } from '../stores.ts'
import { injectFetch } from './inject-fetch.ts'
import { connect, type Frame, injectConnect, ofType, type TestSocket } from './ws-client.ts'

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' }

/** The origin an injected relay answers at; no such host is ever looked up. */
const INJECTED_ORIGIN = 'http://relay.test'

export interface TestRelay {
  app: FastifyInstance
  /** The relay's stores, for asserting what was (not) persisted. */
  stores: Stores
  /** The relay's origin: `http://127.0.0.1:PORT` when it listens, `http://relay.test` when not. */
  url: string
  /** `fetch` against the relay; a path is resolved against `url`. */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>
  /** Opens a WebSocket at `path` (with its query) and resolves once it is open. */
  socket(path: string, options?: { headers?: Record<string, string> }): Promise<TestSocket>
  /** Opens a visitor socket and completes `hello`; returns the socket and its welcome. */
  visitor(
    hello?: Frame,
    options?: { site?: string; headers?: Record<string, string> },
  ): Promise<{ socket: TestSocket; welcome: Frame }>
  /** Logs in over REST and returns the session cookie header value (`parley_session=…`). */
  login(email?: string, password?: string): Promise<string>
  /** Opens an operator socket with the admin's session cookie and completes `hello`. */
  operator(options?: {
    cookie?: string
    apiToken?: string
  }): Promise<{ socket: TestSocket; welcome: Frame }>
  /** Closes the sockets it opened, then the relay. */
  close(): Promise<void>
}

/** A relay on a real port, for tests of listening, TCP and the network itself. */
export interface ListeningRelay extends TestRelay {
  /** `ws://127.0.0.1:PORT` */
  wsUrl: string
}

/**
 * Builds a relay with an in-memory database and sites `shop` and `other`, without opening a
 * port: `fetch` goes through `app.inject` and `socket` through `app.injectWS`.
 */
export async function injectRelay(overrides: Partial<RelayConfig> = {}): Promise<TestRelay> {
  const { app, stores } = await build(overrides)
  await app.ready()
  const host = new URL(INJECTED_ORIGIN).host
  return withClients(app, stores, {
    url: INJECTED_ORIGIN,
    fetch: injectFetch(app, INJECTED_ORIGIN),
    socket: (path, options = {}) =>
      injectConnect(app, path, { headers: { host, ...options.headers } }),
  })
}

/** Like `injectRelay`, but listening on 127.0.0.1 port 0 and reached over the network. */
export async function startRelay(overrides: Partial<RelayConfig> = {}): Promise<ListeningRelay> {
  const { app, stores } = await build(overrides)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  const url = `http://127.0.0.1:${address.port}`
  const wsUrl = `ws://127.0.0.1:${address.port}`
  const relay = withClients(app, stores, {
    url,
    fetch: (input, init) => fetch(new URL(input, url), init),
    socket: (path, options = {}) => connect(`${wsUrl}${path}`, options),
  })
  return { ...relay, wsUrl }
}

async function build(overrides: Partial<RelayConfig>) {
  // An in-memory SQLite database, or the PostgreSQL database the test names.
  const stores = overrides.databaseUrl
    ? await createPostgresStores(overrides.databaseUrl)
    : createSqliteStores(':memory:')
  const app = await buildServer(
    {
      databasePath: ':memory:',
      // Fast hashes: what is tested here is the relay, not scrypt's cost (password.test.ts is).
      passwordCost: 2 ** 12,
      admin: ADMIN,
      sites: [{ id: 'shop' }, { id: 'other' }],
      logger: false,
      staticDirs: { widget: '/nonexistent', console: '/nonexistent', demoSite: '/nonexistent' },
      // An operator whose socket closes is offline at once (routing.test.ts tests the grace).
      routing: { offlineGraceMs: 0 },
      ...overrides,
    },
    { stores },
  )
  return { app, stores }
}

/** The visitor, operator and login clients over a transport; `close` ends every socket opened. */
function withClients(
  app: FastifyInstance,
  stores: Stores,
  transport: Pick<TestRelay, 'url' | 'fetch' | 'socket'>,
): TestRelay {
  const sockets: TestSocket[] = []
  const relay: TestRelay = {
    app,
    stores,
    url: transport.url,
    fetch: transport.fetch,
    async socket(path, options) {
      const socket = await transport.socket(path, options)
      sockets.push(socket)
      return socket
    },
    async visitor(hello = {}, options = {}) {
      const socket = await relay.socket(`/v1/visitor?site=${options.site ?? 'shop'}`, {
        headers: options.headers,
      })
      socket.send({ t: 'hello', v: PROTOCOL_VERSION, ...hello })
      const welcome = await socket.next(ofType('welcome'))
      return { socket, welcome }
    },
    async login(email = ADMIN.email, password = ADMIN.password) {
      const response = await relay.fetch('/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      })
      if (response.status !== 200) throw new Error(`login failed: ${response.status}`)
      const cookie = response.headers.get('set-cookie') ?? ''
      return cookie.split(';')[0]!
    },
    async operator(options = {}) {
      const cookie = options.apiToken ? undefined : (options.cookie ?? (await relay.login()))
      const socket = await relay.socket('/v1/operator', { headers: cookie ? { cookie } : {} })
      socket.send({ t: 'hello', v: PROTOCOL_VERSION, apiToken: options.apiToken })
      const welcome = await socket.next(ofType('welcome'))
      return { socket, welcome }
    },
    async close() {
      await Promise.all(sockets.map((s) => s.close()))
      await app.close()
    },
  }
  return relay
}
