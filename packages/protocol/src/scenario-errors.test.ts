import { describe, expect, it } from 'vitest'
import type { Scenario } from './scenario.ts'
import { cleanScenario, scenarioErrors, scenarioSettingsErrors } from './scenario-errors.ts'

const valid: Scenario = {
  id: 's1',
  siteId: 'shop',
  name: 'Catalog helper',
  enabled: true,
  priority: 0,
  where: { include: [{ type: 'prefix', value: '/catalog' }], exclude: [] },
  conditions: { all: [{ type: 'timeOnSite', seconds: 3 }] },
  action: { type: 'bubble', message: 'Need help?' },
  rules: { oncePerSession: true },
  routing: { group: 'sales' },
}

const withPatch = (patch: (s: Record<string, unknown>) => void) => {
  const copy = structuredClone(valid) as unknown as Record<string, unknown>
  patch(copy)
  return copy
}

describe('scenarioErrors', () => {
  it('finds nothing wrong with a valid scenario', () => {
    expect(scenarioErrors(valid)).toEqual([])
  })

  it('names a missing field and an over-long one by their JSON pointers', () => {
    const errors = scenarioErrors(
      withPatch((s) => {
        delete s.name
        ;(s.routing as { group: string }).group = 'g'.repeat(65)
      }),
    )
    expect(errors).toEqual([
      { field: '/name', code: 'required' },
      { field: '/routing/group', code: 'too_long' },
    ])
  })

  it('reports the field inside the condition the union meant, not the union itself', () => {
    const errors = scenarioErrors(
      withPatch((s) => {
        s.conditions = { all: [{ any: [{ type: 'timeOnPage', seconds: -1 }] }] }
      }),
    )
    expect(errors).toEqual([{ field: '/conditions/all/0/any/0/seconds', code: 'out_of_range' }])
  })

  it('reports an unknown condition type at its type field', () => {
    const errors = scenarioErrors(withPatch((s) => (s.conditions = { any: [{ type: 'moon' }] })))
    expect(errors).toEqual([{ field: '/conditions/any/0/type', code: 'value_invalid' }])
  })

  it('reports a bad pattern type and a missing action message', () => {
    const errors = scenarioErrors(
      withPatch((s) => {
        s.where = { include: [{ type: 'glob', value: '/x' }], exclude: [] }
        s.action = { type: 'openChat', operator: { name: 'Anna' } }
      }),
    )
    expect(errors).toEqual([
      { field: '/where/include/0/type', code: 'value_invalid' },
      { field: '/action/message', code: 'required' },
    ])
  })

  it('refuses a group with both all and any as an unknown field', () => {
    const errors = scenarioErrors(withPatch((s) => (s.conditions = { all: [], any: [] })))
    expect(errors).toEqual([{ field: '/conditions/any', code: 'unknown_field' }])
  })

  it('checks settings', () => {
    expect(scenarioSettingsErrors({ minGapSeconds: 30 })).toEqual([])
    expect(scenarioSettingsErrors({ minGapSeconds: -5 })).toEqual([
      { field: '/minGapSeconds', code: 'out_of_range' },
    ])
  })

  it('cleans keys the schema does not know, keeping every known one', () => {
    const dirty = withPatch((s) => {
      s.extra = 1
      s.action = { type: 'bubble', message: 'Hi', junk: true }
    }) as unknown as Scenario
    expect(cleanScenario(dirty)).toEqual({ ...valid, action: { type: 'bubble', message: 'Hi' } })
  })
})
