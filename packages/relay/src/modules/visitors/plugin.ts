import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { SettingsStore } from '../../infra/db/settings.ts'
import { VisitorForms } from './forms.ts'
import { loadSecret } from './secret.ts'
import { createStartParams, type StartParams } from './start-param.ts'
import { createVisitorTokens, type VisitorTokens } from './visitor-token.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Callback, offline, prechat, identify, attributes and rate (and their HTTP fallback). */
    forms: VisitorForms
    visitorTokens: VisitorTokens
    /** Signed messenger start parameters (`welcome.startParam`). */
    startParams: StartParams
  }
}

/** Decorates the visitor side's services. The socket: `./socket.ts`; HTTP fallback: `./fallback-routes.ts`. */
export const visitorsPlugin = fp(
  async (app: FastifyInstance, options: { settings: SettingsStore }) => {
    const { config } = app
    const secret = await loadSecret(app.db, options.settings, config.secret)
    app.decorate('visitorTokens', createVisitorTokens(secret))
    app.decorate('startParams', createStartParams(secret))
    app.decorate(
      'forms',
      new VisitorForms({
        db: app.db,
        sites: app.sites,
        profiles: app.visitorProfiles,
        conversations: app.conversations,
        now: config.now,
        maxTextLength: config.limits.maxTextLength,
      }),
    )
  },
  {
    name: 'parley-visitors',
    dependencies: [
      'parley-infra',
      'parley-sites',
      'parley-visitor-profiles',
      'parley-conversations',
    ],
  },
)
