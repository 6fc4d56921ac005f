import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { EmployeeService } from './service.ts'
import type { EmployeeStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    employees: EmployeeService
  }
}

/** Decorates `app.employees`. Routes: `./routes.ts`. */
export const employeesPlugin = fp(
  async (app: FastifyInstance, options: { store: EmployeeStore }) => {
    app.decorate(
      'employees',
      new EmployeeService({
        db: app.db,
        store: options.store,
        now: app.config.now,
        seats: app.config.seats,
      }),
    )
  },
  { name: 'parley-employees', dependencies: ['parley-infra'] },
)
