import { createHash } from 'node:crypto'
import {
  type FieldError,
  type Scenario,
  type ScenarioSettings,
  scenarioSettingsErrors,
} from '@parley/protocol'
import type { SiteDefinition } from '../../config/config.ts'
import type { SettingsStore } from '../../infra/db/settings.ts'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { isRelayError } from '../../infra/errors.ts'
import type { ScenarioCatalog } from './catalog.ts'
import { DEFAULT_SCENARIO_SETTINGS } from './store.ts'

/** Where the last seeded version of a scenario (or of the settings) is remembered. */
const seedKey = (siteId: string, id?: string) =>
  id === undefined ? `seeded_scenario_settings:${siteId}` : `seeded_scenario:${siteId}:${id}`

const fingerprint = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex')

/**
 * Seeds the scenarios and scenario settings of configured sites. A scenario is inserted
 * when the site has none with its id and it was never seeded before; it is updated when the
 * definition changed and the stored one is still what was seeded last (nobody edited it).
 * One an admin edited, or deleted after it was seeded, is left alone. Settings likewise.
 * Throws a `TypeError` naming the site, scenario and field when a definition is invalid.
 */
export async function seedScenarios(
  db: UnitOfWork,
  store: SettingsStore,
  catalog: ScenarioCatalog,
  sites: SiteDefinition[],
  now: number,
): Promise<void> {
  for (const site of sites) {
    for (const definition of site.scenarios ?? []) {
      const scenario = checked(catalog, site.id, definition)
      const key = seedKey(site.id, scenario.id)
      const seeded = await store.get(key)
      const stored = await catalog.store.get(site.id, scenario.id)
      const wanted = fingerprint(scenario)
      if (seeded === wanted) continue
      const untouched = stored
        ? seeded !== undefined && fingerprint(stored) === seeded
        : seeded === undefined
      await db.transaction(async (tx) => {
        if (untouched) await catalog.store.put(tx, scenario, now)
        // Remembered either way: an edited scenario stays the admin's until they change it back.
        await store.set(tx, key, wanted)
      })
      catalog.changed(site.id)
    }
    if (site.scenarioSettings) {
      const settings: ScenarioSettings = { minGapSeconds: site.scenarioSettings.minGapSeconds }
      const errors = scenarioSettingsErrors(settings)
      if (errors.length > 0) {
        throw new TypeError(`Site "${site.id}": scenarioSettings are invalid: ${describe(errors)}`)
      }
      const key = seedKey(site.id)
      const seeded = await store.get(key)
      const wanted = fingerprint(settings)
      if (seeded === wanted) continue
      const current = fingerprint(await catalog.store.settings(site.id))
      const untouched =
        seeded === undefined
          ? current === fingerprint(DEFAULT_SCENARIO_SETTINGS)
          : current === seeded
      await db.transaction(async (tx) => {
        if (untouched) await catalog.store.putSettings(tx, site.id, settings)
        await store.set(tx, key, wanted)
      })
      catalog.changed(site.id)
    }
  }
}

function checked(
  catalog: ScenarioCatalog,
  siteId: string,
  definition: NonNullable<SiteDefinition['scenarios']>[number],
): Scenario {
  try {
    return catalog.check(siteId, definition.id, definition)
  } catch (error) {
    if (!isRelayError(error) || !error.fields) throw error
    throw new TypeError(
      `Site "${siteId}": scenario "${definition.id}" is invalid: ${describe(error.fields)}`,
    )
  }
}

const describe = (fields: FieldError[]) => fields.map((f) => `${f.field} (${f.code})`).join(', ')
