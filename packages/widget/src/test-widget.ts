import type { SiteConfig } from '@parley/protocol'
import {
  getAllByRole,
  getByRole,
  queryAllByRole,
  queryByRole,
  type Role,
  type RoleOptions,
} from '@parley/test-dom'
import { expect, vi } from 'vitest'
import { fakeEnvironment, memoryStorage } from './fake-client.ts'
import { mountWith, type WidgetHandle } from './mount-with.tsx'

/** Mounted widgets of the current test; `cleanup()` destroys them. */
const mounted: WidgetHandle[] = []

export function cleanup(): void {
  for (const handle of mounted.splice(0)) handle.destroy()
  document.body.replaceChildren()
}

/** Mounts the widget with a fake environment and returns handles to query it by role and name. */
export async function mountWidget(
  config: SiteConfig,
  options: {
    locale?: 'ru' | 'en'
    storage?: ReturnType<typeof memoryStorage>
    presence?: { operatorsOnline: number; available: boolean }
  } = {},
) {
  const fake = fakeEnvironment(
    config,
    options.storage ?? memoryStorage(),
    'en-US',
    options.presence,
  )
  const host = document.createElement('div')
  document.body.append(host)
  const handle = mountWith(
    host,
    { site: 'demo', host: 'https://relay.example', locale: options.locale },
    fake.env,
  )
  mounted.push(handle)
  const root = host.shadowRoot!
  const queries = byRoleIn(root)
  // The omni-button shows once the site config is loaded.
  await vi.waitFor(() => expect(queries.getAllByRole('button')).toHaveLength(1))
  const client = () =>
    vi.waitFor(() => {
      const c = fake.clients[0]
      if (!c) throw new Error('no client yet')
      return c
    })
  return { ...fake, ...queries, handle, root, client }
}

/**
 * Role queries bound to a root, as a person finds things: `getByRole` and friends,
 * `button(name)`, `textbox(name)` and `checkbox(name)`.
 */
export function byRoleIn(root: ShadowRoot | Element) {
  return {
    getByRole: <E extends HTMLElement = HTMLElement>(role: Role, options?: RoleOptions) =>
      getByRole<E>(root, role, options),
    queryByRole: <E extends HTMLElement = HTMLElement>(role: Role, options?: RoleOptions) =>
      queryByRole<E>(root, role, options),
    getAllByRole: <E extends HTMLElement = HTMLElement>(role: Role, options?: RoleOptions) =>
      getAllByRole<E>(root, role, options),
    queryAllByRole: <E extends HTMLElement = HTMLElement>(role: Role, options?: RoleOptions) =>
      queryAllByRole<E>(root, role, options),
    button: (name: string | RegExp) => getByRole<HTMLButtonElement>(root, 'button', { name }),
    textbox: <E extends HTMLElement = HTMLInputElement>(name: string | RegExp) =>
      getByRole<E>(root, 'textbox', { name }),
    checkbox: (name: string | RegExp) => getByRole<HTMLInputElement>(root, 'checkbox', { name }),
  }
}

/** Types into a field as a visitor would (value + input event). */
export function typeInto(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  el.value = text
  el.dispatchEvent(new Event('input', { bubbles: true }))
}

export function press(el: Element, key: string): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
}
