import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { OperatorPresence } from './presence.ts'

declare module 'fastify' {
  interface FastifyInstance {
    presence: OperatorPresence
  }
}

/** Decorates `app.presence`: operators online, announced to visitors on every change. */
export const presencePlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('presence', new OperatorPresence(app.bus))
  },
  { name: 'parley-presence', dependencies: ['parley-infra'] },
)
