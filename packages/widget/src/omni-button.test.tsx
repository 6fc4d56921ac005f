import { accessibleName, queryByRole, roleOf } from '@parley/test-dom'
import { afterEach, expect, test, vi } from 'vitest'
import { siteConfig } from './fake-client.ts'
import { byRoleIn, cleanup, mountWidget, press } from './test-widget.ts'

afterEach(cleanup)

const channels = { chat: true, callback: true, telegram: 'chai_bot', vk: 'chaico', viber: 'chaico' }

/** Each entry of a list as `role name`: the button or link it holds. */
function entries(list: HTMLElement): string[] {
  return byRoleIn(list)
    .getAllByRole('listitem')
    .map((item) => {
      const control = queryByRole(item, 'button') ?? queryByRole(item, 'link')
      return control ? `${roleOf(control)} ${accessibleName(control)}` : ''
    })
}

test('with several channels the button expands into them, and messenger links gain the start parameter once connected', async () => {
  const w = await mountWidget(siteConfig({ channels }))
  const launcher = w.button('Contact us')
  expect(launcher.getAttribute('aria-expanded')).toBe('false')
  expect(w.queryByRole('list', { name: 'Ways to contact us' })).toBeNull()
  launcher.click()
  await vi.waitFor(() => expect(launcher.getAttribute('aria-expanded')).toBe('true'))
  const menu = w.getByRole('list', { name: 'Ways to contact us' })
  expect(launcher.getAttribute('aria-controls')).toBe(menu.id)
  expect(entries(menu)).toEqual([
    'button Online chat',
    'button Request a call back',
    'link Telegram',
    'link VK',
    'link Viber',
  ])
  const link = (name: string) => w.getByRole('link', { name }).getAttribute('href')
  expect(link('Telegram')).toBe('https://t.me/chai_bot')
  const client = await w.client()
  client.$startParam.set('dmlzaXRvcg.sig')
  await vi.waitFor(() =>
    expect(link('Telegram')).toBe('https://t.me/chai_bot?start=dmlzaXRvcg.sig'),
  )
  expect(link('VK')).toBe('https://vk.me/chaico?ref=dmlzaXRvcg.sig')
  expect(link('Viber')).toBe('viber://pa?chatURI=chaico&context=dmlzaXRvcg.sig')
})

test('Escape collapses the channel list and returns focus to the button', async () => {
  const w = await mountWidget(siteConfig({ channels }))
  w.button('Contact us').click()
  await vi.waitFor(() => expect(w.queryByRole('button', { name: 'Online chat' })).not.toBeNull())
  w.button('Online chat').focus()
  press(w.button('Online chat'), 'Escape')
  await vi.waitFor(() => expect(w.queryByRole('list', { name: 'Ways to contact us' })).toBeNull())
  expect(w.button('Contact us').getAttribute('aria-expanded')).toBe('false')
  expect(w.root.activeElement).toBe(w.button('Contact us'))
})

test('choosing a channel opens the panel on it; the button then closes the panel', async () => {
  const w = await mountWidget(siteConfig({ channels }))
  const opened: string[] = []
  w.handle.on('open', ({ view }) => opened.push(view))
  w.button('Contact us').click()
  await vi.waitFor(() =>
    expect(w.queryByRole('button', { name: 'Request a call back' })).not.toBeNull(),
  )
  w.button('Request a call back').click()
  await vi.waitFor(() =>
    expect(w.queryByRole('dialog', { name: 'Request a call back' })).not.toBeNull(),
  )
  expect(w.queryByRole('list', { name: 'Ways to contact us' })).toBeNull()
  const launcher = w.button('Close chat')
  expect(launcher.getAttribute('aria-controls')).toBe(w.getByRole('dialog').id)
  expect(opened).toEqual(['callback'])
  launcher.click()
  await vi.waitFor(() => expect(w.queryByRole('dialog')).toBeNull())
})

test('with only the chat enabled the button opens the chat directly', async () => {
  const w = await mountWidget(siteConfig({ channels: { chat: true, callback: false } }))
  w.button('Open chat').click()
  await vi.waitFor(() => expect(w.queryByRole('dialog', { name: 'Chai & Co' })).not.toBeNull())
  expect(w.queryByRole('list')).toBeNull()
})

test('position, colour and offsets come from the site config, set through CSSOM', async () => {
  const w = await mountWidget(
    siteConfig({
      button: { label: 'Ask us', position: 'left', offsetX: 40, offsetY: 12, color: '#c00' },
    }),
  )
  // Layout is not in the accessibility tree: the element that places the button, found from it.
  const root = w.button('Open chat').closest<HTMLElement>('.root')!
  expect(root.classList.contains('root--left')).toBe(true)
  expect(root.style.getPropertyValue('--parley-config-button')).toBe('#c00')
  expect(root.style.getPropertyValue('--parley-x')).toBe('40px')
  expect(root.style.getPropertyValue('--parley-y')).toBe('12px')
})

test('Russian names of the button and the channels', async () => {
  const w = await mountWidget(
    siteConfig({ channels, button: { ...siteConfig().button, label: '' } }),
    {
      locale: 'ru',
    },
  )
  w.button('Связаться с нами').click()
  await vi.waitFor(() => expect(w.queryByRole('list', { name: 'Способы связи' })).not.toBeNull())
  expect(entries(w.getByRole('list', { name: 'Способы связи' }))).toEqual([
    'button Онлайн-чат',
    'button Заказать обратный звонок',
    'link Telegram',
    'link ВКонтакте',
    'link Viber',
  ])
})
