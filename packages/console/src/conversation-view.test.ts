import { accessibleName, deepText, getAllByRole, getByRole, queryAllByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { defineConsoleElements } from './elements.ts'
import { createRestApi } from './rest-api.ts'
import { settle, typeInto } from './test/dom.ts'
import {
  createFakeOperatorClient,
  type FakeOperatorClient,
  message,
  summary,
} from './test/fake-operator-client.ts'
import type { ParleyWorkspace } from './workspace.ts'

defineConsoleElements()

let client: FakeOperatorClient
let workspace: ParleyWorkspace

beforeEach(() => {
  client = createFakeOperatorClient()
  client.conversations.set([
    summary({ id: 'c1', visitorName: 'Anna', lastSeq: 2, lastText: 'Do you ship to Riga?' }),
    summary({ id: 'c2', visitorName: 'Boris', lastSeq: 1, lastText: 'Hello' }),
  ])
  client.history.c1 = [
    message({ seq: 1, text: 'Hello' }),
    message({ seq: 2, text: 'Do you ship to Riga?' }),
  ]
  workspace = document.createElement('parley-workspace')
  workspace.client = client
  document.body.append(workspace)
})

afterEach(() => {
  workspace.remove()
})

function log(): HTMLElement {
  return getByRole(workspace, 'log', { name: 'Messages' })
}

/** Each message's text: the paragraph of each article in the log (form blocks have none). */
function logTexts(): string[] {
  return queryAllByRole(log(), 'article')
    .flatMap((article) => queryAllByRole(article, 'paragraph'))
    .map(deepText)
}

/** The open conversation: the workspace's main area. */
function view(): HTMLElement {
  return getByRole(workspace, 'main')
}

const button = (name: string) => getByRole<HTMLButtonElement>(workspace, 'button', { name })
const reply = () => getByRole<HTMLTextAreaElement>(view(), 'textbox', { name: 'Reply' })

/** Opens a conversation from the list by the visitor's name. */
async function open(name: string): Promise<void> {
  await settle(workspace)
  getByRole(workspace, 'button', { name: new RegExp(`^${name} `) }).click()
  await settle(workspace)
}

test('opening a conversation loads its history into the log and marks it read', async () => {
  await open('Anna')
  expect(accessibleName(getByRole(view(), 'heading', { level: 2 }))).toBe('Anna')
  expect(client.calls).toContainEqual(['loadHistory', 'c1'])
  expect(logTexts()).toEqual(['Hello', 'Do you ship to Riga?'])
  expect(client.calls).toContainEqual(['markRead', 'c1', 2])
})

test('messages arriving live appear in the log as text, never as markup', async () => {
  await open('Anna')
  const store = client.messageStore('c1')
  store.set([...store.get(), message({ seq: 3, text: '<img src=x onerror=alert(1)>' })])
  await settle(workspace)
  expect(logTexts().at(-1)).toBe('<img src=x onerror=alert(1)>')
  // No element was made from the text.
  expect(log().querySelector('img')).toBeNull()
})

test('URLs in messages stay text in the log, deceptive ones included: the console makes no links of them', async () => {
  await open('Anna')
  const text =
    'See https://shop.example/tea, https://bank.example@evil.example and https://shop.example/\u202Egpj.exe'
  const store = client.messageStore('c1')
  store.set([...store.get(), message({ seq: 3, text })])
  await settle(workspace)
  expect(logTexts().at(-1)).toBe(text)
  expect(queryAllByRole(log(), 'link')).toEqual([])
})

test('pressing Enter in the Reply textbox sends the text and clears it', async () => {
  await open('Anna')
  typeInto(reply(), '  Yes, we do!  ')
  reply().dispatchEvent(
    new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }),
  )
  await settle(workspace)
  expect(client.calls).toContainEqual(['send', 'c1', 'Yes, we do!'])
  expect(reply().value).toBe('')
  expect(logTexts().at(-1)).toBe('Yes, we do!')
})

