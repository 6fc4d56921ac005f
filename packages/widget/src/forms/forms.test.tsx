import { afterEach, expect, test, vi } from 'vitest'
import { memoryStorage, siteConfig } from '../fake-client.ts'
import { cleanup, mountWidget, typeInto } from '../test-widget.ts'

afterEach(cleanup)

async function callbackForm(locale: 'en' | 'ru' = 'en') {
  const w = await mountWidget(siteConfig({ channels: { chat: true, callback: true } }), { locale })
  await w.handle.open('callback')
  await vi.waitFor(() => expect(w.$('form.form')).not.toBeNull())
  const submit = () => w.$<HTMLButtonElement>('button.submit')!
  const consent = () => w.$<HTMLInputElement>('input[type="checkbox"]')!
  return { ...w, submit, consent }
}

test('the callback form cannot be sent until consent is ticked, and the consent links the agreement', async () => {
  const w = await callbackForm()
  expect(w.submit().disabled).toBe(true)
  const label = w.root.querySelector(`label[for="${w.consent().id}"]`)!
  expect(label.textContent).toBe(
    'I agree to the processing of my personal data under the user agreement',
  )
  expect(label.querySelector('a')!.getAttribute('href')).toBe(
    'https://relay.example/v1/sites/demo/agreement?lang=en',
  )
  w.consent().click()
  await vi.waitFor(() => expect(w.submit().disabled).toBe(false))
  expect(w.submit().textContent).toBe('Request a call')
})

test('field errors appear next to the fields, tied with aria-describedby and aria-invalid', async () => {
  const w = await callbackForm()
  w.consent().click()
  typeInto(w.field('Phone')!, '12')
  await vi.waitFor(() => expect(w.submit().disabled).toBe(false))
  w.submit().click()
  await vi.waitFor(() => expect(w.field('Name')!.getAttribute('aria-invalid')).toBe('true'))
  const name = w.field('Name')!
  const phone = w.field('Phone')!
  expect(w.root.getElementById(name.getAttribute('aria-describedby')!)!.textContent).toBe(
    'Please fill in this field',
  )
  expect(w.root.getElementById(phone.getAttribute('aria-describedby')!)!.textContent).toBe(
    'Enter a phone number, e.g. +7 916 123-45-67',
  )
  expect(w.root.activeElement).toBe(name)
  expect(w.clients[0]?.calls ?? []).toHaveLength(0)
})

test('Russian messages for the same field codes', async () => {
  const w = await callbackForm('ru')
  w.consent().click()
  await vi.waitFor(() => expect(w.submit().disabled).toBe(false))
  expect(w.submit().textContent).toBe('Заказать звонок')
  w.submit().click()
  await vi.waitFor(() =>
    expect(w.all('.error').map((e) => e.textContent)).toEqual([
      'Заполните это поле',
      'Заполните это поле',
    ]),
  )
})

test('a valid callback is sent normalised with the agreement version, then confirmed, and a lead event fires', async () => {
  const w = await callbackForm()
  const leads: string[] = []
  w.handle.on('lead', ({ kind, conversationId }) => leads.push(`${kind} ${conversationId}`))
  typeInto(w.field('Name')!, ' Anna ')
  typeInto(w.field('Phone')!, '+7 (916) 123-45-67')
  w.consent().click()
  await vi.waitFor(() => expect(w.submit().disabled).toBe(false))
  w.submit().click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  expect(client.calls[0]).toMatchObject({
    method: 'submitCallback',
    args: [{ name: 'Anna', phone: '+79161234567', when: 'asap', consent: { version: 'v1' } }],
  })
  expect(w.submit().textContent).toBe('Sending…')
  client.settle()
  await vi.waitFor(() =>
    expect(w.$('[role="status"]')?.textContent).toBe('Thank you! We will call you back soon.'),
  )
  expect(leads).toEqual(['callback lead-1'])
  expect(w.control('Close')).toBeDefined()
})

test("the relay's field codes show the same messages next to the fields", async () => {
  const w = await callbackForm()
  typeInto(w.field('Name')!, 'Anna')
  typeInto(w.field('Phone')!, '+79161234567')
  w.consent().click()
  await vi.waitFor(() => expect(w.submit().disabled).toBe(false))
  w.submit().click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  client.settle(
    Object.assign(new Error('bad'), {
      code: 'field_invalid',
      fields: [{ field: 'phone', code: 'phone_invalid' }],
    }),
  )
  await vi.waitFor(() => expect(w.field('Phone')!.getAttribute('aria-invalid')).toBe('true'))
  expect(w.$('.error')!.textContent).toBe('Enter a phone number, e.g. +7 916 123-45-67')
})

