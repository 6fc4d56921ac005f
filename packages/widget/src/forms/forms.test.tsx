import type { SiteConfig } from '@parley/protocol'
import { accessibleDescription, accessibleName, queryAllByRole } from '@parley/test-dom'
import { afterEach, expect, test, vi } from 'vitest'
import { memoryStorage, siteConfig } from '../fake-client.ts'
import { byRoleIn, cleanup, mountWidget, typeInto } from '../test-widget.ts'

afterEach(cleanup)

const CONSENT = 'I agree to the processing of my personal data under the user agreement'
const CONSENT_RU =
  'Я даю согласие на обработку моих персональных данных на условиях пользовательского соглашения'
/** What the header says of the connection, in English. */
const CHAT_STATUS = /Connecting…|Reconnecting…|Online|We will reply as soon as we can|Disconnected/

async function callbackForm(locale: 'en' | 'ru' = 'en', site: Partial<SiteConfig> = {}) {
  const config = siteConfig({ channels: { chat: true, callback: true }, ...site })
  const w = await mountWidget(config, { locale })
  await w.handle.open('callback')
  const [title, name] =
    locale === 'ru' ? ['Заказать обратный звонок', 'Имя'] : ['Request a call back', 'Name']
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name })).not.toBeNull())
  const dialog = byRoleIn(w.getByRole('dialog', { name: title }))
  return { ...w, ...dialog }
}

test('the callback form cannot be sent until consent is ticked, and the consent links the agreement', async () => {
  const w = await callbackForm()
  expect(w.button('Request a call').disabled).toBe(true)
  const consent = w.checkbox(CONSENT)
  const agreement = w.getByRole('link', { name: 'user agreement' })
  expect(agreement.closest('label')?.htmlFor).toBe(consent.id)
  expect(agreement.getAttribute('href')).toBe(
    'https://relay.example/v1/sites/demo/agreement?lang=en',
  )
  consent.click()
  await vi.waitFor(() => expect(w.button('Request a call').disabled).toBe(false))
})

test('field errors appear next to the fields, tied with aria-describedby and aria-invalid', async () => {
  const w = await callbackForm()
  w.checkbox(CONSENT).click()
  typeInto(w.textbox('Phone'), '12')
  await vi.waitFor(() => expect(w.button('Request a call').disabled).toBe(false))
  w.button('Request a call').click()
  await vi.waitFor(() => expect(w.textbox('Name').getAttribute('aria-invalid')).toBe('true'))
  expect(accessibleDescription(w.textbox('Name'))).toBe('Please fill in this field')
  expect(accessibleDescription(w.textbox('Phone'))).toBe(
    'Enter a phone number, e.g. +7 916 123-45-67',
  )
  expect(w.root.activeElement).toBe(w.textbox('Name'))
  expect(w.clients[0]?.calls ?? []).toHaveLength(0)
})

const phones: ['en' | 'ru', string | null, string, string | null][] = [
  ['en', 'RU', '8 916 123-45-67', '+79161234567'],
  ['en', 'KZ', '8 701 123 45 67', '+77011234567'],
  ['ru', 'US', '(212) 555-0123', '+12125550123'],
  ['en', 'CA', '416 555 0199', '+14165550199'],
  ['ru', null, '8 916 123-45-67', null],
  ['en', 'GB', '020 7946 0958', null],
]
for (const [locale, country, typed, sent] of phones) {
  test(`on a${locale === 'en' ? 'n English' : ' Russian'} page of a site whose default country is ${country}, "${typed}" is ${sent ? `sent as ${sent}` : 'refused'}`, async () => {
    const w = await callbackForm(locale, { defaultCountry: country })
    const [name, phone, consent, submit] =
      locale === 'ru'
        ? ['Имя', 'Телефон', CONSENT_RU, 'Заказать звонок']
        : ['Name', 'Phone', CONSENT, 'Request a call']
    typeInto(w.textbox(name), 'Anna')
    typeInto(w.textbox(phone), typed)
    w.checkbox(consent).click()
    await vi.waitFor(() => expect(w.button(submit).disabled).toBe(false))
    w.button(submit).click()
    if (sent) {
      const client = await w.client()
      await vi.waitFor(() => expect(client.calls).toHaveLength(1))
      expect(client.calls[0]).toMatchObject({ method: 'submitCallback', args: [{ phone: sent }] })
    } else {
      await vi.waitFor(() => expect(w.textbox(phone).getAttribute('aria-invalid')).toBe('true'))
      expect(accessibleDescription(w.textbox(phone))).toBe(
        locale === 'ru'
          ? 'Введите номер телефона, например +7 916 123-45-67'
          : 'Enter a phone number, e.g. +7 916 123-45-67',
      )
      expect(w.clients[0]?.calls ?? []).toHaveLength(0)
    }
  })
}

