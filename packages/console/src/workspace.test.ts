import type { OperatorProfile } from '@parley/protocol'
import { deepText, getByRole, queryByRole } from '@parley/test-dom'
import { afterEach, expect, test, vi } from 'vitest'
import { defineConsoleElements } from './elements.ts'
import { createRestApi } from './rest-api.ts'
import { settle } from './test/dom.ts'
import { createFakeOperatorClient } from './test/fake-operator-client.ts'
import type { ParleyWorkspace } from './workspace.ts'

defineConsoleElements()

let workspace: ParleyWorkspace | undefined
afterEach(() => {
  workspace?.remove()
  location.hash = ''
})

const person = (role: OperatorProfile['role']): OperatorProfile => ({
  id: 'u1',
  email: 'u1@example.com',
  name: 'Sam',
  role,
})

async function open(role: OperatorProfile['role']) {
  workspace = document.createElement('parley-workspace')
  workspace.client = createFakeOperatorClient()
  workspace.operator = person(role)
  workspace.api = createRestApi({
    fetch: (async () =>
      new Response(JSON.stringify({ code: 'forbidden', message: 'Not allowed' }), {
        status: 403,
        headers: { 'content-type': 'application/json' },
      })) as typeof fetch,
  })
  document.body.append(workspace)
  await settle(workspace)
  return workspace
}

const nav = (w: ParleyWorkspace) =>
  getByRole(w.shadowRoot!.querySelector('parley-status-bar')!.shadowRoot!, 'navigation', {
    name: 'Main',
  })

test('the Analytics area is in the main navigation for supervisors and admins only', async () => {
  for (const role of ['supervisor', 'admin'] as const) {
    const w = await open(role)
    expect(queryByRole(nav(w), 'link', { name: 'Analytics' }), role).not.toBeNull()
    w.remove()
  }
  const w = await open('operator')
  expect(queryByRole(nav(w), 'link', { name: 'Analytics' })).toBeNull()
  location.hash = '#analytics'
  dispatchEvent(new HashChangeEvent('hashchange'))
  await settle(w)
  expect(deepText(w.shadowRoot!)).toContain('Analytics are for supervisors and admins.')
})

test('#analytics loads its chunk and opens the tab named in the address', async () => {
  const w = await open('supervisor')
  location.hash = '#analytics/monitoring'
  dispatchEvent(new HashChangeEvent('hashchange'))
  // The chunk is a dynamic import: how long it takes to load is the machine's, not a timer's.
  await vi.waitFor(
    async () => {
      await settle(w)
      expect(w.shadowRoot!.querySelector('parley-analytics')).not.toBeNull()
    },
    { timeout: 10_000, interval: 20 },
  )
  const analytics = w.shadowRoot!.querySelector('parley-analytics')!
  expect(analytics.tab).toBe('monitoring')
  await settle(analytics)
  expect(getByRole(nav(w), 'link', { name: 'Analytics' }).getAttribute('aria-current')).toBe('page')
  expect(
    getByRole(analytics.shadowRoot!, 'link', { name: 'Monitoring' }).getAttribute('aria-current'),
  ).toBe('page')
  // The relay refused (this fake refuses everything): its message, as an alert.
  expect(deepText(getByRole(analytics.shadowRoot!, 'alert'))).toBe('Not allowed')
})