test('the Send button sends and Shift+Enter does not', async () => {
  await open('Anna')
  typeInto(reply(), 'First line')
  reply().dispatchEvent(
    new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true, cancelable: true }),
  )
  expect(client.calls.filter((call) => call[0] === 'send')).toEqual([])
  button('Send').click()
  await settle(workspace)
  expect(client.calls.filter((call) => call[0] === 'send')).toEqual([['send', 'c1', 'First line']])
})

test('a failed send is reported in an alert', async () => {
  await open('Anna')
  client.send = async () => {
    throw new Error('The conversation is closed')
  }
  typeInto(reply(), 'Hello?')
  button('Send').click()
  await settle(workspace)
  expect(deepText(getByRole(view(), 'alert'))).toBe('Message not sent: The conversation is closed')
})

test('Close conversation asks for tags, then closes it with them and disables the reply box', async () => {
  await open('Anna')
  button('Close conversation').click()
  await settle(workspace)
  const form = getByRole(view(), 'form', { name: 'Close the conversation' })
  typeInto(
    getByRole<HTMLInputElement>(form, 'textbox', { name: 'Tags (optional, separated by commas)' }),
    ' Delivery, refund ,delivery',
  )
  getByRole(form, 'button', { name: 'Close' }).click()
  await settle(workspace)
  expect(client.calls).toContainEqual(['close', 'c1', ['delivery', 'refund']])
  expect(button('Close conversation').disabled).toBe(true)
  expect(reply().disabled).toBe(true)
})

test('switching conversations shows the other history and stops following the first', async () => {
  await open('Anna')
  await open('Boris')
  expect(accessibleName(getByRole(view(), 'heading', { level: 2 }))).toBe('Boris')
  expect(logTexts()).toEqual([])
  expect(client.messageStore('c1').lc).toBe(0)
})

test('a form event shows as a block named by its kind, with each field and value as text', async () => {
  client.conversations.set([
    summary({ id: 'c3', kind: 'callback', visitorName: 'Chen', visitorPhone: '+79161234567' }),
  ])
  client.history.c3 = [
    message({
      seq: 1,
      text: 'Callback request: Chen, +79161234567, as soon as possible',
      kind: 'form',
      data: { comment: '<b>after 5</b>', when: 'asap', phone: '+79161234567', name: 'Chen' },
    }),
    message({ seq: 2, text: 'Thanks!' }),
  ]
  await open('Chen')
  const group = getByRole(log(), 'group', { name: 'Callback request' })
  const terms = getAllByRole(group, 'term').map(deepText)
  const values = getAllByRole(group, 'definition').map(deepText)
  const rows = terms.map((term, i) => [term, values[i]])
  expect(values).toHaveLength(terms.length)
  expect(rows).toEqual([
    ['Name', 'Chen'],
    ['Phone', '+7 916 123-45-67'],
    ['When to call', 'As soon as possible'],
    ['Comment', '<b>after 5</b>'],
  ])
  // No element was made from the text.
  expect(group.querySelector('b')).toBeNull()
  expect(logTexts()).toEqual(['Thanks!'])
})

test('"Visitor is typing…" shows in a status line while the visitor types', async () => {
  await open('Anna')
  // The typing line is the open conversation's status (the header has the connection's).
  const status = () => deepText(getByRole(view(), 'status'))
  expect(status()).toBe('')
  client.visitorTyping.set({ c2: true })
  await settle(workspace)
  expect(status()).toBe('')
  client.visitorTyping.set({ c1: true })
  await settle(workspace)
  expect(status()).toBe('Visitor is typing…')
  client.visitorTyping.set({})
  await settle(workspace)
  expect(status()).toBe('')
})