test('Russian messages for the same field codes', async () => {
  const w = await callbackForm('ru')
  w.checkbox(CONSENT_RU).click()
  await vi.waitFor(() => expect(w.button('Заказать звонок').disabled).toBe(false))
  w.button('Заказать звонок').click()
  await vi.waitFor(() =>
    expect([w.textbox('Имя'), w.textbox('Телефон')].map(accessibleDescription)).toEqual([
      'Заполните это поле',
      'Заполните это поле',
    ]),
  )
})

test('a valid callback is sent normalised with the agreement version, then confirmed, and a lead event fires', async () => {
  const w = await callbackForm()
  const leads: string[] = []
  w.handle.on('lead', ({ kind, conversationId }) => leads.push(`${kind} ${conversationId}`))
  typeInto(w.textbox('Name'), ' Anna ')
  typeInto(w.textbox('Phone'), '+7 (916) 123-45-67')
  w.checkbox(CONSENT).click()
  await vi.waitFor(() => expect(w.button('Request a call').disabled).toBe(false))
  w.button('Request a call').click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  expect(client.calls[0]).toMatchObject({
    method: 'submitCallback',
    args: [{ name: 'Anna', phone: '+79161234567', when: 'asap', consent: { version: 'v1' } }],
  })
  expect(w.button('Sending…')).toBeDefined()
  client.settle()
  await vi.waitFor(() =>
    expect(w.queryByRole('status')?.textContent).toBe('Thank you! We will call you back soon.'),
  )
  expect(leads).toEqual(['callback lead-1'])
  expect(w.button('Close')).toBeDefined()
})

test("the relay's field codes show the same messages next to the fields", async () => {
  const w = await callbackForm()
  typeInto(w.textbox('Name'), 'Anna')
  typeInto(w.textbox('Phone'), '+79161234567')
  w.checkbox(CONSENT).click()
  await vi.waitFor(() => expect(w.button('Request a call').disabled).toBe(false))
  w.button('Request a call').click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  client.settle(
    Object.assign(new Error('bad'), {
      code: 'field_invalid',
      fields: [{ field: 'phone', code: 'phone_invalid' }],
    }),
  )
  await vi.waitFor(() => expect(w.textbox('Phone').getAttribute('aria-invalid')).toBe('true'))
  expect(accessibleDescription(w.textbox('Phone'))).toBe(
    'Enter a phone number, e.g. +7 916 123-45-67',
  )
  expect(accessibleDescription(w.textbox('Name'))).toBe('')
})

test('a stale agreement version unticks consent, reloads the config and asks again', async () => {
  const w = await callbackForm()
  typeInto(w.textbox('Name'), 'Anna')
  typeInto(w.textbox('Phone'), '+79161234567')
  w.checkbox(CONSENT).click()
  await vi.waitFor(() => expect(w.button('Request a call').disabled).toBe(false))
  w.button('Request a call').click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  const configFetches = () => w.fetched.filter((url) => url.endsWith('/config')).length
  expect(configFetches()).toBe(1)
  client.settle(Object.assign(new Error('stale'), { code: 'consent_required' }))
  await vi.waitFor(() =>
    expect(w.queryByRole('alert')?.textContent).toBe(
      'The user agreement has changed. Please read it and agree again.',
    ),
  )
  expect(w.checkbox(CONSENT).checked).toBe(false)
  expect(w.button('Request a call').disabled).toBe(true)
  await vi.waitFor(() => expect(configFetches()).toBe(2))
})

