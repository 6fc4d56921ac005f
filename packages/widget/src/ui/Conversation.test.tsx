import type { ChatMessage } from '@parley/client'
import { deepText } from '@parley/test-dom'
import { afterEach, expect, test, vi } from 'vitest'
import { siteConfig } from '../fake-client.ts'
import { byRoleIn, cleanup, mountWidget } from '../test-widget.ts'

afterEach(cleanup)

/** A relay event as the client hands it to the widget. */
function event(seq: number, patch: Partial<ChatMessage>): ChatMessage {
  return {
    key: `e${seq}`,
    id: `e${seq}`,
    seq,
    author: { kind: 'system' },
    text: '',
    at: 0,
    status: 'sent',
    kind: 'system',
    ...patch,
  }
}

const closed = event(2, { data: { type: 'closed', operatorId: 'op_1', operator: 'Ольга' } })
const rated = event(3, {
  author: { kind: 'visitor' },
  data: { type: 'rated', rating: '4' },
})

/** Opens the chat in `locale` and shows `messages` in its log; returns the log. */
async function chatWith(locale: 'ru' | 'en', messages: ChatMessage[]) {
  const w = await mountWidget(siteConfig(), { locale })
  w.button(locale === 'ru' ? 'Открыть чат' : 'Open chat').click()
  const client = await w.client()
  client.$messages.set(messages)
  const log = w.getByRole('log', { name: locale === 'ru' ? 'Сообщения' : 'Messages' })
  /** The text of each paragraph in the log: the greeting (unless an invitation), each message. */
  const paragraphs = () => byRoleIn(log).queryAllByRole('paragraph').map(deepText)
  await vi.waitFor(() => expect(paragraphs().length).toBeGreaterThanOrEqual(messages.length))
  return { log, paragraphs }
}

test('a Russian visitor reads who closed the conversation and their rating in Russian', async () => {
  const { paragraphs } = await chatWith('ru', [closed, rated])
  expect(paragraphs().slice(1)).toEqual([
    'Оператор Ольга завершил(а) диалог',
    'Вы оценили диалог: 4/5',
  ])
  expect(paragraphs().slice(1).join(' ')).not.toMatch(/[a-z]/i)
})

test('an English visitor reads them in English', async () => {
  const { paragraphs } = await chatWith('en', [closed, rated])
  expect(paragraphs().slice(1)).toEqual([
    'Ольга closed the conversation',
    'You rated the conversation: 4/5',
  ])
})

test('system events stored before their facts show the text they were stored with', async () => {
  const { paragraphs } = await chatWith('ru', [
    event(2, { text: 'Conversation closed by Anna' }),
    event(3, { text: 'Rated 4/5', data: { rating: '4' } }),
  ])
  expect(paragraphs().slice(1)).toEqual(['Conversation closed by Anna', 'Rated 4/5'])
})

test("the stored invitation reads as the operator's message, never naming the scenario, older events too", async () => {
  const invitation = event(1, {
    data: { type: 'invitation', scenarioId: 'gift', message: 'Ищете подарок?', operator: 'Ольга' },
  })
  const older = event(1, {
    text: 'Invitation (Gift help): Ищете подарок?',
    data: {
      invitation: 'gift',
      scenario: 'Gift help',
      message: 'Ищете подарок?',
      operator: 'Ольга',
    },
  })
  const reply = event(2, { kind: undefined, author: { kind: 'visitor' }, text: 'Да' })
  for (const stored of [invitation, older]) {
    const { log, paragraphs } = await chatWith('ru', [stored, reply])
    expect(paragraphs().slice(1)).toEqual(['Ищете подарок?', 'Да'])
    expect(deepText(log)).toContain('Ольга')
    expect(deepText(log)).not.toMatch(/Gift help|Invitation/)
    cleanup()
  }
})
