import {
  accessibleName,
  deepText,
  getAllByRole,
  getByRole,
  queryAllByRole,
  queryByRole,
} from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import type { ParleyConversationList } from './conversation-list.ts'
import { defineConsoleElements } from './elements.ts'
import { createRestApi } from './rest-api.ts'
import { settle } from './test/dom.ts'
import {
  createFakeOperatorClient,
  type FakeOperatorClient,
  summary,
} from './test/fake-operator-client.ts'

defineConsoleElements()

let client: FakeOperatorClient
let list: ParleyConversationList

beforeEach(() => {
  client = createFakeOperatorClient()
  list = document.createElement('parley-conversation-list')
  list.client = client
  document.body.append(list)
})

afterEach(() => {
  list.remove()
})

/** The list of conversations, named by its heading ("Conversations 2"), if it is shown. */
const conversations = () => queryByRole(list, 'list', { name: /^Conversations \d+$/ })

/** The conversations' buttons, by name. */
function entries(): HTMLButtonElement[] {
  const shown = conversations()
  return shown ? queryAllByRole<HTMLButtonElement>(shown, 'button') : []
}

function names(): string[] {
  return entries().map(accessibleName)
}

/** The buttons of the Waiting tab's queue, by name, in order (every group's). */
function queued(): string[] {
  return queryAllByRole(getByRole(list, 'tabpanel'), 'button').map(accessibleName)
}

test('an empty queue says that new chats will appear', async () => {
  await settle(list)
  expect(conversations()).toBeNull()
  expect(deepText(list)).toContain('No conversations yet')
})

test('conversations arriving on $conversations appear live, named by visitor', async () => {
  client.conversations.set([summary({ id: 'c1', visitorName: 'Anna', lastText: 'Hi there' })])
  await settle(list)
  expect(names()).toHaveLength(1)
  // An open chat without an operator is waiting for one.
  expect(names()[0]).toMatch(/^Anna Waiting New .+ Hi there$/)

  client.conversations.set([
    summary({ id: 'c2', visitorId: 'abcdef123456', lastText: 'Is delivery free?' }),
    ...client.conversations.get(),
  ])
  await settle(list)
  expect(names()).toHaveLength(2)
  expect(names()[0]).toMatch(/^Visitor abcdef Waiting New .+ Is delivery free\?$/)
  expect(names()[1]).toMatch(/^Anna /)
})

test('the open conversation and conversations seen up to their last seq are not new', async () => {
  client.conversations.set([
    summary({ id: 'c1', visitorName: 'Anna', lastSeq: 3 }),
    summary({ id: 'c2', visitorName: 'Boris', lastSeq: 5 }),
    summary({ id: 'c3', visitorName: 'Chen', lastSeq: 2 }),
  ])
  list.selectedId = 'c1'
  list.seen = { c2: 5, c3: 1 }
  await settle(list)
  const [anna, boris, chen] = names()
  expect(anna).not.toContain('New')
  expect(boris).not.toContain('New')
  expect(chen).toContain('New')
  const current = entries().filter((entry) => entry.getAttribute('aria-current') === 'true')
  expect(current.map(accessibleName)).toEqual([expect.stringMatching(/^Anna/)])
})

test('clicking a conversation asks to open it', async () => {
  client.conversations.set([summary({ id: 'c1', visitorName: 'Anna' })])
  await settle(list)
  const selected: string[] = []
  list.addEventListener('conversation-select', (event) => {
    selected.push((event as CustomEvent<{ conversationId: string }>).detail.conversationId)
  })
  getByRole(list, 'button', { name: /^Anna / }).click()
  expect(selected).toEqual(['c1'])
})

test('a removed list stops listening to the store', async () => {
  await settle(list)
  list.remove()
  client.conversations.set([summary({ id: 'c1', visitorName: 'Anna' })])
  expect(client.conversations.lc).toBe(0)
})