test('nobody available: the chat is replaced by the offline form, which sends a lead', async () => {
  const w = await mountWidget(siteConfig(), { presence: { operatorsOnline: 0, available: false } })
  await vi.waitFor(() => expect(w.fetched).toHaveLength(2))
  w.button('Open chat').click()
  await vi.waitFor(() =>
    expect(w.queryByRole('dialog', { name: 'Leave a message' })).not.toBeNull(),
  )
  const form = byRoleIn(w.getByRole('dialog', { name: 'Leave a message' }))
  await vi.waitFor(() => expect(form.queryByRole('textbox', { name: 'Message' })).not.toBeNull())
  // No chat composer: its Send button is not there.
  expect(form.queryByRole('button', { name: 'Send' })).toBeNull()
  typeInto(form.textbox('Name'), 'Anna')
  typeInto(form.textbox<HTMLTextAreaElement>('Message'), 'Do you ship to Kazan?')
  form.checkbox(CONSENT).click()
  await vi.waitFor(() => expect(form.button('Send message').disabled).toBe(false))
  form.button('Send message').click()
  await vi.waitFor(() =>
    expect(accessibleDescription(form.textbox('Email'))).toBe('Enter an email or a phone number'),
  )
  typeInto(form.textbox('Email'), 'anna@example.com')
  form.button('Send message').click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  expect(client.calls[0]).toMatchObject({
    method: 'submitOffline',
    args: [{ name: 'Anna', email: 'anna@example.com', text: 'Do you ship to Kazan?' }],
  })
})

test('when the last operator leaves an open chat, the visitor is told and the draft moves to the offline form', async () => {
  const w = await mountWidget(siteConfig())
  w.button('Open chat').click()
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name: 'Message' })).not.toBeNull())
  typeInto(w.textbox<HTMLTextAreaElement>('Message'), 'Is the sencha fresh?')
  const client = await w.client()
  client.$available.set(true)
  client.$available.set(false)
  await vi.waitFor(() => expect(w.queryByRole('button', { name: 'Send message' })).not.toBeNull())
  const form = byRoleIn(w.getByRole('dialog', { name: 'Leave a message' }))
  expect(form.getByRole('status').textContent).toBe(
    'Our operators have just left. Leave a message and we will get back to you.',
  )
  expect(form.textbox<HTMLTextAreaElement>('Message').value).toBe('Is the sencha fresh?')
})

test('the pre-chat form comes before the first message when the site asks for it', async () => {
  const w = await mountWidget(siteConfig({ prechat: { enabled: true, fields: ['name', 'email'] } }))
  w.button('Open chat').click()
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name: 'Email' })).not.toBeNull())
  expect(w.queryByRole('textbox', { name: 'Message' })).toBeNull()
  typeInto(w.textbox('Name'), 'Anna')
  typeInto(w.textbox('Email'), 'anna@example.com')
  w.checkbox(CONSENT).click()
  await vi.waitFor(() => expect(w.button('Start chat').disabled).toBe(false))
  w.button('Start chat').click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  expect(client.calls[0]).toMatchObject({
    method: 'submitPrechat',
    args: [{ name: 'Anna', email: 'anna@example.com', consent: { version: 'v1' } }],
  })
  client.settle()
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name: 'Message' })).not.toBeNull())
  expect(w.button('Send')).toBeDefined()
  expect(w.storage.getItem('parley:demo:prechat')).toBe('1')
})

