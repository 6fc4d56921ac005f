import type { SystemEventData } from '@parley/protocol'
import { expect, test } from 'vitest'
import { systemText } from './system-text.ts'

const system = (data: Record<string, string>, text = '') => ({
  kind: 'system' as const,
  data,
  text,
})

test('each kind of system event reads as a sentence from its facts', () => {
  const facts: SystemEventData[] = [
    { type: 'closed', operatorId: 'op1', operator: 'Olga' },
    { type: 'rated', rating: '4' },
    { type: 'rated', rating: '2', comment: 'slow' },
    { type: 'invitation', scenarioId: 'sc1', message: 'Need help?' },
    {
      type: 'invitation',
      scenarioId: 'sc1',
      message: 'Need help?',
      operator: 'Olga',
      position: 'Tea sommelier',
    },
    { type: 'assigned', operatorId: 'op1', operator: 'Olga' },
    { type: 'transferred', fromId: 'op1', from: 'Olga', operatorId: 'op2', operator: 'Ivan' },
    { type: 'transferred', group: 'sales' },
    { type: 'transferred', from: 'Olga', operator: 'Ivan', group: 'sales' },
  ]
  expect(facts.map((data) => systemText(system(data)))).toEqual([
    'Conversation closed by Olga',
    'Rated 4/5',
    'Rated 2/5: slow',
    'Invitation: Need help?',
    'Invitation from Olga, Tea sommelier: Need help?',
    'Olga took the conversation',
    'Transferred from Olga to Ivan',
    'Transferred to the sales group',
    'Transferred from Olga to Ivan (sales)',
  ])
})

test('a system event stored before facts, or of a type this console does not know, reads as its text', () => {
  expect(systemText({ kind: 'system', text: 'Conversation closed by Anna' })).toBe(
    'Conversation closed by Anna',
  )
  expect(systemText(system({ rating: '4' }, 'Rated 4/5'))).toBe('Rated 4/5')
  expect(systemText(system({ type: 'reopened' }, 'Reopened'))).toBe('Reopened')
})
