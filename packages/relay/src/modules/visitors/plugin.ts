import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { SettingsStore } from '../../infra/db/settings.ts'
import { VisitorForms } from './forms.ts'
import { loadSecret } from './secret.ts'
import { createStartParams, type StartParams } from './start-param.ts'
import { VisitorAuth } from './visitor-auth.ts'
import { createVisitorTokens, type VisitorTokens } from './visitor-token.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Callback, offline, prechat, identify, attributes and rate (and their HTTP fallback). */
    forms: VisitorForms
    visitorTokens: VisitorTokens
    /** Every visitor entry point checks a token through it: genuine, unexpired, unrevoked. */
    visitorAuth: VisitorAuth
    /** Signed messenger start parameters (`welcome.startParam`). */
    startParams: StartParams
  }
}

/** Decorates the visitor side's services. The socket: `./socket.ts`; HTTP fallback: `./fallback-routes.ts`. */
export const visitorsPlugin = fp(
  async (app: FastifyInstance, options: { settings: SettingsStore }) => {
    const { config } = app
    const secret = await loadSecret(app.db, options.settings, config.secret)
    const tokens = createVisitorTokens(secret, {
      ttlMs: config.visitorTokens.ttlMs,
      now: config.now,
    })
    app.decorate('visitorTokens', tokens)
    app.decorate(
      'visitorAuth',
      new VisitorAuth({
        tokens,
        validAfter: (siteId, visitorId) => app.privacy.tokensValidAfter(siteId, visitorId),
        renewAfterMs: config.visitorTokens.renewAfterMs,
        now: config.now,
      }),
    )
    app.decorate('startParams', createStartParams(secret, { now: config.now }))
    app.decorate(
      'forms',
      new VisitorForms({
        db: app.db,
        sites: app.sites,
        profiles: app.visitorProfiles,
        conversations: app.conversations,
        now: config.now,
        maxTextLength: config.limits.maxTextLength,
        onConsent: (tx, site) => app.privacy.recordAgreement(tx, site),
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
      'parley-privacy',
    ],
  },
)
