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

/** Opens the chat in `locale` and shows `messages` in its log (`shown` of them visibly); returns the log. */
async function chatWith(locale: 'ru' | 'en', messages: ChatMessage[], shown = messages.length) {
  const w = await mountWidget(siteConfig(), { locale })
  w.button(locale === 'ru' ? 'Открыть чат' : 'Open chat').click()
  const client = await w.client()
  client.$messages.set(messages)
  const log = w.getByRole('log', { name: locale === 'ru' ? 'Сообщения' : 'Messages' })
  /** The text of each paragraph in the log: the greeting (unless an invitation), each message. */
  const paragraphs = () => byRoleIn(log).queryAllByRole('paragraph').map(deepText)
  await vi.waitFor(() => expect(paragraphs().length).toBeGreaterThanOrEqual(shown))
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

test("a transfer names the new operator in the visitor's language; one to a group and unknown events show nothing", async () => {
  const transferred = event(4, {
    data: {
      type: 'transferred',
      operatorId: 'op_2',
      operator: 'Иван',
      fromId: 'op_1',
      from: 'Ольга',
    },
  })
  const toGroup = event(5, {
    data: { type: 'transferred', group: 'Sales', fromId: 'op_2', from: 'Иван' },
  })
  const newer = event(6, { data: { type: 'escalated', level: '2' } })
  const reply = event(7, { kind: undefined, author: { kind: 'visitor' }, text: 'Спасибо' })
  const ru = await chatWith('ru', [transferred, toGroup, newer, reply], 2)
  expect(ru.paragraphs().slice(1)).toEqual(['С вами теперь Иван', 'Спасибо'])
  expect(deepText(ru.log)).not.toContain('Sales')
  cleanup()
  const en = await chatWith('en', [transferred, reply])
  expect(en.paragraphs().slice(1)).toEqual(['Иван is now with you', 'Спасибо'])
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

/** Opens the chat in `locale` with a connected client; returns the client and the queue notice. */
async function waitingChat(locale: 'ru' | 'en') {
  const w = await mountWidget(siteConfig(), { locale })
  w.button(locale === 'ru' ? 'Открыть чат' : 'Open chat').click()
  const client = await w.client()
  const panel = byRoleIn(w.getByRole('dialog', { name: 'Chai & Co' }))
  const notice = await vi.waitFor(() => panel.getByRole('status'))
  /** What the notice says once the widget has rendered `place` (Preact renders in a microtask). */
  const says = async (place: { position: number; waitSeconds: number | null } | undefined) => {
    client.$queue.set(place)
    await new Promise((resolve) => setTimeout(resolve))
    // Still the same live region: screen readers announce changes to it.
    expect(panel.getByRole('status')).toBe(notice)
    return notice.textContent
  }
  return { ...w, client, notice, says }
}

test('a waiting visitor reads their place in the queue and the estimated wait, in English', async () => {
  const { says } = await waitingChat('en')
  expect([
    await says({ position: 2, waitSeconds: 170 }),
    await says({ position: 1, waitSeconds: 59 }),
    await says({ position: 12, waitSeconds: 3600 }),
  ]).toEqual([
    'You are number 2 in the queue. Estimated wait: about 3 min.',
    'You are next in the queue. Estimated wait: less than a minute.',
    'You are number 12 in the queue. Estimated wait: about 60 min.',
  ])
})

test('and in Russian', async () => {
  const { says } = await waitingChat('ru')
  expect([
    await says({ position: 2, waitSeconds: 170 }),
    await says({ position: 1, waitSeconds: 0 }),
    await says({ position: 3, waitSeconds: 90 }),
  ]).toEqual([
    'Вы 2-й в очереди. Примерное ожидание: около 3 мин.',
    'Вы следующий в очереди. Примерное ожидание: меньше минуты.',
    'Вы 3-й в очереди. Примерное ожидание: около 2 мин.',
  ])
})

test('without an estimate the notice names the place alone, never a made-up wait', async () => {
  const en = await waitingChat('en')
  expect([
    await en.says({ position: 4, waitSeconds: null }),
    await en.says({ position: 1, waitSeconds: null }),
  ]).toEqual(['You are number 4 in the queue.', 'You are next in the queue.'])
  cleanup()
  const ru = await waitingChat('ru')
  expect(await ru.says({ position: 4, waitSeconds: null })).toBe('Вы 4-й в очереди.')
})

test('the notice is one polite live region that stays in place and falls silent when the wait ends', async () => {
  const { says, notice, client } = await waitingChat('en')
  expect(await says(undefined)).toBe('')
  expect(await says({ position: 2, waitSeconds: null })).toBe('You are number 2 in the queue.')
  // An operator took the conversation (the client clears the place, as on an operator's message).
  expect(await says(undefined)).toBe('')
  expect(notice.isConnected).toBe(true)
  // A closed conversation waits for nothing, whatever place was last known.
  await says({ position: 2, waitSeconds: null })
  client.$messages.set([event(1, { text: 'closed' })])
  client.$conversation.set({ ...summary, status: 'closed' })
  await vi.waitFor(() => expect(notice.textContent).toBe(''))
})

const summary = {
  id: 'conv',
  siteId: 'demo',
  visitorId: 'v1',
  status: 'open' as const,
  lastSeq: 1,
  createdAt: 0,
  updatedAt: 0,
}
