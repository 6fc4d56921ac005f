import type { SearchBody, SearchHit } from '@parley/protocol'
import { accessibleName, deepText, getByRole, queryAllByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { defineConsoleElements } from '../elements.ts'
import { createRestApi } from '../rest-api.ts'
import { settle, typeInto } from '../test/dom.ts'
import {
  createFakeOperatorClient,
  type FakeOperatorClient,
  message,
  summary,
} from '../test/fake-operator-client.ts'
import type { ParleyWorkspace } from '../workspace.ts'
import { defineHistoryElements } from './elements.ts'
import { snippetParts } from './highlight.ts'

defineConsoleElements()
defineHistoryElements()

const AT = Date.parse('2026-11-30T10:00:00Z')

const hit = (seq: number, text: string, highlights: [number, number][]): SearchHit => ({
  rank: 0,
  conversation: summary({ id: 'c1', visitorName: 'Anna', lastSeq: 30 }),
  message: { id: `e${seq}`, seq, kind: 'message', author: { kind: 'visitor', id: 'v1' }, at: AT },
  snippet: {
    text,
    highlights: highlights.map(([start, end]) => ({ start, end })),
    cutStart: false,
    cutEnd: false,
  },
})

let searches: SearchBody[]
let refuse: { code: string; message: string } | undefined
/** When set, the first page is one hit at this seq. */
let deepHit: number | undefined
let client: FakeOperatorClient
let workspace: ParleyWorkspace

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

/** The relay's routes the History area reads, as their replies look. */
async function relay(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const path = String(input)
  if (path === '/v1/admin/sites') return json(200, { sites: [{ id: 'shop', name: 'Shop' }] })
  if (path === '/v1/team') {
    return json(200, {
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
    })
  }
  if (path === '/v1/admin/sites/shop/groups') {
    return json(200, {
      groups: [{ id: 'g1', siteId: 'shop', name: 'Sales', isDefault: true, members: [] }],
    })
  }
  if (path === '/v1/messages/search' && init?.method === 'POST') {
    const body = JSON.parse(String(init.body)) as SearchBody
    searches.push(body)
    if (refuse) return json(400, refuse)
    if (deepHit !== undefined) {
      return json(200, { items: [hit(deepHit, 'заказ', [[0, 5]])], nextCursor: null })
    }
    if (!body.cursor) {
      const items = Array.from({ length: 20 }, (_, i) =>
        hit(30 - i, `Где мой заказ ${30 - i}?`, [[8, 13]]),
      )
      return json(200, { items, nextCursor: 'page-2' })
    }
    return json(200, {
      items: [hit(3, 'Look <img src=x onerror=alert(1)> заказ', [[34, 39]])],
      nextCursor: null,
    })
  }
  return json(404, { code: 'bad_request', message: `no route ${path}` })
}

beforeEach(async () => {
  searches = []
  refuse = undefined
  deepHit = undefined
  location.hash = ''
  client = createFakeOperatorClient()
  client.conversations.set([summary({ id: 'c1', visitorName: 'Anna', lastSeq: 30 })])
  client.history.c1 = Array.from({ length: 30 }, (_, i) =>
    message({ seq: i + 1, text: `message ${i + 1}` }),
  )
  workspace = document.createElement('parley-workspace')
  workspace.client = client
  workspace.api = createRestApi({ fetch: relay as typeof fetch })
  workspace.operator = { id: 'op1', email: 'olga@example.com', name: 'Olga', role: 'operator' }
  document.body.append(workspace)
  await settle(workspace)
})

afterEach(() => {
  workspace.remove()
  location.hash = ''
})

async function openHistory(): Promise<HTMLElement> {
  getByRole(workspace, 'link', { name: 'History' }).click()
  location.hash = '#history'
  dispatchEvent(new HashChangeEvent('hashchange'))
  for (let i = 0; i < 20 && !queryByRole(workspace, 'search'); i++) await settle(workspace)
  return getByRole(workspace, 'search', { name: 'Search the history' })
}

async function search(form: HTMLElement, words: string): Promise<void> {
  typeInto(getByRole<HTMLInputElement>(form, 'searchbox', { name: 'Words to find' }), words)
  getByRole(form, 'button', { name: 'Search' }).click()
  for (let i = 0; i < 5; i++) await settle(workspace)
}

/** The History area's status line (the status bar has one of its own). */
const status = () => {
  const history = workspace.shadowRoot!.querySelector('parley-history')!
  return deepText(getByRole(history, 'status'))
}
const results = () => {
  const list = queryByRole(workspace, 'list', { name: 'Results' })
  return list ? queryAllByRole(list, 'listitem') : []
}

test('History is in the main navigation and searches with the filters chosen', async () => {
  const form = await openHistory()
  expect(getByRole(workspace, 'link', { name: 'History' }).getAttribute('aria-current')).toBe(
    'page',
  )
  const channel = getByRole<HTMLSelectElement>(form, 'combobox', { name: 'Channel' })
  channel.value = 'callback'
  const group = getByRole<HTMLSelectElement>(form, 'combobox', { name: 'Group' })
  expect(queryAllByRole(group, 'option').map(accessibleName)).toEqual(['Any', 'Sales'])
  group.value = 'g1'
  await search(form, 'заказ')
  expect(searches).toEqual([
    { q: 'заказ', channel: 'callback', groupId: 'g1', order: 'rank', limit: 20 },
  ])
})

test('shows each result with the matched words marked, and loads more to the end', async () => {
  const form = await openHistory()
  await search(form, 'заказ')
  expect(results()).toHaveLength(20)
  const first = getByRole(results()[0]!, 'button')
  expect(accessibleName(first)).toMatch(/^Anna .*Где мой заказ 30\?$/)
  expect([...first.querySelectorAll('mark')].map(deepText)).toEqual(['заказ'])
  expect(status()).toBe('20 messages so far; there are more.')
  getByRole(workspace, 'button', { name: 'Load more' }).click()
  for (let i = 0; i < 5; i++) await settle(workspace)
  expect(searches.at(-1)).toMatchObject({ q: 'заказ', cursor: 'page-2' })
  expect(results()).toHaveLength(21)
  // The visitor's text is shown as text: no element is made from it.
  const last = results().at(-1)!
  expect(deepText(last)).toContain('Look <img src=x onerror=alert(1)> заказ')
  expect(last.querySelector('img')).toBeNull()
  expect(status()).toBe('21 messages: the whole history.')
  expect(queryByRole(workspace, 'button', { name: 'Load more' })).toBeNull()
})

test('opening a result opens its conversation with that message in view and marked', async () => {
  const form = await openHistory()
  await search(form, 'заказ')
  getByRole(results()[5]!, 'button').click()
  for (let i = 0; i < 5; i++) await settle(workspace)
  expect(location.hash).toBe('')
  expect(client.calls).toContainEqual(['loadHistory', 'c1'])
  const log = getByRole(workspace, 'log', { name: 'Messages' })
  const marked = queryAllByRole(log, 'article').filter(
    (a) => a.getAttribute('aria-current') === 'true',
  )
  expect(marked).toHaveLength(1)
  expect(deepText(marked[0]!)).toMatch(/message 25$/)
})

test('a result deep in a long conversation pages the history on until the message is shown', async () => {
  // The relay's pages are 20 events here; the message found is the 42nd of 45.
  client.historyPage = 20
  client.history.c1 = Array.from({ length: 45 }, (_, i) =>
    message({ seq: i + 1, text: `message ${i + 1}` }),
  )
  deepHit = 42
  const form = await openHistory()
  await search(form, 'заказ')
  getByRole(results()[0]!, 'button').click()
  for (let i = 0; i < 8; i++) await settle(workspace)
  expect(client.calls.filter((c) => c[0] === 'loadHistory')).toEqual([
    ['loadHistory', 'c1'],
    ['loadHistory', 'c1', 20],
    ['loadHistory', 'c1', 40],
  ])
  const log = getByRole(workspace, 'log', { name: 'Messages' })
  const marked = queryAllByRole(log, 'article').filter(
    (a) => a.getAttribute('aria-current') === 'true',
  )
  expect(marked).toHaveLength(1)
  expect(deepText(marked[0]!)).toMatch(/message 42$/)
})

test('says what the relay answered when a search is refused, and that nothing matched', async () => {
  const form = await openHistory()
  refuse = {
    code: 'search_query_invalid',
    message: 'The search needs one to ten words of letters or digits',
  }
  await search(form, '?!')
  expect(deepText(getByRole(workspace, 'alert'))).toBe(
    'The search needs one to ten words of letters or digits',
  )
  expect(results()).toEqual([])
})

test('cuts a snippet at its ranges, clipping ranges it cannot trust', () => {
  expect(
    snippetParts({
      text: 'abc def ghi',
      highlights: [{ start: 4, end: 7 }],
      cutStart: true,
      cutEnd: false,
    }),
  ).toEqual([
    { text: '…abc ', mark: false },
    { text: 'def', mark: true },
    { text: ' ghi', mark: false },
  ])
  expect(
    snippetParts({
      text: 'abc',
      highlights: [
        { start: 2, end: 99 },
        { start: 0, end: 1 },
      ],
      cutStart: false,
      cutEnd: false,
    }),
  ).toEqual([
    { text: 'ab', mark: false },
    { text: 'c', mark: true },
  ])
})