test('the header shows the kind, contact links and the operator with their position', async () => {
  client.conversations.set([
    summary({
      id: 'c5',
      kind: 'offline',
      visitorName: 'Dana',
      visitorPhone: '+4915112345678',
      visitorEmail: 'dana@example.com',
      operator: { id: 'o1', name: 'Olga', position: 'Tea sommelier' },
    }),
  ])
  await open('Dana')
  expect(accessibleName(getByRole(view(), 'heading', { level: 2 }))).toBe('Dana Offline message')
  const links = getAllByRole(view(), 'link').map((a) => [a.getAttribute('href'), accessibleName(a)])
  expect(links).toEqual([
    ['tel:+4915112345678', 'Phone +4915112345678'],
    ['mailto:dana@example.com', 'Email dana@example.com'],
  ])
  expect(queryAllByRole(view(), 'paragraph').map(deepText)).toContain(
    'Assigned to Olga, Tea sommelier',
  )
})

test('a closed, rated conversation shows the stars and the visitor comment', async () => {
  client.conversations.set([
    summary({ id: 'c6', visitorName: 'Emil', status: 'closed', rating: 2, ratingComment: 'Slow' }),
  ])
  await open('Emil')
  expect(getByRole(view(), 'img', { name: 'Rated 2 out of 5' })).toBeDefined()
  // The comment, quoted next to the stars.
  expect(queryAllByRole(view(), 'paragraph').map(deepText)).toContain('Slow')
  expect(deepText(getByRole(view(), 'status'))).toBe('')
})

test('system events read as sentences from their facts, and older ones by their stored text', async () => {
  client.conversations.set([summary({ id: 'c7', visitorName: 'Fay', status: 'closed' })])
  const system = { kind: 'system' as const, author: { kind: 'system' as const }, text: '' }
  client.history.c7 = [
    message({
      ...system,
      seq: 1,
      data: {
        type: 'invitation',
        scenarioId: 'sc_gift',
        message: 'Looking for a gift?',
        operator: 'Olga',
        position: 'Tea sommelier',
      },
    }),
    message({ seq: 2, text: 'Yes, for my mother' }),
    message({
      ...system,
      seq: 3,
      data: { type: 'closed', operatorId: 'op1', operator: 'Olga' },
    }),
    message({ seq: 4, text: '', kind: 'system', data: { type: 'rated', rating: '5' } }),
    message({ ...system, seq: 5, text: 'Conversation closed by Anna' }),
  ]
  await open('Fay')
  expect(logTexts()).toEqual([
    'Invitation from Olga, Tea sommelier: Looking for a gift?',
    'Yes, for my mother',
    'Conversation closed by Olga',
    'Rated 5/5',
    'Conversation closed by Anna',
  ])
})

test('a waiting chat offers Accept; a lost race says so and the chat stays waiting', async () => {
  client.profile.set({ id: 'op1', email: 'olga@example.com', name: 'Olga', role: 'operator' })
  client.conversations.set([summary({ id: 'c3', visitorName: 'Vera', lastText: 'Anyone?' })])
  await open('Vera')
  expect(deepText(view())).toContain('Waiting since')
  client.refuse = new Error('Another operator accepted it first')
  button('Accept').click()
  await settle(workspace)
  expect(deepText(getByRole(view(), 'alert'))).toBe(
    'Not accepted: Another operator accepted it first',
  )
  expect(client.calls).toContainEqual(['accept', 'c3'])

  client.refuse = undefined
  button('Accept').click()
  await settle(workspace)
  expect(deepText(view())).toContain('Assigned to Olga')
  expect(queryAllByRole(view(), 'button', { name: 'Accept' })).toEqual([])
  expect(queryAllByRole(view(), 'button', { name: 'Transfer…' })).toHaveLength(1)
})

