import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { EmployeeStore } from '../employees/store.ts'
import { ensureAdmin } from './bootstrap.ts'
import { AuthService } from './service.ts'
import type { AuthStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService
    /** The admin password generated at first start, to print once; else undefined. */
    generatedAdminPassword: string | undefined
  }
}

/** Expired sessions are deleted this often (and once at start). */
const PURGE_EVERY_MS = 60 * 60_000

/**
 * Decorates `app.auth`, creates the first admin when there is no employee, and purges
 * expired sessions on a timer. Routes: `./routes.ts`; guards: `./guards.ts`.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, options: { store: AuthStore; employeeStore: EmployeeStore }) => {
    const auth = new AuthService({
      db: app.db,
      store: options.store,
      employeeStore: options.employeeStore,
      employees: app.employees,
      now: app.config.now,
      passwordCost: app.config.passwordCost,
    })
    app.decorate('auth', auth)
    // An API token's last use is noted for calls that succeed, before their answer is sent:
    // a refused call changes nothing, and whoever reads the list next sees the use.
    app.addHook('onSend', async (request, reply) => {
      if (request.principal && reply.statusCode < 400) await auth.noteUse(request.principal)
    })
    app.decorate(
      'generatedAdminPassword',
      await ensureAdmin(app.employees, app.config.admin, (p) => auth.hashPassword(p)),
    )
    await auth.purgeExpiredSessions()
    const timer = setInterval(() => {
      auth.purgeExpiredSessions().catch((err) => app.log.warn({ err }, 'session purge failed'))
    }, PURGE_EVERY_MS)
    timer.unref()
    app.addHook('onClose', async () => clearInterval(timer))
  },
  { name: 'parley-auth', dependencies: ['parley-infra', 'parley-employees'] },
)
