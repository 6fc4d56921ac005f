import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { SystemEventData, systemEventData } from './index.ts'

describe('SystemEventData', () => {
  const valid = [
    { type: 'closed', operatorId: 'op_1', operator: 'Olga' },
    { type: 'rated', rating: '4' },
    { type: 'rated', rating: '5', comment: 'quick, thanks' },
    { type: 'invitation', scenarioId: 'sc_1', message: 'Need help?' },
    {
      type: 'invitation',
      scenarioId: 'sc_1',
      message: 'Need help?',
      operator: 'Olga',
      position: 'Tea sommelier',
    },
    { type: 'assigned', operatorId: 'op_1', operator: 'Olga' },
    { type: 'transferred', group: 'sales', fromId: 'op_1', from: 'Olga' },
    { type: 'transferred', operatorId: 'op_2', operator: 'Ivan' },
  ]
  for (const data of valid) {
    it(`accepts ${JSON.stringify(data)}`, () => {
      expect(Value.Check(SystemEventData, data)).toBe(true)
    })
  }

  const invalid = [
    { type: 'closed', operator: 'Olga' },
    { type: 'rated', rating: '6' },
    { type: 'rated', rating: 4 },
    { type: 'invitation', message: 'Need help?' },
    { type: 'assigned', operatorId: 'op_1' },
    { type: 'reopened' },
    { rating: '4', comment: 'legacy' },
  ]
  for (const data of invalid) {
    it(`rejects ${JSON.stringify(data)}`, () => {
      expect(Value.Check(SystemEventData, data)).toBe(false)
    })
  }
})

describe('systemEventData', () => {
  it("returns a system event's facts", () => {
    const data = { type: 'closed', operatorId: 'op_1', operator: 'Olga' }
    expect(systemEventData({ kind: 'system', data })).toEqual(data)
  })

  it('returns nothing for a legacy system event, an unknown type or another kind', () => {
    expect(systemEventData({ kind: 'system' })).toBeUndefined()
    expect(systemEventData({ kind: 'system', data: { rating: '4' } })).toBeUndefined()
    expect(systemEventData({ kind: 'system', data: { type: 'toString' } })).toBeUndefined()
    expect(systemEventData({ kind: 'form', data: { type: 'closed' } })).toBeUndefined()
    expect(systemEventData({ data: { type: 'closed' } })).toBeUndefined()
  })
})