test('a stale agreement version unticks consent, reloads the config and asks again', async () => {
  const w = await callbackForm()
  typeInto(w.field('Name')!, 'Anna')
  typeInto(w.field('Phone')!, '+79161234567')
  w.consent().click()
  await vi.waitFor(() => expect(w.submit().disabled).toBe(false))
  w.submit().click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  const configFetches = () => w.fetched.filter((url) => url.endsWith('/config')).length
  expect(configFetches()).toBe(1)
  client.settle(Object.assign(new Error('stale'), { code: 'consent_required' }))
  await vi.waitFor(() =>
    expect(w.$('[role="alert"]')?.textContent).toBe(
      'The user agreement has changed. Please read it and agree again.',
    ),
  )
  expect(w.consent().checked).toBe(false)
  expect(w.submit().disabled).toBe(true)
  await vi.waitFor(() => expect(configFetches()).toBe(2))
})

test('nobody available: the chat is replaced by the offline form, which sends a lead', async () => {
  const w = await mountWidget(siteConfig(), { presence: { operatorsOnline: 0, available: false } })
  await vi.waitFor(() => expect(w.fetched).toHaveLength(2))
  w.launcher().click()
  await vi.waitFor(() => expect(w.field('Message')).not.toBeNull())
  expect(w.panel().getAttribute('aria-label')).toBe('Leave a message')
  expect(w.$('textarea.input')).toBeNull()
  typeInto(w.field('Name')!, 'Anna')
  typeInto(w.field('Message')!, 'Do you ship to Kazan?')
  w.$<HTMLInputElement>('input[type="checkbox"]')!.click()
  await vi.waitFor(() => expect(w.$<HTMLButtonElement>('button.submit')!.disabled).toBe(false))
  w.$<HTMLButtonElement>('button.submit')!.click()
  await vi.waitFor(() =>
    expect(w.$('.error')?.textContent).toBe('Enter an email or a phone number'),
  )
  typeInto(w.field('Email')!, 'anna@example.com')
  w.$<HTMLButtonElement>('button.submit')!.click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  expect(client.calls[0]).toMatchObject({
    method: 'submitOffline',
    args: [{ name: 'Anna', email: 'anna@example.com', text: 'Do you ship to Kazan?' }],
  })
})

test('when the last operator leaves an open chat, the visitor is told and the draft moves to the offline form', async () => {
  const w = await mountWidget(siteConfig())
  w.launcher().click()
  await vi.waitFor(() => expect(w.$('textarea.input')).not.toBeNull())
  typeInto(w.$<HTMLTextAreaElement>('textarea.input')!, 'Is the sencha fresh?')
  const client = await w.client()
  client.$available.set(true)
  client.$available.set(false)
  await vi.waitFor(() => expect(w.field<HTMLTextAreaElement>('Message')).not.toBeNull())
  expect(w.$('.notice[role="status"]')!.textContent).toBe(
    'Our operators have just left. Leave a message and we will get back to you.',
  )
  expect(w.field<HTMLTextAreaElement>('Message')!.value).toBe('Is the sencha fresh?')
})

test('the pre-chat form comes before the first message when the site asks for it', async () => {
  const w = await mountWidget(siteConfig({ prechat: { enabled: true, fields: ['name', 'email'] } }))
  w.launcher().click()
  await vi.waitFor(() => expect(w.field('Email')).not.toBeNull())
  expect(w.$('textarea.input')).toBeNull()
  typeInto(w.field('Name')!, 'Anna')
  typeInto(w.field('Email')!, 'anna@example.com')
  w.$<HTMLInputElement>('input[type="checkbox"]')!.click()
  await vi.waitFor(() => expect(w.control('Start chat')?.hasAttribute('disabled')).toBe(false))
  w.control('Start chat')!.click()
  const client = await w.client()
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  expect(client.calls[0]).toMatchObject({
    method: 'submitPrechat',
    args: [{ name: 'Anna', email: 'anna@example.com', consent: { version: 'v1' } }],
  })
  client.settle()
  await vi.waitFor(() => expect(w.$('textarea.input')).not.toBeNull())
  expect(w.storage.getItem('parley:demo:prechat')).toBe('1')
})