function tabs(): HTMLButtonElement[] {
  return getAllByRole(getByRole(list, 'tablist', { name: 'Show conversations' }), 'tab')
}

function tab(name: string): HTMLButtonElement {
  return getByRole(list, 'tab', { name })
}

function mixedQueue(): void {
  client.conversations.set([
    summary({ id: 'c1', visitorName: 'Anna', lastText: 'Hi there' }),
    summary({
      id: 'c2',
      kind: 'callback',
      visitorName: 'Boris',
      visitorPhone: '+79161234567',
      lastText: 'Callback request: Boris, +79161234567, as soon as possible',
    }),
    summary({
      id: 'c3',
      kind: 'offline',
      visitorName: 'Chen',
      visitorEmail: 'chen@example.com',
      visitorPhone: '+4915112345678',
      lastText: 'Do you ship to Riga?',
    }),
    summary({ id: 'c4', kind: 'chat', visitorName: 'Dana', lastText: 'Thanks' }),
  ])
}

test('callbacks and offline messages carry their kind and the visitor contact', async () => {
  mixedQueue()
  await settle(list)
  const [anna, boris, chen] = names()
  expect(anna).toMatch(/^Anna Waiting New /)
  expect(boris).toMatch(/^Boris Callback New .+ \+7 916 123-45-67 Callback request: Boris/)
  expect(chen).toMatch(/^Chen Offline message New .+ \+4915112345678 · chen@example\.com Do you/)
})

test('the filter tabs show all, chats, callbacks or offline messages', async () => {
  mixedQueue()
  await settle(list)
  expect(tabs().map(accessibleName)).toEqual(['All', 'Waiting', 'Chats', 'Callbacks', 'Offline'])
  expect(tab('All').getAttribute('aria-selected')).toBe('true')
  expect(names()).toHaveLength(4)

  tab('Chats').click()
  await settle(list)
  expect(names().map((n) => n.split(' ')[0])).toEqual(['Anna', 'Dana'])
  expect(tab('Chats').getAttribute('aria-selected')).toBe('true')
  expect(tab('All').getAttribute('aria-selected')).toBe('false')
  // The panel is named by its tab.
  expect(getByRole(list, 'tabpanel', { name: 'Chats' })).toBeDefined()

  tab('Callbacks').click()
  await settle(list)
  expect(names().map((n) => n.split(' ')[0])).toEqual(['Boris'])

  // Waiting: open chats nobody has; Dana's has an operator, callbacks are not chats.
  client.conversations.set(
    client.conversations
      .get()
      .map((c) => (c.id === 'c4' ? { ...c, operator: { id: 'op1', name: 'Olga' } } : c)),
  )
  tab('Waiting').click()
  await settle(list)
  expect(queued().map((n) => n.split(' ')[0])).toEqual(['Anna'])

  tab('Offline').click()
  await settle(list)
  expect(names().map((n) => n.split(' ')[0])).toEqual(['Chen'])

  client.conversations.set(client.conversations.get().filter((c) => c.kind !== 'offline'))
  await settle(list)
  expect(names()).toEqual([])
  expect(deepText(list)).toContain('No offline messages.')
})

test('arrow keys, Home and End move between the filter tabs and select them', async () => {
  await settle(list)
  const press = async (key: string) => {
    const selected = tabs().find((t) => t.getAttribute('aria-selected') === 'true')!
    selected.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
    await settle(list)
  }
  const selected = () =>
    accessibleName(tabs().find((t) => t.getAttribute('aria-selected') === 'true')!)
  await press('ArrowRight')
  expect(selected()).toBe('Waiting')
  expect(list.shadowRoot!.activeElement).toBe(tab('Waiting'))
  expect(tabs().map((t) => t.tabIndex)).toEqual([-1, 0, -1, -1, -1])
  await press('End')
  expect(selected()).toBe('Offline')
  await press('ArrowRight')
  expect(selected()).toBe('All')
  await press('ArrowLeft')
  expect(selected()).toBe('Offline')
  await press('Home')
  expect(selected()).toBe('All')
})

