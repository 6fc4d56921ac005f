import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { SettingsStore } from '../../infra/db/settings.ts'
import { Attribution } from './attribution.ts'
import { ScenarioCatalog } from './catalog.ts'
import { seedScenarios } from './seed.ts'
import type { ScenarioStore } from './store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Engagement scenarios: admin CRUD and what reaches the widget config. */
    scenarios: ScenarioCatalog
    /** Engagement events and conversions; the opening policy of conversations. */
    attribution: Attribution
  }
}

/** Decorates `app.scenarios` and `app.attribution`; seeds configured scenarios. */
export const scenariosPlugin = fp(
  async (app: FastifyInstance, options: { store: ScenarioStore; settings: SettingsStore }) => {
    const { db, config } = app
    const scenarios = new ScenarioCatalog(options.store, db, config.now)
    await seedScenarios(db, options.settings, scenarios, config.sites, config.now())
    app.decorate('scenarios', scenarios)
    app.decorate('attribution', new Attribution({ db, store: options.store, now: config.now }))
  },
  { name: 'parley-scenarios', dependencies: ['parley-infra', 'parley-sites'] },
)
