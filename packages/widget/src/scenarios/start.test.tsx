import type { Scenario, SiteConfig } from '@parley/protocol'
import { createEngine, type Engine, type EngineOptions } from '@parley/scenarios'
import { afterEach, expect, onTestFinished, test, vi } from 'vitest'
import { fakeEnvironment, memoryStorage, siteConfig } from '../fake-client.ts'
import { mountWith, type WidgetHandle } from '../mount-with.tsx'
import { byRoleIn } from '../test-widget.ts'
import { startScenarios } from './start.tsx'

const mounted: WidgetHandle[] = []

afterEach(() => {
  for (const handle of mounted.splice(0)) handle.destroy()
  document.body.replaceChildren()
  history.replaceState(null, '', '/')
  vi.restoreAllMocks()
})

function scenario(patch: Partial<Scenario> = {}): Scenario {
  return {
    id: 'gift',
    siteId: 'demo',
    name: 'Gift',
    enabled: true,
    priority: 0,
    where: { include: [], exclude: [] },
    conditions: { all: [] },
    action: {
      type: 'bubble',
      message: 'Looking for a gift?',
      operator: { name: 'Olga', position: 'Tea sommelier' },
    },
    rules: { oncePerSession: true },
    routing: { group: 'sales' },
    ...patch,
  }
}

/** Mounts the widget with scenarios run by the real engine; records what it does. */
async function setup(config: SiteConfig, storage = memoryStorage()) {
  const fake = fakeEnvironment(config, storage)
  const posted: { url: string; body: unknown; keepalive?: boolean }[] = []
  const updates: Parameters<Engine['update']>[0][] = []
  const engines: Engine[] = []
  const loadScenarios = vi.fn(
    async () => (controller: Parameters<typeof startScenarios>[0]) =>
      startScenarios(controller, {
        window,
        storage,
        createEngine(options: EngineOptions) {
          const engine = createEngine(options)
          engines.push(engine)
          return {
            ...engine,
            update(facts) {
              updates.push(facts)
              engine.update(facts)
            },
          }
        },
        fetch: async (input, init) => {
          posted.push({
            url: String(input),
            body: JSON.parse(String(init?.body)),
            ...(init?.keepalive ? { keepalive: true } : {}),
          })
          return new Response('{}')
        },
      }),
  )
  fake.env.loadScenarios = loadScenarios
  const host = document.createElement('div')
  document.body.append(host)
  const handle = mountWith(host, { site: 'demo', host: 'https://relay.example' }, fake.env)
  mounted.push(handle)
  const root = host.shadowRoot!
  const queries = byRoleIn(root)
  // The omni-button shows once the site config is loaded.
  await vi.waitFor(() =>
    expect(queries.queryByRole('button', { name: 'Open chat' })).not.toBeNull(),
  )
  const bubble = () => queries.queryByRole('dialog', { name: 'Invitation' })
  return { ...fake, ...queries, handle, root, bubble, posted, updates, engines, loadScenarios }
}

const withScenarios = (...scenarios: Scenario[]) => siteConfig({ scenarios })

test('the scenarios chunk is not loaded when the site has no enabled scenario', async () => {
  for (const config of [siteConfig(), withScenarios(scenario({ enabled: false }))]) {
    const w = await setup(config)
    // The omni-button is drawn after the config was applied, and the chunk is asked for then.
    expect(w.button('Open chat')).toBeDefined()
    expect(w.loadScenarios).not.toHaveBeenCalled()
  }
})

test('a single-page app navigation re-evaluates at once through pushState and popstate, without polling', async () => {
  // The page's own replaceState, from before the widget wrapped it.
  const replaceUnseen = history.replaceState.bind(history)
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  })
  onTestFinished(() => {
    vi.useRealTimers()
  })
  const w = await setup(
    withScenarios(
      scenario({ where: { include: [{ type: 'prefix', value: '/catalog' }], exclude: [] } }),
    ),
  )
  await vi.waitFor(() => expect(w.engines).toHaveLength(1))
  expect(w.bubble()).toBeNull()
  const before = w.updates.length
  history.pushState(null, '', '/catalog/teas')
  expect(w.updates.slice(before).map((u) => u.page?.path)).toEqual(['/catalog/teas'])
  await vi.waitFor(() => expect(w.bubble()).not.toBeNull())
  w.button('Dismiss invitation').click()
  const afterPush = w.updates.length
  history.replaceState(null, '', '/contacts')
  window.dispatchEvent(new PopStateEvent('popstate'))
  // replaceState and the popstate both report; the second sees the same URL and is ignored.
  expect(w.updates.slice(afterPush).map((u) => u.page?.path)).toEqual(['/contacts'])
  // A URL changed behind the wrappers is found only by polling: a minute later, it was not.
  const settled = w.updates.length
  replaceUnseen(null, '', '/unseen')
  vi.advanceTimersByTime(60_000)
  expect(w.updates.length).toBe(settled)
})