/** Opens the chat with one exchange, then the operator closes it: the relay's system event. */
async function closedChat(locale: 'en' | 'ru' = 'en') {
  const w = await mountWidget(siteConfig(), { locale })
  w.button(locale === 'ru' ? 'Открыть чат' : 'Open chat').click()
  const client = await w.client()
  client.reply('Glad to help!')
  const system = (id: string, data: Record<string, string>) => ({
    key: id,
    id,
    kind: 'system' as const,
    author: { kind: 'system' as const },
    text: '',
    data,
    at: 0,
    status: 'sent' as const,
  })
  client.$messages.set([
    ...client.$messages.get(),
    system('e-closed', { type: 'closed', operatorId: 'op_anna', operator: 'Anna' }),
  ])
  client.$conversation.set({
    id: 'conv',
    siteId: 'demo',
    visitorId: 'v',
    status: 'closed',
    lastSeq: 2,
    createdAt: 0,
    updatedAt: 0,
  })
  const restart = locale === 'ru' ? 'Начать новый диалог' : 'Start a new conversation'
  await vi.waitFor(() => expect(w.queryByRole('button', { name: restart })).not.toBeNull())
  /** The relay's answer to a rating: the summary and the `rated` event. */
  const rated = (n: number) => {
    client.$messages.set([
      ...client.$messages.get(),
      system('e-rated', { type: 'rated', rating: String(n) }),
    ])
    client.$conversation.set({ ...client.$conversation.get()!, rating: n })
  }
  const rating = () => w.queryByRole('group', { name: 'Rate the conversation' })
  return { ...w, client, rated, rating }
}

test('a closed conversation asks for a rating: five buttons "Rate n of 5"', async () => {
  const w = await closedChat()
  await vi.waitFor(() => expect(w.rating()).not.toBeNull())
  expect(byRoleIn(w.rating()!).getAllByRole('button').map(accessibleName)).toEqual([
    'Rate 1 of 5',
    'Rate 2 of 5',
    'Rate 3 of 5',
    'Rate 4 of 5',
    'Rate 5 of 5',
  ])
  w.button('Rate 4 of 5').click()
  await vi.waitFor(() => expect(w.client.calls).toHaveLength(1))
  expect(w.client.calls[0]).toMatchObject({ method: 'rate', args: ['conv', 4] })
  w.rated(4)
  w.client.settle()
  await vi.waitFor(() => expect(w.rating()).toBeNull())
  // The pressed star is gone: focus moves on to the button, not to the page.
  await vi.waitFor(() => expect(w.root.activeElement).toBe(w.button('Start a new conversation')))
})

test("closing and rating read once each: the relay's events stay in the log, the widget adds no notice", async () => {
  const w = await closedChat()
  await vi.waitFor(() => expect(w.rating()).not.toBeNull())
  w.rated(4)
  await vi.waitFor(() => expect(w.rating()).toBeNull())
  const panel = w.getByRole('dialog', { name: 'Chai & Co' })
  const log = w.getByRole('log', { name: 'Messages' })
  const count = (text: string, where: Element) => where.textContent!.split(text).length - 1
  expect([
    count('Anna closed the conversation', log),
    count('You rated the conversation: 4/5', log),
  ]).toEqual([1, 1])
  const outsideLog = panel.textContent!.replace(log.textContent!, '')
  expect(outsideLog).not.toMatch(/closed|rated/i)
  // The one live region is the queue notice's, kept in place and silent.
  expect(w.queryAllByRole('status').map((status) => status.textContent)).toEqual([''])
})

test('a closed conversation takes no more messages until the visitor starts a new one', async () => {
  const w = await closedChat()
  expect(w.queryByRole('textbox', { name: 'Message' })).toBeNull()
  expect(w.queryByRole('button', { name: 'Send' })).toBeNull()
  const restart = w.button('Start a new conversation')
  expect(restart.type).toBe('button')
  restart.click()
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name: 'Message' })).not.toBeNull())
  const input = w.textbox<HTMLTextAreaElement>('Message')
  expect(w.root.activeElement).toBe(input)
  expect(w.queryByRole('button', { name: 'Start a new conversation' })).toBeNull()
  expect(w.rating()).toBeNull()
  typeInto(input, 'One more question')
  w.button('Send').click()
  await vi.waitFor(() => expect(w.client.log).toContain('send One more question'))
  // Until the relay answers with the new conversation, the closed one is still current.
  expect(w.queryByRole('textbox', { name: 'Message' })).not.toBeNull()
})