test('a messenger conversation shows its channel, and where each operator message stands', async () => {
  client.conversations.set([
    summary({ id: 'c3', visitorName: 'Ivan', channel: 'telegram', lastSeq: 3, lastText: 'Thanks' }),
    ...client.conversations.get(),
  ])
  client.history.c3 = [
    message({ seq: 1, text: 'Hi from Telegram' }),
    message({
      seq: 2,
      text: 'Hello, Ivan!',
      author: { kind: 'operator', id: 'op', name: 'Olga' },
    }),
    message({ seq: 3, text: 'Blocked?', author: { kind: 'operator', id: 'op', name: 'Olga' } }),
  ]
  const asked: string[] = []
  workspace.api = {
    async get(path: string) {
      asked.push(path)
      if (path === '/v1/conversations/c3/deliveries') {
        return {
          deliveries: [
            { eventId: 'e-2', state: 'sent', attempts: 1, error: null, updatedAt: 1 },
            {
              eventId: 'e-3',
              state: 'failed',
              attempts: 1,
              error: 'Forbidden: bot was blocked by the user',
              updatedAt: 1,
            },
          ],
        }
      }
      if (path === '/v1/canned') return { responses: [] }
      throw new Error(`unexpected ${path}`)
    },
  } as never
  await settle(workspace)
  const list = getByRole(workspace, 'button', { name: /^Ivan / })
  expect(deepText(list)).toContain('Telegram')
  await open('Ivan')
  await settle(workspace)
  expect(deepText(getByRole(view(), 'heading', { level: 2 }))).toContain('Telegram')
  expect(asked).toContain('/v1/conversations/c3/deliveries')
  const articles = queryAllByRole(log(), 'article')
  expect(deepText(articles[1]!)).toContain('Sent')
  expect(deepText(articles[2]!)).toContain('Not delivered: Forbidden: bot was blocked by the user')
  // The relay tells of the next step live.
  client.emit('delivery', {
    conversationId: 'c3',
    delivery: { eventId: 'e-2', state: 'read', attempts: 1, error: null, updatedAt: 2 },
  })
  await settle(workspace)
  expect(deepText(queryAllByRole(log(), 'article')[1]!)).toContain('Read')
  expect(deepText(queryAllByRole(log(), 'article')[0]!)).not.toMatch(/Sent|Read|Delivered/)
})

test('a site chat whose visitor gave an e-mail shows which replies went by e-mail', async () => {
  client.conversations.set([
    summary({ id: 'c4', visitorName: 'Vera', visitorEmail: 'vera@example.com', lastSeq: 3 }),
    ...client.conversations.get(),
  ])
  const olga = { kind: 'operator' as const, id: 'op', name: 'Olga' }
  client.history.c4 = [
    message({ seq: 1, text: 'Is the shop open on Sunday?' }),
    message({ seq: 2, text: 'Yes, from ten.', author: olga }),
    message({ seq: 3, text: 'And until six.', author: olga }),
  ]
  const asked: string[] = []
  workspace.api = {
    async get(path: string) {
      asked.push(path)
      if (path === '/v1/conversations/c4/deliveries') {
        return {
          deliveries: [
            {
              eventId: 'e-2',
              channel: 'email',
              state: 'sent',
              attempts: 1,
              error: null,
              updatedAt: 1,
            },
            {
              eventId: 'e-3',
              channel: 'email',
              state: 'pending',
              attempts: 0,
              error: null,
              updatedAt: 1,
            },
          ],
        }
      }
      if (path === '/v1/canned') return { responses: [] }
      throw new Error(`unexpected ${path}`)
    },
  } as never
  await open('Vera')
  expect(asked).toContain('/v1/conversations/c4/deliveries')
  const articles = () => queryAllByRole(log(), 'article')
  expect(deepText(articles()[1]!)).toContain('Sent by e-mail')
  expect(deepText(articles()[2]!)).toContain('E-mailed if not read on the site')
  // The visitor came back and read it: no e-mail goes.
  client.emit('delivery', {
    conversationId: 'c4',
    delivery: {
      eventId: 'e-3',
      channel: 'email',
      state: 'read',
      attempts: 0,
      error: null,
      updatedAt: 2,
    },
  })
  await settle(workspace)
  expect(deepText(articles()[2]!)).toContain('Read')
  expect(deepText(articles()[2]!)).not.toContain('e-mail')
})