/** Opens the chat with one exchange, then the operator closes it: the relay's system event. */
async function closedChat(locale: 'en' | 'ru' = 'en') {
  const w = await mountWidget(siteConfig(), { locale })
  w.launcher().click()
  const client = await w.client()
  client.reply('Glad to help!')
  const system = (id: string, text: string) => ({
    key: id,
    id,
    kind: 'system' as const,
    author: { kind: 'system' as const },
    text,
    at: 0,
    status: 'sent' as const,
  })
  client.$messages.set([
    ...client.$messages.get(),
    system('e-closed', 'Conversation closed by Anna'),
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
  await vi.waitFor(() => expect(w.$('.closed')).not.toBeNull())
  /** The relay's answer to a rating: the summary and the "Rated n/5" event. */
  const rated = (n: number) => {
    client.$messages.set([...client.$messages.get(), system('e-rated', `Rated ${n}/5`)])
    client.$conversation.set({ ...client.$conversation.get()!, rating: n })
  }
  return { ...w, client, rated }
}

test('a closed conversation asks for a rating: five buttons "Rate n of 5"', async () => {
  const w = await closedChat()
  await vi.waitFor(() => expect(w.$('fieldset.rating')).not.toBeNull())
  expect(w.$('legend')!.textContent).toBe('Rate the conversation')
  expect(w.all('.star').map((b) => b.getAttribute('aria-label'))).toEqual([
    'Rate 1 of 5',
    'Rate 2 of 5',
    'Rate 3 of 5',
    'Rate 4 of 5',
    'Rate 5 of 5',
  ])
  w.control('Rate 4 of 5')!.click()
  await vi.waitFor(() => expect(w.client.calls).toHaveLength(1))
  expect(w.client.calls[0]).toMatchObject({ method: 'rate', args: ['conv', 4] })
  w.rated(4)
  w.client.settle()
  await vi.waitFor(() => expect(w.$('fieldset.rating')).toBeNull())
  // The pressed star is gone: focus moves on to the button, not to the page.
  await vi.waitFor(() => expect(w.root.activeElement).toBe(w.control('Start a new conversation')))
})

test("closing and rating read once each: the relay's events stay in the log, the widget adds no notice", async () => {
  const w = await closedChat()
  await vi.waitFor(() => expect(w.$('fieldset.rating')).not.toBeNull())
  w.rated(4)
  await vi.waitFor(() => expect(w.$('fieldset.rating')).toBeNull())
  const log = w.$('[role="log"]')!
  expect([...log.querySelectorAll('.msg--system')].map((m) => m.textContent)).toEqual([
    'Conversation closed by Anna',
    'Rated 4/5',
  ])
  const outsideLog = w.panel().textContent!.replace(log.textContent!, '')
  expect(outsideLog).not.toMatch(/closed|rated/i)
  expect(w.$('.closed [role="status"]')).toBeNull()
})

test('a closed conversation takes no more messages until the visitor starts a new one', async () => {
  const w = await closedChat()
  expect(w.$('textarea.input')).toBeNull()
  expect(w.control('Send')).toBeUndefined()
  const restart = w.control('Start a new conversation')!
  expect(restart.tagName).toBe('BUTTON')
  expect(restart.type).toBe('button')
  restart.click()
  await vi.waitFor(() => expect(w.$('textarea.input')).not.toBeNull())
  const input = w.$<HTMLTextAreaElement>('textarea.input')!
  expect(w.root.activeElement).toBe(input)
  expect(w.control('Start a new conversation')).toBeUndefined()
  expect(w.$('fieldset.rating')).toBeNull()
  typeInto(input, 'One more question')
  w.control('Send')!.click()
  await vi.waitFor(() => expect(w.client.log).toContain('send One more question'))
  // Until the relay answers with the new conversation, the closed one is still current.
  expect(w.$('textarea.input')).not.toBeNull()
})

test('a closed conversation is followed by its own button once more, in Russian too', async () => {
  const w = await closedChat('ru')
  w.control('Начать новый диалог')!.click()
  await vi.waitFor(() => expect(w.$('textarea.input')).not.toBeNull())
  // A later conversation closed by the operator gets its rating and button again.
  w.client.$conversation.set({ ...w.client.$conversation.get()!, id: 'conv-2' })
  await vi.waitFor(() => expect(w.$('textarea.input')).toBeNull())
  expect(w.control('Начать новый диалог')).toBeDefined()
})

test('the callback and offline forms show no chat status in the header; the chat does', async () => {
  const w = await mountWidget(siteConfig({ channels: { chat: true, callback: true } }), {
    storage: memoryStorage({ 'parley:demo:token': 't' }),
  })
  const client = await w.client()
  client.$status.set('connected')
  client.$operatorsOnline.set(1)
  await w.handle.open('callback')
  await vi.waitFor(() => expect(w.$('form.form')).not.toBeNull())
  expect(w.$('.header')!.textContent).toBe('Request a call back')
  await w.handle.open()
  await vi.waitFor(() => expect(w.$('.header .status')?.textContent).toBe('Online'))
  client.$available.set(true)
  client.$available.set(false)
  await vi.waitFor(() => expect(w.field('Message')).not.toBeNull())
  expect(w.$('.header')!.textContent).toBe('Leave a message')
})
