import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { OperatorPresence, type PresenceDirectory } from './presence.ts'

declare module 'fastify' {
  interface FastifyInstance {
    presence: OperatorPresence
  }
}

/** Decorates `app.presence`: operators online, announced to visitors on every change. */
export const presencePlugin = fp(
  async (app: FastifyInstance, options: { directory?: PresenceDirectory }) => {
    app.decorate('presence', new OperatorPresence(app.bus, options.directory))
    if (options.directory) {
      const { directory } = options
      app.addHook('onClose', () => directory.close())
    }
  },
  { name: 'parley-presence', dependencies: ['parley-infra'] },
)