test('the Visitor button opens the visitor card beside the conversation and closes it again', async () => {
  await open('Anna')
  const toggle = button('Visitor')
  expect(toggle.getAttribute('aria-expanded')).toBe('false')
  expect(queryAllByRole(view(), 'region', { name: 'Visitor' })).toHaveLength(0)
  toggle.click()
  await settle(workspace)
  expect(button('Visitor').getAttribute('aria-expanded')).toBe('true')
  // The card's element is a chunk of its own, loaded on this first use.
  await vi.waitFor(() =>
    expect(getAllByRole(view(), 'region', { name: 'Visitor' })).toHaveLength(1),
  )
  button('← Back to the conversation').click()
  await settle(workspace)
  expect(queryAllByRole(view(), 'region', { name: 'Visitor' })).toHaveLength(0)
})

test('closing offers the tags in use and can be cancelled without closing', async () => {
  client.conversations.set([
    ...client.conversations.get(),
    summary({ id: 'c9', visitorName: 'Old', status: 'closed', tags: ['refund', 'vip'] }),
  ])
  await open('Anna')
  button('Close conversation').click()
  await settle(workspace)
  const form = getByRole(view(), 'form', { name: 'Close the conversation' })
  getByRole(form, 'button', { name: 'Add tag vip' }).click()
  await settle(workspace)
  const field = getByRole<HTMLInputElement>(form, 'textbox', {
    name: 'Tags (optional, separated by commas)',
  })
  expect(field.value).toBe('vip')
  getByRole(form, 'button', { name: 'Cancel' }).click()
  await settle(workspace)
  expect(queryAllByRole(view(), 'form', { name: 'Close the conversation' })).toHaveLength(0)
  expect(client.calls.filter((c) => c[0] === 'close')).toEqual([])
})

test('a lead shows its status and assignee, and changing them asks the relay', async () => {
  const patches: { path: string; body: unknown }[] = []
  workspace.api = createRestApi({
    fetch: (async (input: string, init?: RequestInit) => {
      if (init?.method === 'PATCH')
        patches.push({ path: String(input), body: JSON.parse(String(init.body)) })
      const body =
        String(input) === '/v1/team'
          ? {
              members: [
                {
                  id: 'op1',
                  name: 'Olga',
                  role: 'operator',
                  kind: 'human',
                  status: 'online',
                  groups: [],
                  open: 0,
                },
              ],
            }
          : String(input).endsWith('/visitor')
            ? {
                visitor: { id: 'v', verified: false, attributes: {} },
                channel: 'web',
                pages: [],
                consents: [],
                conversations: [],
              }
            : { responses: [], conversation: {} }
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
    }) as unknown as typeof fetch,
  })
  client.conversations.set([
    summary({ id: 'c7', visitorName: 'Vera', kind: 'callback', lead: { status: 'new' } }),
  ])
  await open('Vera')
  await settle(workspace)
  const lead = getByRole(view(), 'form', { name: 'Lead' })
  const status = getByRole<HTMLSelectElement>(lead, 'combobox', { name: 'Lead status' })
  expect(status.value).toBe('new')
  status.value = 'in_progress'
  status.dispatchEvent(new Event('change'))
  const assignee = getByRole<HTMLSelectElement>(lead, 'combobox', { name: 'Assignee' })
  assignee.value = 'op1'
  assignee.dispatchEvent(new Event('change'))
  await settle(workspace)
  expect(patches).toEqual([
    { path: '/v1/conversations/c7/lead', body: { status: 'in_progress' } },
    { path: '/v1/conversations/c7/lead', body: { assigneeId: 'op1' } },
  ])
  // Another operator's change arrives as a summary: the controls follow it.
  client.conversations.set([
    summary({
      id: 'c7',
      visitorName: 'Vera',
      kind: 'callback',
      lead: { status: 'done', assignee: { id: 'op1', name: 'Olga' } },
    }),
  ])
  await settle(workspace)
  expect(getByRole<HTMLSelectElement>(view(), 'combobox', { name: 'Lead status' }).value).toBe(
    'done',
  )
  expect(getByRole<HTMLSelectElement>(view(), 'combobox', { name: 'Assignee' }).value).toBe('op1')
})
