import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { VisitorProfiles } from './profiles.ts'
import type { VisitorStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    visitorProfiles: VisitorProfiles
  }
}

/** Decorates `app.visitorProfiles` (registered before conversations, which read contacts). */
export const visitorProfilesPlugin = fp(
  async (app: FastifyInstance, options: { store: VisitorStore }) => {
    app.decorate('visitorProfiles', options.store)
  },
  { name: 'parley-visitor-profiles', dependencies: ['parley-infra'] },
)
