import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { DEMO_GROUPS, DEMO_SITE } from '../../config/demo-site.ts'
import { RoutingService } from './service.ts'
import type { GroupStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    routingService: RoutingService
  }
}

/**
 * Decorates `app.routingService`: groups, operator statuses and the queue. It follows the
 * conversation service (new, answered, closed conversations) and the employees (new people
 * join the default groups; deactivated ones leave routing). Routes: `./routes.ts`.
 */
export const routingPlugin = fp(
  async (app: FastifyInstance, options: { store: GroupStore }) => {
    const { config } = app
    const routing = new RoutingService({
      db: app.db,
      store: options.store,
      employees: app.employees,
      conversations: app.conversations,
      presence: app.presence,
      bus: app.bus,
      now: config.now,
      timers: config.timers,
      awayAfterMs: config.routing.awayAfterMs,
      offlineGraceMs: config.routing.offlineGraceMs,
      log: app.log,
    })
    app.decorate('routingService', routing)
    app.conversations.useRouting(routing)
    app.employees.onChange(async (employee, change) => {
      if (change === 'created') await routing.employeeAdded(employee)
      else if (change === 'deactivated') routing.employeeDeactivated(employee.id)
      else await routing.reload()
    })
    if (config.demo) await routing.catalog.seed(DEMO_SITE.id, DEMO_GROUPS)
    await routing.start(config.sites.map((site) => site.id))
    app.addHook('onClose', () => routing.close())
  },
  {
    name: 'parley-routing',
    dependencies: ['parley-infra', 'parley-employees', 'parley-conversations', 'parley-presence'],
  },
)
