import { createHash } from 'node:crypto'
import {
  cleanScenario,
  type FieldError,
  type Scenario,
  type ScenarioSettings,
  type SiteConfig,
  scenarioErrors,
  scenarioSettingsErrors,
} from '@parley/protocol'
import { findUnsafePatterns } from '@parley/scenarios'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { fieldError, relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import { DEFAULT_SCENARIO_SETTINGS, type ScenarioStore } from './store.ts'

/** What widgets get of a site's scenarios, and the version it adds to `configVersion`. */
interface Published {
  scenarios: Scenario[]
  settings: ScenarioSettings
  /** Empty when there is nothing to publish: the site's `configVersion` stays as it was. */
  version: string
}

/** The value at a JSON pointer (`/where/include/0/value`). */
function at(value: unknown, pointer: string): unknown {
  let current = value
  for (const key of pointer.split('/').slice(1)) {
    current = (current as Record<string, unknown> | undefined)?.[key]
  }
  return current
}

function compiles(source: unknown): boolean {
  try {
    new RegExp(String(source))
    return true
  } catch {
    return false
  }
}

/**
 * Scenario rules of the relay: validation (schema per field, then regex patterns), CRUD, and
 * what reaches widgets through the site config. Published lists are cached per site and
 * dropped on every change, so `GET /config` stays one SQLite read.
 */
export class ScenarioCatalog {
  private readonly cache = new Map<string, Published>()
  /** Bumped on every change, so a read that raced a write is not cached. */
  private generation = 0

  constructor(
    readonly store: ScenarioStore,
    private readonly db: UnitOfWork,
    private readonly now: () => number,
  ) {}

  /**
   * Checks an admin's scenario for `siteId` (its `id`/`siteId` are set from the URL) and
   * returns it cleaned; throws `field_invalid` with a JSON pointer and code per failed field:
   * the schema's codes, `regex_invalid` (does not compile) and `regex_unsafe` (refused by
   * `isSafeRegex`).
   */
  check(siteId: string, id: string, body: unknown): Scenario {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw fieldError([{ field: '/', code: 'value_invalid' }])
    }
    const candidate = { ...(body as Record<string, unknown>), id, siteId }
    const errors = scenarioErrors(candidate)
    if (errors.length > 0) throw fieldError(errors)
    const scenario = cleanScenario(candidate as Scenario)
    const unsafe: FieldError[] = findUnsafePatterns(scenario).map((field) => ({
      field,
      code: compiles(at(scenario, field)) ? 'regex_unsafe' : 'regex_invalid',
    }))
    if (unsafe.length > 0) throw fieldError(unsafe)
    return scenario
  }

  list(siteId: string): Promise<Scenario[]> {
    return this.store.list(siteId)
  }

  async get(siteId: string, id: string): Promise<Scenario> {
    const scenario = await this.store.get(siteId, id)
    if (!scenario) throw relayError('scenario_not_found')
    return scenario
  }

  async create(siteId: string, body: unknown): Promise<Scenario> {
    const scenario = this.check(siteId, randomId('sc'), body)
    await this.db.transaction((tx) => this.store.put(tx, scenario, this.now()))
    this.forget(siteId)
    return scenario
  }

  /** Replaces an existing scenario (`scenario_not_found` otherwise); it keeps its list place. */
  async replace(siteId: string, id: string, body: unknown): Promise<Scenario> {
    await this.get(siteId, id)
    const scenario = this.check(siteId, id, body)
    await this.db.transaction((tx) => this.store.put(tx, scenario, this.now()))
    this.forget(siteId)
    return scenario
  }

  async remove(siteId: string, id: string): Promise<void> {
    const removed = await this.db.transaction((tx) => this.store.remove(tx, siteId, id))
    if (!removed) throw relayError('scenario_not_found')
    this.forget(siteId)
  }

  /** Forgets the published list of a site whose scenarios were written past the catalog (seed). */
  changed(siteId: string): void {
    this.forget(siteId)
  }

  settings(siteId: string): Promise<ScenarioSettings> {
    return this.store.settings(siteId)
  }

  async putSettings(siteId: string, body: unknown): Promise<ScenarioSettings> {
    const errors = scenarioSettingsErrors(body)
    if (errors.length > 0) throw fieldError(errors)
    const settings: ScenarioSettings = {
      minGapSeconds: (body as ScenarioSettings).minGapSeconds,
    }
    await this.db.transaction((tx) => this.store.putSettings(tx, siteId, settings))
    this.forget(siteId)
    return settings
  }

  /**
   * The site config widgets get: the site's own plus its enabled scenarios and settings,
   * with a `configVersion` that changes whenever either does.
   */
  async siteConfig(config: SiteConfig): Promise<SiteConfig> {
    const published = await this.published(config.siteId)
    const configVersion = published.version
      ? createHash('sha256')
          .update(`${config.configVersion}:${published.version}`)
          .digest('hex')
          .slice(0, 16)
      : config.configVersion
    return {
      ...config,
      configVersion,
      scenarios: published.scenarios,
      scenarioSettings: published.settings,
    }
  }

  private forget(siteId: string): void {
    this.generation += 1
    this.cache.delete(siteId)
  }

  private async published(siteId: string): Promise<Published> {
    const cached = this.cache.get(siteId)
    if (cached) return cached
    const generation = this.generation
    const scenarios = (await this.store.list(siteId)).filter((scenario) => scenario.enabled)
    const settings = await this.store.settings(siteId)
    const empty =
      scenarios.length === 0 && settings.minGapSeconds === DEFAULT_SCENARIO_SETTINGS.minGapSeconds
    const version = empty
      ? ''
      : createHash('sha256')
          .update(JSON.stringify([scenarios, settings]))
          .digest('hex')
    const published = { scenarios, settings, version }
    if (generation === this.generation) this.cache.set(siteId, published)
    return published
  }
}
