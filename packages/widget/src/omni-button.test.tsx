import { afterEach, expect, test, vi } from 'vitest'
import { siteConfig } from './fake-client.ts'
import { cleanup, mountWidget, press } from './test-widget.ts'

afterEach(cleanup)

const channels = { chat: true, callback: true, telegram: 'chai_bot', vk: 'chaico', viber: 'chaico' }

test('with several channels the button expands into them, and messenger links gain the start parameter once connected', async () => {
  const w = await mountWidget(siteConfig({ channels }))
  expect(w.launcher().getAttribute('aria-label')).toBe('Contact us')
  expect(w.launcher().getAttribute('aria-expanded')).toBe('false')
  expect(w.$('.menu')).toBeNull()
  w.launcher().click()
  await vi.waitFor(() => expect(w.launcher().getAttribute('aria-expanded')).toBe('true'))
  const menu = w.$('ul.menu')!
  expect(menu.getAttribute('aria-label')).toBe('Ways to contact us')
  expect(w.launcher().getAttribute('aria-controls')).toBe(menu.id)
  expect(w.all('.channel').map((el) => `${el.tagName} ${el.textContent}`)).toEqual([
    'BUTTON Online chat',
    'BUTTON Request a call back',
    'A Telegram',
    'A VK',
    'A Viber',
  ])
  expect(w.control<HTMLAnchorElement>('Telegram')!.getAttribute('href')).toBe(
    'https://t.me/chai_bot',
  )
  const client = await w.client()
  client.$startParam.set('dmlzaXRvcg.sig')
  await vi.waitFor(() =>
    expect(w.control<HTMLAnchorElement>('Telegram')!.getAttribute('href')).toBe(
      'https://t.me/chai_bot?start=dmlzaXRvcg.sig',
    ),
  )
  expect(w.control<HTMLAnchorElement>('VK')!.getAttribute('href')).toBe(
    'https://vk.me/chaico?ref=dmlzaXRvcg.sig',
  )
  expect(w.control<HTMLAnchorElement>('Viber')!.getAttribute('href')).toBe(
    'viber://pa?chatURI=chaico&context=dmlzaXRvcg.sig',
  )
})

test('Escape collapses the channel list and returns focus to the button', async () => {
  const w = await mountWidget(siteConfig({ channels }))
  w.launcher().click()
  await vi.waitFor(() => expect(w.control('Online chat')).toBeDefined())
  w.control('Online chat')!.focus()
  press(w.control('Online chat')!, 'Escape')
  await vi.waitFor(() => expect(w.$('.menu')).toBeNull())
  expect(w.launcher().getAttribute('aria-expanded')).toBe('false')
  expect(w.root.activeElement).toBe(w.launcher())
})

test('choosing a channel opens the panel on it; the button then closes the panel', async () => {
  const w = await mountWidget(siteConfig({ channels }))
  const opened: string[] = []
  w.handle.on('open', ({ view }) => opened.push(view))
  w.launcher().click()
  await vi.waitFor(() => expect(w.control('Request a call back')).toBeDefined())
  w.control('Request a call back')!.click()
  await vi.waitFor(() => expect(w.panel().hidden).toBe(false))
  expect(w.panel().getAttribute('aria-label')).toBe('Request a call back')
  expect(w.$('.menu')).toBeNull()
  expect(w.launcher().getAttribute('aria-label')).toBe('Close chat')
  expect(w.launcher().getAttribute('aria-controls')).toBe(w.panel().id)
  expect(opened).toEqual(['callback'])
  w.launcher().click()
  await vi.waitFor(() => expect(w.panel().hidden).toBe(true))
})

test('with only the chat enabled the button opens the chat directly', async () => {
  const w = await mountWidget(siteConfig({ channels: { chat: true, callback: false } }))
  expect(w.launcher().getAttribute('aria-label')).toBe('Open chat')
  w.launcher().click()
  await vi.waitFor(() => expect(w.panel().hidden).toBe(false))
  expect(w.$('.menu')).toBeNull()
  expect(w.panel().getAttribute('aria-label')).toBe('Chai & Co')
})

test('position, colour and offsets come from the site config, set through CSSOM', async () => {
  const w = await mountWidget(
    siteConfig({
      button: { label: 'Ask us', position: 'left', offsetX: 40, offsetY: 12, color: '#c00' },
    }),
  )
  const root = w.$('.root')!
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
  expect(w.launcher().getAttribute('aria-label')).toBe('Связаться с нами')
  w.launcher().click()
  await vi.waitFor(() => expect(w.$('.menu')).not.toBeNull())
  expect(w.$('.menu')!.getAttribute('aria-label')).toBe('Способы связи')
  expect(w.all('.channel').map((el) => el.textContent)).toEqual([
    'Онлайн-чат',
    'Заказать обратный звонок',
    'Telegram',
    'ВКонтакте',
    'Viber',
  ])
})
