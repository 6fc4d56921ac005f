import { accessibleDescription } from '@parley/test-dom'
import { afterEach, expect, test, vi } from 'vitest'
import { fakeEnvironment, memoryStorage, siteConfig } from './fake-client.ts'
import { mountWith, type WidgetHandle } from './mount-with.tsx'
import { byRoleIn } from './test-widget.ts'

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
  const queries = byRoleIn(root)
  // The omni-button shows once the site config is loaded.
  await vi.waitFor(() => expect(queries.getAllByRole('button')).toHaveLength(1))
  const input = () => queries.textbox<HTMLTextAreaElement>('Message')
  /** Clicks the omni-button and waits for the chat's textbox. */
  const openChat = async () => {
    queries.button('Open chat').click()
    await vi.waitFor(() =>
      expect(queries.queryByRole('textbox', { name: 'Message' })).not.toBeNull(),
    )
  }
  const log = () => queries.getByRole('log', { name: 'Messages' })
  const client = () =>
    vi.waitFor(() => {
      const c = fake.clients[0]
      if (!c) throw new Error('no client yet')
      return c
    })
  return { ...fake, ...queries, handle, root, input, log, client, openChat }
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
  expect(w.button('Open chat').getAttribute('aria-expanded')).toBe('false')
  expect(w.queryByRole('dialog')).toBeNull()
  expect(w.clients).toHaveLength(0)
  expect(w.storage.writes).toEqual([])
})

test('the launcher opens and closes the panel, sets aria-expanded, and connects on first use', async () => {
  const w = await setup()
  const events: string[] = []
  w.handle.on('open', () => events.push('open'))
  w.handle.on('close', () => events.push('close'))
  w.button('Open chat').click()
  await vi.waitFor(() => expect(w.button('Close chat').getAttribute('aria-expanded')).toBe('true'))
  const panel = w.getByRole('dialog', { name: 'Chai & Co' })
  expect(w.log().getAttribute('aria-live')).toBe('polite')
  expect((await w.client()).options).toMatchObject({
    host: 'https://relay.example',
    site: 'demo',
    lang: 'en',
  })
  expect(w.clients[0]!.log[0]).toBe('connect')
  await vi.waitFor(() => expect(panel.textContent).toContain('Connecting…'))

  w.button('Close chat').click()
  await vi.waitFor(() => expect(w.button('Open chat').getAttribute('aria-expanded')).toBe('false'))
  expect(w.queryByRole('dialog')).toBeNull()
  expect(events).toEqual(['open', 'close'])
})

test('opening from the page shows the panel but connects only once the visitor types', async () => {
  const w = await setup()
  w.handle.open()
  await vi.waitFor(() => expect(w.queryByRole('dialog', { name: 'Chai & Co' })).not.toBeNull())
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
  expect(w.log().textContent).toContain('Sending…')
  client.ack()
  await vi.waitFor(() => expect(w.log().textContent).not.toContain('Sending…'))
  expect(w.log().textContent).toContain('Do you have green tea?')
})

test('a failed message is marked as not sent', async () => {
  const w = await setup()
  await w.openChat()
  type(w.input(), 'x'.repeat(10))
  w.button('Send').click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.log).toContain('send xxxxxxxxxx'))
  client.fail()
  await vi.waitFor(() => expect(w.log().textContent).toContain('xxxxxxxxxxNot sent'))
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
  w.button('Open chat').click()
  ;(await w.client()).reply('<img src=x onerror="alert(1)"><b>hi</b>')
  await vi.waitFor(() =>
    expect(w.log().textContent).toContain('<img src=x onerror="alert(1)"><b>hi</b>'),
  )
  // No element was made from the text.
  expect(w.log().querySelector('img, b')).toBeNull()
})

test('URLs become safe links and javascript: stays text', async () => {
  const w = await setup()
  w.button('Open chat').click()
  ;(await w.client()).reply('See https://shop.example/tea or javascript:alert(1)')
  await vi.waitFor(() => expect(byRoleIn(w.log()).queryAllByRole('link')).toHaveLength(1))
  const link = byRoleIn(w.log()).getByRole('link', { name: 'https://shop.example/tea' })
  expect(link.getAttribute('href')).toBe('https://shop.example/tea')
  expect(link.getAttribute('target')).toBe('_blank')
  expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow')
  expect(w.log().textContent).toContain('javascript:alert(1)')
})

test('URLs with userinfo or bidi controls inside show as text, not links', async () => {
  const w = await setup()
  w.button('Open chat').click()
  const text =
    'Pay at https://bank.example@evil.example/pay or https://shop.example/\u202Egpj.exe now'
  ;(await w.client()).reply(text)
  await vi.waitFor(() => expect(w.log().textContent).toContain(text))
  expect(byRoleIn(w.log()).queryAllByRole('link')).toEqual([])
})

test('operator name, unread badge and message events', async () => {
  const w = await setup({ storage: memoryStorage({ 'parley:demo:token': 't' }) })
  const messages: string[] = []
  w.handle.on('message', ({ message }) => messages.push(message.text))
  const client = await w.client()
  client.$unread.set(2)
  client.reply('Hello!')
  await vi.waitFor(() => expect(accessibleDescription(w.button('Open chat'))).toBe('2 unread'))
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
  w.button('Open chat').click()
  // The assigned operator is named above the messages (the reply in the log is by Anna too).
  const aboveLog = () =>
    w.getByRole('dialog', { name: 'Chai & Co' }).textContent!.replace(w.log().textContent!, '')
  await vi.waitFor(() => expect(aboveLog()).toContain('Anna'))
  expect(client.log).toContain('read')
  expect(accessibleDescription(w.button('Close chat'))).toBe('')
})

test('Russian strings come from the locale option', async () => {
  const w = await setup({ locale: 'ru' })
  w.button('Открыть чат').click()
  await vi.waitFor(() => expect(w.queryByRole('button', { name: 'Закрыть чат' })).not.toBeNull())
  expect(w.textbox('Сообщение').tagName).toBe('TEXTAREA')
  expect(w.button('Отправить')).toBeDefined()
})

test('Escape closes the panel', async () => {
  const w = await setup()
  w.button('Open chat').click()
  await vi.waitFor(() => expect(w.queryByRole('dialog')).not.toBeNull())
  w.input().dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
  await vi.waitFor(() => expect(w.queryByRole('dialog')).toBeNull())
})

test('destroy unmounts the UI and destroys the client', async () => {
  const w = await setup()
  w.button('Open chat').click()
  const client = await w.client()
  w.handle.destroy()
  expect(w.queryAllByRole('button', { hidden: true })).toEqual([])
  expect(client.log).toContain('destroy')
})

test("an operator's invitation opens the chat with their message first, and the reply names it", async () => {
  const w = await setup({ storage: memoryStorage({ 'parley:demo:token': 't' }) })
  const client = await w.client()
  expect(w.queryByRole('textbox', { name: 'Message' })).toBeNull()
  client.invite({
    t: 'invitation',
    id: 'i_1',
    message: 'Can I help you choose a size?',
    operator: { name: 'Sam', position: 'Team lead' },
  })
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name: 'Message' })).not.toBeNull())
  expect(w.log().textContent).toContain('Sam, Team lead')
  expect(w.log().textContent).toContain('Can I help you choose a size?')
  // The panel opened by itself: the page keeps the focus.
  expect(w.root.activeElement).toBeNull()
  type(w.input(), 'Yes, a 38')
  pressEnter(w.input())
  await vi.waitFor(() => expect(client.sendOptions).toEqual([{ scenarioId: 'i_1' }]))
})