test('the page history methods are restored when the widget is destroyed', async () => {
  const push = history.pushState
  const replace = history.replaceState
  const w = await setup(withScenarios(scenario()))
  await vi.waitFor(() => expect(history.pushState).not.toBe(push))
  expect(history.replaceState).not.toBe(replace)
  w.handle.destroy()
  expect(history.pushState).toBe(push)
  expect(history.replaceState).toBe(replace)
})

test('exit intent fires only when the pointer leaves through the top edge', async () => {
  vi.spyOn(window, 'matchMedia').mockImplementation(
    (query) => ({ matches: query === '(pointer: fine)' }) as MediaQueryList,
  )
  const w = await setup(withScenarios(scenario({ conditions: { all: [{ type: 'exitIntent' }] } })))
  await vi.waitFor(() => expect(w.engines).toHaveLength(1))
  const leave = (clientY: number) =>
    document.dispatchEvent(new MouseEvent('mouseout', { clientY, relatedTarget: null }))
  // The engine hears of an exit intent in the mouseout itself.
  const exits = () => w.updates.filter((facts) => facts.exitIntent).length
  leave(400)
  expect(exits()).toBe(0)
  expect(w.bubble()).toBeNull()
  leave(-2)
  expect(exits()).toBe(1)
  await vi.waitFor(() => expect(w.bubble()).not.toBeNull())
})

test('nothing is stored before consent: impressions go over HTTP; the visit history is written once storage is allowed', async () => {
  const storage = memoryStorage()
  const w = await setup(withScenarios(scenario()), storage)
  await vi.waitFor(() => expect(w.bubble()).not.toBeNull())
  expect(storage.writes).toEqual([])
  expect(w.clients).toHaveLength(0)
  expect(w.posted).toEqual([
    {
      url: 'https://relay.example/v1/sites/demo/engage',
      body: {
        scenarioId: 'gift',
        event: 'impression',
        page: location.href,
        session: expect.any(String),
      },
      keepalive: true,
    },
  ])
  await w.handle.allowStorage()
  await vi.waitFor(() => expect(storage.writes).toContain('parley:demo:visits'))
  const saved = JSON.parse(storage.getItem('parley:demo:visits')!)
  expect(saved.history.scenarios.gift.shown).toHaveLength(1)
  expect(saved.session.pages).toBe(1)
})

test('the invitation bubble is dismissed with its close button, reported through the client', async () => {
  const w = await setup(withScenarios(scenario()), memoryStorage({ 'parley:demo:token': 't' }))
  const client = await vi.waitFor(() => w.clients[0]!)
  await vi.waitFor(() => expect(w.bubble()).not.toBeNull())
  expect(w.bubble()!.textContent).toContain('Looking for a gift?')
  expect(w.bubble()!.textContent).toContain('Olga, Tea sommelier')
  w.button('Dismiss invitation').click()
  await vi.waitFor(() => expect(w.bubble()).toBeNull())
  expect(client.engaged.map((e) => e.event)).toEqual(['impression', 'dismiss'])
  expect(w.posted).toEqual([])
})

test('replying to the bubble opens the chat with the invitation, and the first message carries the scenario', async () => {
  const w = await setup(withScenarios(scenario()), memoryStorage({ 'parley:demo:token': 't' }))
  const client = await vi.waitFor(() => w.clients[0]!)
  await vi.waitFor(() => expect(w.bubble()).not.toBeNull())
  w.button('Reply').click()
  await vi.waitFor(() => expect(w.queryByRole('dialog', { name: 'Chai & Co' })).not.toBeNull())
  expect(w.bubble()).toBeNull()
  expect(w.getByRole('log', { name: 'Messages' }).textContent).toContain('Looking for a gift?')
  expect(client.engaged.map((e) => e.event)).toEqual(['impression', 'click'])
  const input = w.textbox<HTMLTextAreaElement>('Message')
  input.value = 'Yes, for my mother'
  input.dispatchEvent(new Event('input', { bubbles: true }))
  w.button('Send').click()
  await vi.waitFor(() => expect(client.sendOptions).toHaveLength(1))
  expect(client.sendOptions[0]).toEqual({ scenarioId: 'gift' })
})

test('a custom event from Parley("track") reaches the engine, also when fired before the chunk loaded', async () => {
  const w = await setup(
    withScenarios(
      scenario({ conditions: { all: [{ type: 'customEvent', name: 'added-to-cart' }] } }),
    ),
  )
  await w.handle.track('early')
  await vi.waitFor(() => expect(w.engines).toHaveLength(1))
  expect(w.bubble()).toBeNull()
  await w.handle.track('added-to-cart')
  await vi.waitFor(() => expect(w.bubble()).not.toBeNull())
})

test('a pulse marks the omni-button until the visitor opens the chat, which counts as a click', async () => {
  const w = await setup(withScenarios(scenario({ action: { type: 'pulse' } })))
  // The pulse is decorative: not in the accessibility tree, found by its marker.
  const pulse = () => w.root.querySelector('[data-pulse]')
  await vi.waitFor(() => expect(pulse()).not.toBeNull())
  w.button('Open chat').click()
  await vi.waitFor(() => expect(pulse()).toBeNull())
  expect(w.posted.map((p) => (p.body as { event: string }).event)).toEqual(['impression', 'click'])
})
