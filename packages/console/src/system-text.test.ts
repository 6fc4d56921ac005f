import type { SystemEventData } from '@parley/protocol'
import { expect, test, vi } from 'vitest'
import { operatorLanguage, systemText } from './system-text.ts'

const system = (data: Record<string, string>, text = '') => ({
  kind: 'system' as const,
  data,
  text,
})

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
  { type: 'transferred', fromId: 'op1', from: 'Olga', group: 'sales' },
  { type: 'transferred' },
]

test('each kind of system event reads as an English sentence from its facts', () => {
  expect(facts.map((data) => systemText(system(data), 'en'))).toEqual([
    'Conversation closed by Olga',
    'Rated 4/5',
    'Rated 2/5: slow',
    'Invitation: Need help?',
    'Invitation from Olga, Tea sommelier: Need help?',
    'Olga took the conversation',
    'Transferred from Olga to Ivan',
    'Transferred to the sales group',
    'Transferred from Olga to Ivan (sales)',
    'Transferred from Olga to the sales group',
    'Transferred to another operator',
  ])
})

test('each kind of system event reads as a Russian sentence, names left undeclined', () => {
  const russian: SystemEventData[] = [
    { type: 'closed', operatorId: 'op1', operator: 'Ольга' },
    { type: 'rated', rating: '5', comment: 'быстро, спасибо' },
    { type: 'invitation', scenarioId: 'sc1', message: 'Нужна помощь?', operator: 'Иван' },
    { type: 'assigned', operatorId: 'op1', operator: 'Иван' },
  ]
  expect([...facts, ...russian].map((data) => systemText(system(data), 'ru'))).toEqual([
    'Разговор закрыт (оператор Olga)',
    'Оценка 4/5',
    'Оценка 2/5: slow',
    'Приглашение: Need help?',
    'Приглашение (Olga, Tea sommelier): Need help?',
    'Разговор принят (оператор Olga)',
    'Передано: Olga → Ivan',
    'Передано: группа «sales»',
    'Передано: Olga → Ivan (группа «sales»)',
    'Передано: Olga → группа «sales»',
    'Передано: другой оператор',
    'Разговор закрыт (оператор Ольга)',
    'Оценка 5/5: быстро, спасибо',
    'Приглашение (Иван): Нужна помощь?',
    'Разговор принят (оператор Иван)',
  ])
})

test('speaks Russian to an operator whose browser prefers it, English to everyone else', () => {
  expect(operatorLanguage(['ru-RU', 'en-US'])).toBe('ru')
  expect(operatorLanguage(['ru'])).toBe('ru')
  expect(operatorLanguage(['en-GB', 'ru-RU'])).toBe('en')
  expect(operatorLanguage(['de-DE'])).toBe('en')
  expect(operatorLanguage([])).toBe('en')
})

test("words an event in the browser's language when not told one", () => {
  const closed = system({ type: 'closed', operatorId: 'op1', operator: 'Olga' })
  try {
    vi.stubGlobal('navigator', { languages: ['ru-RU', 'en'] })
    expect(systemText(closed)).toBe('Разговор закрыт (оператор Olga)')
    vi.stubGlobal('navigator', { languages: ['fr-FR', 'ru-RU'] })
    expect(systemText(closed)).toBe('Conversation closed by Olga')
  } finally {
    vi.unstubAllGlobals()
  }
})

test('a system event stored before facts, or of a type this console does not know, reads as its text', () => {
  expect(systemText({ kind: 'system', text: 'Conversation closed by Anna' }, 'ru')).toBe(
    'Conversation closed by Anna',
  )
  expect(systemText(system({ rating: '4' }, 'Rated 4/5'))).toBe('Rated 4/5')
  expect(systemText(system({ type: 'reopened' }, 'Reopened'))).toBe('Reopened')
})
