import { afterEach, beforeEach, expect, test } from 'vitest'
import type { ParleyConversationList } from './conversation-list.ts'
import { defineConsoleElements } from './elements.ts'
import { deepQueryAll, settle, textOf } from './test/dom.ts'
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

function names(): string[] {
  return deepQueryAll(list, '[role="list"] button').map(textOf)
}

test('an empty queue says that new chats will appear', async () => {
  await settle(list)
  expect(deepQueryAll(list, 'button')).toHaveLength(0)
  expect(textOf(list.shadowRoot)).toContain('No conversations yet')
})

test('conversations arriving on $conversations appear live, named by visitor', async () => {
  client.conversations.set([summary({ id: 'c1', visitorName: 'Anna', lastText: 'Hi there' })])
  await settle(list)
  expect(names()).toHaveLength(1)
  expect(names()[0]).toMatch(/^Anna New .+ Hi there$/)

  client.conversations.set([
    summary({ id: 'c2', visitorId: 'abcdef123456', lastText: 'Is delivery free?' }),
    ...client.conversations.get(),
  ])
  await settle(list)
  expect(names()).toHaveLength(2)
  expect(names()[0]).toMatch(/^Visitor abcdef New .+ Is delivery free\?$/)
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
  const current = deepQueryAll(list, 'button[aria-current="true"]')
  expect(current.map(textOf)[0]).toMatch(/^Anna/)
})

test('clicking a conversation asks to open it', async () => {
  client.conversations.set([summary({ id: 'c1', visitorName: 'Anna' })])
  await settle(list)
  const selected: string[] = []
  list.addEventListener('conversation-select', (event) => {
    selected.push((event as CustomEvent<{ conversationId: string }>).detail.conversationId)
  })
  deepQueryAll<HTMLButtonElement>(list, '[role="list"] button')[0]!.click()
  expect(selected).toEqual(['c1'])
})

test('a removed list stops listening to the store', async () => {
  await settle(list)
  list.remove()
  client.conversations.set([summary({ id: 'c1', visitorName: 'Anna' })])
  expect(client.conversations.lc).toBe(0)
})