test('after a callback request and a closed chat, "Start a new conversation" sends without naming either and shows the new chat', async () => {
  const w = await closedChat()
  // The visitor had also asked for a call back.
  await w.handle.open('callback')
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name: 'Name' })).not.toBeNull())
  typeInto(w.textbox('Name'), 'Anna')
  typeInto(w.textbox('Phone'), '+79161234567')
  w.checkbox(CONSENT).click()
  await vi.waitFor(() => expect(w.button('Request a call').disabled).toBe(false))
  w.button('Request a call').click()
  await vi.waitFor(() => expect(w.client.calls).toHaveLength(1))
  w.client.settle()
  await vi.waitFor(() => expect(w.queryByRole('button', { name: 'Close' })).not.toBeNull())
  await w.handle.open()

  w.button('Start a new conversation').click()
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name: 'Message' })).not.toBeNull())
  typeInto(w.textbox<HTMLTextAreaElement>('Message'), 'One more question')
  w.button('Send').click()
  await vi.waitFor(() => expect(w.client.log).toContain('send One more question'))
  // The widget names no conversation (nor a scenario): the client sends it as a new chat.
  expect(w.client.sendOptions).toEqual([{}])

  // The relay opened a new chat: the client's current conversation and messages are its.
  const own = w.client.$messages.get().at(-1)!
  w.client.$conversation.set({
    id: 'chat-2',
    siteId: 'demo',
    visitorId: 'v',
    status: 'open',
    lastSeq: 2,
    createdAt: 0,
    updatedAt: 0,
  })
  w.client.$messages.set([
    { ...own, status: 'sent', seq: 1, conversationId: 'chat-2' },
    {
      key: 'e-2',
      id: 'e-2',
      seq: 2,
      conversationId: 'chat-2',
      author: { kind: 'operator', name: 'Olga' },
      text: 'Ask away',
      at: 0,
      status: 'sent',
    },
  ])
  const log = w.getByRole('log', { name: 'Messages' })
  await vi.waitFor(() => expect(log.textContent).toContain('Ask away'))
  expect(queryAllByRole(log, 'paragraph').map((p) => p.textContent)).toEqual([
    'Hi! How can we help?',
    'One more question',
    'Ask away',
  ])
  expect(w.queryByRole('textbox', { name: 'Message' })).not.toBeNull()
  expect(w.queryByRole('button', { name: 'Start a new conversation' })).toBeNull()
  expect(w.rating()).toBeNull()
})

test('a closed conversation is followed by its own button once more, in Russian too', async () => {
  const w = await closedChat('ru')
  w.button('Начать новый диалог').click()
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name: 'Сообщение' })).not.toBeNull())
  // A later conversation closed by the operator gets its rating and button again.
  w.client.$conversation.set({ ...w.client.$conversation.get()!, id: 'conv-2' })
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name: 'Сообщение' })).toBeNull())
  expect(w.button('Начать новый диалог')).toBeDefined()
})

test('the callback and offline forms show no chat status in the header; the chat does', async () => {
  const w = await mountWidget(siteConfig({ channels: { chat: true, callback: true } }), {
    storage: memoryStorage({ 'parley:demo:token': 't' }),
  })
  const client = await w.client()
  client.$status.set('connected')
  client.$operatorsOnline.set(1)
  await w.handle.open('callback')
  await vi.waitFor(() => expect(w.queryByRole('textbox', { name: 'Name' })).not.toBeNull())
  const callback = w.getByRole('dialog', { name: 'Request a call back' })
  expect(byRoleIn(callback).getByRole('heading', { level: 2 }).textContent).toBe(
    'Request a call back',
  )
  expect(callback.textContent).not.toMatch(CHAT_STATUS)
  await w.handle.open()
  await vi.waitFor(() =>
    expect(w.queryByRole('dialog', { name: 'Chai & Co' })?.textContent).toContain('Online'),
  )
  client.$available.set(true)
  client.$available.set(false)
  await vi.waitFor(() => expect(w.queryByRole('button', { name: 'Send message' })).not.toBeNull())
  expect(w.getByRole('dialog', { name: 'Leave a message' }).textContent).not.toMatch(CHAT_STATUS)
})
