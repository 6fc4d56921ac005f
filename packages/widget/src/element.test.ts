import { afterEach, expect, test, vi } from 'vitest'
import './element.ts'
import { queryAllByRole, queryByRole } from '@parley/test-dom'
import { siteConfig } from './fake-client.ts'

afterEach(() => {
  document.body.replaceChildren()
  vi.unstubAllGlobals()
})

test('<parley-widget> shows the launcher from its site config and unmounts when removed', async () => {
  const fetched: string[] = []
  vi.stubGlobal('fetch', async (url: string) => {
    fetched.push(url)
    return new Response(JSON.stringify(siteConfig()))
  })
  const element = document.createElement('parley-widget')
  element.setAttribute('site', 'demo')
  element.setAttribute('host', 'https://relay.example')
  element.setAttribute('locale', 'ru')
  document.body.append(element)
  await vi.waitFor(() =>
    expect(queryByRole(element, 'button', { name: 'Открыть чат' })).not.toBeNull(),
  )
  expect(fetched.sort()).toEqual([
    'https://relay.example/v1/sites/demo/config',
    'https://relay.example/v1/sites/demo/funnel',
    'https://relay.example/v1/sites/demo/presence',
  ])
  element.remove()
  expect(queryAllByRole(element, 'button', { hidden: true })).toEqual([])
})
