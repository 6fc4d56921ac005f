import { afterEach, expect, test, vi } from 'vitest'
import { fakeEnvironment, memoryStorage, siteConfig } from './fake-client.ts'
import { mountWith, type WidgetHandle } from './mount-with.tsx'

const mounted: WidgetHandle[] = []

afterEach(() => {
  for (const handle of mounted.splice(0)) handle.destroy()
  document.body.replaceChildren()
})

async function setup(
  options: { locale?: 'ru' | 'en'; storage?: ReturnType<typeof memoryStorage> } = {},
  config = siteConfig(),
) {
  const fake = fakeEnvironment(config, options.storage)
  const host = document.createElement('div')
  document.body.append(host)
  const handle = mountWith(
    host,
    { site: 'demo', host: 'https://relay.example/', locale: options.locale },
    fake.env,
  )
  mounted.push(handle)
  const root = host.shadowRoot!
  const $ = <E extends Element = HTMLElement>(selector: string) => root.querySelector<E>(selector)
  await vi.waitFor(() => expect($('.launcher')).not.toBeNull())
  const launcher = () => $<HTMLButtonElement>('button.launcher')!
  const panel = () => $<HTMLElement>('[role="dialog"]')!
  const input = () => $<HTMLTextAreaElement>('textarea')!
  /** Clicks the omni-button and waits for the chat's textbox. */
  const openChat = async () => {
    launcher().click()
    await vi.waitFor(() => expect($('textarea')).not.toBeNull())
  }
  const log = () => $<HTMLElement>('[role="log"]')!
  const client = () =>
    vi.waitFor(() => {
      const c = fake.clients[0]
      if (!c) throw new Error('no client yet')
      return c
    })
  return { ...fake, handle, root, $, launcher, panel, input, log, client, openChat }
}

function type(input: HTMLTextAreaElement, text: string) {
  input.value = text
  input.dispatchEvent(new Event('input', { bubbles: true }))
}

function pressEnter(input: HTMLTextAreaElement, shiftKey = false) {
  input.dispatchEvent(
    new KeyboardEvent('keydown', { key: 'Enter', shiftKey, bubbles: true, cancelable: true }),
  )
}

test('the launcher shows from the site config alone, with nothing stored and no client', async () => {
  const w = await setup()
  await vi.waitFor(() => expect(w.fetched).toHaveLength(2))
  expect(w.fetched).toEqual([
    'https://relay.example/v1/sites/demo/config',
    'https://relay.example/v1/sites/demo/presence',
  ])
  expect(w.launcher().getAttribute('aria-label')).toBe('Open chat')
  expect(w.launcher().getAttribute('aria-expanded')).toBe('false')
  expect(w.panel().hidden).toBe(true)
  expect(w.clients).toHaveLength(0)
  expect(w.storage.writes).toEqual([])
})

test('the launcher opens and closes the panel, sets aria-expanded, and connects on first use', async () => {
  const w = await setup()
  const events: string[] = []
  w.handle.on('open', () => events.push('open'))
  w.handle.on('close', () => events.push('close'))
  w.launcher().click()
  await vi.waitFor(() => expect(w.launcher().getAttribute('aria-expanded')).toBe('true'))
  expect(w.launcher().getAttribute('aria-label')).toBe('Close chat')
  expect(w.panel().hidden).toBe(false)
  expect(w.panel().getAttribute('aria-label')).toBe('Chai & Co')
  expect(w.log().getAttribute('aria-live')).toBe('polite')
  expect((await w.client()).options).toMatchObject({
    host: 'https://relay.example',
    site: 'demo',
    lang: 'en',
  })
  expect(w.clients[0]!.log[0]).toBe('connect')
  await vi.waitFor(() => expect(w.panel().textContent).toContain('Connecting…'))

  w.launcher().click()
  await vi.waitFor(() => expect(w.launcher().getAttribute('aria-expanded')).toBe('false'))
  expect(w.launcher().getAttribute('aria-label')).toBe('Open chat')
  expect(w.panel().hidden).toBe(true)
  expect(events).toEqual(['open', 'close'])
})

test('opening from the page shows the panel but connects only once the visitor types', async () => {
  const w = await setup()
  w.handle.open()
  await vi.waitFor(() => expect(w.panel().hidden).toBe(false))
  // Opening would have started loading the client as it opened the panel: it did not.
  expect(w.clientLoads.count).toBe(0)
  expect(w.clients).toHaveLength(0)
  type(w.input(), 'h')
  await w.client()
  expect(w.clientLoads.count).toBe(1)
})

test('opening from a page button the visitor clicked connects at once', async () => {
  const w = await setup()
  w.gesture.active = true
  w.handle.open()
  await w.client()
})

test('allowStorage connects without any interaction', async () => {
  const w = await setup()
  w.handle.allowStorage()
  expect((await w.client()).log).toEqual(['connect'])
})

test('a returning visitor (token in storage) is connected on load', async () => {
  const w = await setup({ storage: memoryStorage({ 'parley:demo:token': 't' }) })
  await w.client()
})

test("storage 'always' connects on load", async () => {
  const w = await setup({}, siteConfig({ storage: 'always' }))
  await w.client()
})

