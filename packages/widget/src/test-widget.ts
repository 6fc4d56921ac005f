import type { SiteConfig } from '@parley/protocol'
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
  const $ = <E extends Element = HTMLElement>(selector: string) => root.querySelector<E>(selector)
  const all = <E extends Element = HTMLElement>(selector: string) =>
    Array.from(root.querySelectorAll<E>(selector))
  await vi.waitFor(() => expect($('.launcher')).not.toBeNull())
  /** A button or link by its accessible name (aria-label or text). */
  const control = <E extends HTMLElement = HTMLButtonElement>(name: string) =>
    all<E>('button, a').find(
      (el) => (el.getAttribute('aria-label') ?? el.textContent?.trim()) === name,
    )
  /** A form field by its label's text. */
  const field = <E extends HTMLElement = HTMLInputElement>(label: string) => {
    const l = all('label').find((el) => el.textContent?.trim() === label)
    return l ? (root.getElementById(l.getAttribute('for') ?? '') as E | null) : null
  }
  const client = () =>
    vi.waitFor(() => {
      const c = fake.clients[0]
      if (!c) throw new Error('no client yet')
      return c
    })
  return {
    ...fake,
    handle,
    root,
    $,
    all,
    control,
    field,
    client,
    launcher: () => $<HTMLButtonElement>('button.launcher')!,
    panel: () => $<HTMLElement>('[role="dialog"]')!,
  }
}

/** Types into a field as a visitor would (value + input event). */
export function typeInto(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  el.value = text
  el.dispatchEvent(new Event('input', { bubbles: true }))
}

export function tick(el: HTMLInputElement): void {
  el.click()
}

export function press(el: Element, key: string): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
}
