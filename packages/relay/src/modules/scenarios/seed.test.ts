import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_SITE, type ScenarioDefinition, type SiteDefinition } from '../../config/config.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call, scenarioBody } from '../../testing/scenarios.ts'
import { seedScenarios } from './seed.ts'

let relay: TestRelay | undefined
afterEach(async () => {
  await relay?.close()
  relay = undefined
})

const definition = (patch: Record<string, unknown> = {}) =>
  ({ id: 'help', ...scenarioBody(patch) }) as unknown as ScenarioDefinition
const site = (scenarios: ScenarioDefinition[], extra: Partial<SiteDefinition> = {}) => ({
  id: 'shop',
  scenarios,
  ...extra,
})

/** What starting again with `sites` (same database) seeds. */
async function reseed(sites: SiteDefinition[]): Promise<void> {
  const { db, scenarios, config } = relay!.app
  await seedScenarios(db, relay!.stores.settings, scenarios, sites, config.now())
}
const stored = () => relay!.app.scenarios.list('shop')

describe('seeded scenarios', () => {
  it('reach the demo site config: gift-help on /catalog after 3 s, once per session, for sales', async () => {
    relay = await injectRelay({ demo: true })
    const config = await (await relay.fetch('/v1/sites/demo/config')).json()
    expect(config.scenarios).toEqual([
      {
        id: 'gift-help',
        siteId: 'demo',
        name: 'Gift help on the catalog',
        enabled: true,
        priority: 0,
        where: { include: [{ type: 'prefix', value: '/catalog' }], exclude: [] },
        conditions: { all: [{ type: 'timeOnSite', seconds: 3 }] },
        action: {
          type: 'bubble',
          message: 'Looking for a gift? Our tea sommelier can help you choose.',
          operator: { name: 'Olga', position: 'Tea sommelier' },
        },
        delaySeconds: 0,
        rules: { oncePerSession: true },
        routing: { group: 'sales' },
      },
    ])
    expect(config.scenarioSettings).toEqual({ minGapSeconds: 0 })
    const admin = await relay.login()
    const stats = await call(relay, admin, 'GET', '/v1/admin/sites/demo/scenarios/stats')
    expect(stats.body.scenarios).toMatchObject([{ scenarioId: 'gift-help', impressions: 0 }])
  })

  it('are inserted when missing and updated while nobody edited them', async () => {
    relay = await injectRelay({ sites: [site([definition()])] })
    expect(await stored()).toMatchObject([{ id: 'help', name: 'Catalog helper', siteId: 'shop' }])
    await reseed([site([definition({ name: 'Catalog helper v2' })])])
    expect(await stored()).toMatchObject([{ id: 'help', name: 'Catalog helper v2' }])
  })

  it('never overwrite a scenario an admin edited, nor bring back one an admin deleted', async () => {
    relay = await injectRelay({ sites: [site([definition(), { ...definition(), id: 'other' }])] })
    const admin = await relay.login()
    const edited = await call(relay, admin, 'PUT', '/v1/admin/sites/shop/scenarios/help', {
      ...scenarioBody({ name: 'Edited by the admin' }),
    })
    expect(edited.status).toBe(200)
    expect(
      (await call(relay, admin, 'DELETE', '/v1/admin/sites/shop/scenarios/other')).status,
    ).toBe(204)
    await reseed([site([definition(), { ...definition(), id: 'other' }])])
    await reseed([
      site([definition({ name: 'Newer default' }), { ...definition(), id: 'other', name: 'x' }]),
    ])
    expect(await stored()).toMatchObject([{ id: 'help', name: 'Edited by the admin' }])
    expect(await stored()).toHaveLength(1)
  })

  it('seed scenario settings unless an admin changed them', async () => {
    relay = await injectRelay({
      sites: [site([definition()], { scenarioSettings: { minGapSeconds: 60 } })],
    })
    const { scenarios } = relay.app
    expect(await scenarios.settings('shop')).toEqual({ minGapSeconds: 60 })
    await reseed([site([], { scenarioSettings: { minGapSeconds: 90 } })])
    expect(await scenarios.settings('shop')).toEqual({ minGapSeconds: 90 })
    const admin = await relay.login()
    await call(relay, admin, 'PUT', '/v1/admin/sites/shop/scenario-settings', {
      minGapSeconds: 5,
    })
    await reseed([site([], { scenarioSettings: { minGapSeconds: 120 } })])
    expect(await scenarios.settings('shop')).toEqual({ minGapSeconds: 5 })
  })

  it('refuse to start with an invalid or unsafe definition, naming the site, scenario and field', async () => {
    await expect(
      injectRelay({ sites: [site([definition({ routing: { group: 'g'.repeat(65) } })])] }),
    ).rejects.toThrow('Site "shop": scenario "help" is invalid: /routing/group (too_long)')
    await expect(
      injectRelay({
        sites: [
          site([
            definition({ where: { include: [{ type: 'regex', value: '(a+)+$' }], exclude: [] } }),
          ]),
        ],
      }),
    ).rejects.toThrow('/where/include/0/value (regex_unsafe)')
  })

  it('leave the demo definition itself untouched (the seed copies it)', () => {
    expect(DEMO_SITE.scenarios?.[0]).not.toHaveProperty('siteId')
  })
})