test('a closed conversation shows the visitor rating as stars', async () => {
  client.conversations.set([
    summary({ id: 'c1', visitorName: 'Anna', status: 'closed', rating: 4 }),
    summary({ id: 'c2', visitorName: 'Boris', status: 'open', rating: 5 }),
  ])
  await settle(list)
  const stars = queryAllByRole(list, 'img')
  expect(stars.map(accessibleName)).toEqual(['Rated 4 out of 5'])
  const shapes = [...stars[0]!.querySelectorAll('svg')].map((star) => star.getAttribute('class'))
  expect(shapes).toEqual(['on', 'on', 'on', 'on', 'off'])
})

test('an entry says "Visitor is typing…" while its visitor types', async () => {
  client.conversations.set([
    summary({ id: 'c1', visitorName: 'Anna', lastText: 'Hi there' }),
    summary({ id: 'c2', visitorName: 'Boris', lastText: 'Hello' }),
  ])
  client.visitorTyping.set({ c2: true })
  await settle(list)
  expect(names()[0]).toMatch(/Hi there$/)
  expect(names()[1]).toMatch(/Visitor is typing…$/)
  client.visitorTyping.set({})
  await settle(list)
  expect(names()[1]).toMatch(/Hello$/)
})

test('the queue holds waiting chats and open leads per group, longest waiting first, with the wait', async () => {
  const now = Date.now()
  client.conversations.set([
    summary({ id: 'c1', visitorName: 'Anna', group: 'g-sales', createdAt: now - 5 * 60_000 }),
    summary({
      id: 'c2',
      visitorName: 'Boris',
      kind: 'callback',
      group: 'g-sales',
      createdAt: now - 65 * 60_000,
      lead: { status: 'in_progress', assignee: { id: 'op1', name: 'Olga' } },
    }),
    summary({
      id: 'c3',
      visitorName: 'Chen',
      kind: 'offline',
      createdAt: now - 30_000,
      lead: { status: 'new' },
    }),
    summary({ id: 'c4', visitorName: 'Dana', kind: 'callback', lead: { status: 'done' } }),
    summary({ id: 'c5', visitorName: 'Egor', kind: 'offline', lead: { status: 'unreachable' } }),
  ])
  list.api = createRestApi({
    fetch: (async () =>
      new Response(JSON.stringify({ groups: [{ id: 'g-sales', name: 'Sales' }] }), {
        headers: { 'content-type': 'application/json' },
      })) as unknown as typeof fetch,
  })
  await settle(list)
  // Done and unreachable leads are no longer in anyone's queue; every lead shows where it stands.
  expect(names().find((n) => n.startsWith('Dana'))).toMatch(
    /^Dana Callback New .+ Done No messages yet$/,
  )
  tab('Waiting').click()
  await settle(list)
  await settle(list)
  const headings = queryAllByRole(getByRole(list, 'tabpanel'), 'heading').map(accessibleName)
  expect(headings).toEqual(['Sales · 2', 'No group · 1'])
  const sales = getByRole(list, 'list', { name: 'Sales · 2' })
  const rows = queryAllByRole(sales, 'button').map(accessibleName)
  expect(rows[0]).toMatch(/^Boris Callback New .+ In progress · Olga · Waiting 1 h 5 min /)
  expect(rows[1]).toMatch(/^Anna Waiting New .+ Waiting 5 min /)
  expect(queued()[2]).toMatch(/^Chen Offline message New .+ New · Waiting under a minute /)
  expect(list.visibleIds()).toEqual(['c2', 'c1', 'c3'])
})

test('a closed conversation shows its tags', async () => {
  client.conversations.set([
    summary({ id: 'c1', visitorName: 'Anna', status: 'closed', tags: ['delivery', 'vip'] }),
  ])
  await settle(list)
  const row = getByRole(list, 'button', { name: /^Anna / })
  expect(deepText(row)).toMatch(/delivery\s*vip/)
})