test('a message typed and sent with Enter appears as pending, then as sent', async () => {
  const w = await setup()
  await w.openChat()
  type(w.input(), 'Do you have green tea?')
  pressEnter(w.input())
  expect(w.input().value).toBe('')
  const client = await w.client()
  await vi.waitFor(() => expect(client.log).toContain('send Do you have green tea?'))
  await vi.waitFor(() => expect(w.log().textContent).toContain('Do you have green tea?'))
  const own = () => w.$('.msg--visitor')!
  expect(own().dataset.status).toBe('pending')
  expect(own().textContent).toContain('Sending…')
  client.ack()
  await vi.waitFor(() => expect(own().dataset.status).toBe('sent'))
  expect(own().textContent).not.toContain('Sending…')
})

test('a failed message is marked as not sent', async () => {
  const w = await setup()
  await w.openChat()
  type(w.input(), 'x'.repeat(10))
  w.$<HTMLButtonElement>('button.send')!.click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.log).toContain('send xxxxxxxxxx'))
  client.fail()
  await vi.waitFor(() => expect(w.$('.msg--visitor')!.textContent).toContain('Not sent'))
})

test('Shift+Enter does not send, and blank text is never sent', async () => {
  const w = await setup()
  await w.openChat()
  type(w.input(), 'line one')
  pressEnter(w.input(), true)
  // Sending empties the textbox.
  expect(w.input().value).toBe('line one')
  type(w.input(), '   ')
  pressEnter(w.input())
  // A real message afterwards: sends reach the client in order, so any earlier one
  // would be logged before it.
  type(w.input(), 'line two')
  pressEnter(w.input())
  const client = await w.client()
  await vi.waitFor(() => expect(client.log).toContain('send line two'))
  expect(client.log.filter((l) => l.startsWith('send'))).toEqual(['send line two'])
})

test('operator text with markup renders as text, never as HTML', async () => {
  const w = await setup()
  w.launcher().click()
  ;(await w.client()).reply('<img src=x onerror="alert(1)"><b>hi</b>')
  await vi.waitFor(() =>
    expect(w.log().textContent).toContain('<img src=x onerror="alert(1)"><b>hi</b>'),
  )
  expect(w.log().querySelector('img, b')).toBeNull()
})

test('URLs become safe links and javascript: stays text', async () => {
  const w = await setup()
  w.launcher().click()
  ;(await w.client()).reply('See https://shop.example/tea or javascript:alert(1)')
  await vi.waitFor(() => expect(w.log().querySelectorAll('a')).toHaveLength(1))
  const link = w.log().querySelector('a')!
  expect(link.getAttribute('href')).toBe('https://shop.example/tea')
  expect(link.getAttribute('target')).toBe('_blank')
  expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow')
  expect(w.log().textContent).toContain('javascript:alert(1)')
})

test('URLs with userinfo or bidi controls inside show as text, not links', async () => {
  const w = await setup()
  w.launcher().click()
  const text =
    'Pay at https://bank.example@evil.example/pay or https://shop.example/\u202Egpj.exe now'
  ;(await w.client()).reply(text)
  await vi.waitFor(() => expect(w.log().textContent).toContain(text))
  expect(w.log().querySelectorAll('a')).toHaveLength(0)
})

test('operator name, unread badge and message events', async () => {
  const w = await setup({ storage: memoryStorage({ 'parley:demo:token': 't' }) })
  const messages: string[] = []
  w.handle.on('message', ({ message }) => messages.push(message.text))
  const client = await w.client()
  client.$unread.set(2)
  client.reply('Hello!')
  await vi.waitFor(() => expect(w.$('.badge')?.textContent).toContain('2'))
  expect(messages).toEqual(['Hello!'])
  client.$status.set('connected')
  client.$conversation.set({
    id: 'conv',
    siteId: 'demo',
    visitorId: 'v',
    status: 'open',
    lastSeq: 1,
    createdAt: 0,
    updatedAt: 0,
    operator: { id: 'o', name: 'Anna' },
  })
  w.launcher().click()
  await vi.waitFor(() => expect(w.$('.operator')?.textContent).toBe('Anna'))
  expect(client.log).toContain('read')
  await vi.waitFor(() => expect(w.$('.badge')).toBeNull())
})

test('Russian strings come from the locale option', async () => {
  const w = await setup({ locale: 'ru' })
  expect(w.launcher().getAttribute('aria-label')).toBe('Открыть чат')
  w.launcher().click()
  await vi.waitFor(() => expect(w.launcher().getAttribute('aria-label')).toBe('Закрыть чат'))
  expect(w.input().getAttribute('aria-label')).toBe('Сообщение')
  expect(w.$('button.send')!.textContent).toBe('Отправить')
})

test('Escape closes the panel', async () => {
  const w = await setup()
  w.launcher().click()
  await vi.waitFor(() => expect(w.panel().hidden).toBe(false))
  w.input().dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
  await vi.waitFor(() => expect(w.panel().hidden).toBe(true))
})

test('destroy unmounts the UI and destroys the client', async () => {
  const w = await setup()
  w.launcher().click()
  const client = await w.client()
  w.handle.destroy()
  expect(w.root.querySelector('.launcher')).toBeNull()
  expect(client.log).toContain('destroy')
})
