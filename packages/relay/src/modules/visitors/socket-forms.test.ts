import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONSENT, FORM_SITES, MONDAY_NOON_MSK, storedFor, VERSION } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { type Frame, ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
beforeEach(async () => {
  relay = await injectRelay({
    sites: FORM_SITES,
    now: () => MONDAY_NOON_MSK,
    rateLimit: { burst: 1000, perSecond: 1000 },
  })
})
afterEach(async () => {
  await relay.close()
})

const CALLBACK = {
  t: 'callback',
  name: 'Anna',
  phone: '8 (916) 123-45-67',
  when: 'asap',
  consent: CONSENT,
}
const OFFLINE = { t: 'offline', name: 'Anna', email: 'anna@example.com', text: 'Call me later' }
const errorFor = (cid: string) => ofType('error', (f) => f.cid === cid)

describe('callback requests', () => {
  it('names the visitor at once in their open chat when a form gives the name', async () => {
    const { socket: operator } = await relay.operator()
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'Hello?' })
    const { conversationId: chatId } = await socket.next(ofType('ack'))
    const chat = await operator.next(ofType('conversation', (f) => f.conversation.id === chatId))
    expect(chat.conversation.visitorName).toBeUndefined()
    socket.send({ ...CALLBACK, cid: 'cb1' })
    const named = await operator.next(
      ofType('conversation', (f) => f.conversation.id === chatId && f.conversation.visitorName),
    )
    expect(named.conversation).toMatchObject({ visitorName: 'Anna', visitorPhone: '+79161234567' })
  })

  it('opens a callback conversation, acks it and shows it live to operators with its form event', async () => {
    const { socket: operator } = await relay.operator()
    const { socket, welcome } = await relay.visitor()
    socket.send({ ...CALLBACK, cid: 'cb1', comment: 'after lunch' })
    const ack = await socket.next(ofType('ack'))
    expect(ack).toEqual({
      t: 'ack',
      cid: 'cb1',
      id: expect.any(String),
      conversationId: expect.any(String),
      seq: 1,
      at: MONDAY_NOON_MSK,
    })
    const conversation = (await operator.next(ofType('conversation'))).conversation
    expect(conversation).toMatchObject({
      id: ack.conversationId,
      visitorId: welcome.visitorId,
      kind: 'callback',
      status: 'open',
      visitorName: 'Anna',
      visitorPhone: '+79161234567',
      lastText: 'Callback request: Anna, +79161234567, as soon as possible — after lunch',
    })
    expect(await operator.next(ofType('event'))).toMatchObject({
      conversationId: ack.conversationId,
      seq: 1,
      id: ack.id,
      kind: 'form',
      author: { kind: 'visitor', id: welcome.visitorId },
      text: 'Callback request: Anna, +79161234567, as soon as possible — after lunch',
      data: { name: 'Anna', phone: '+79161234567', when: 'asap', comment: 'after lunch' },
    })
  })

  it('stores the consent with the agreement version, time, IP and form in the same step', async () => {
    const { socket, welcome } = await relay.visitor()
    socket.send({ ...CALLBACK, cid: 'cb1' })
    const ack = await socket.next(ofType('ack'))
    const stored = await storedFor(relay, welcome.visitorId)
    expect(stored.consents).toEqual([
      {
        id: expect.any(String),
        siteId: 'shop',
        visitorId: welcome.visitorId,
        agreementVersion: VERSION,
        form: 'callback',
        ip: '127.0.0.1',
        at: MONDAY_NOON_MSK,
        eventId: ack.id,
      },
    ])
    expect(stored.profile).toMatchObject({ name: 'Anna', phone: '+79161234567' })
  })

  it('answers a repeated cid with the same ack and stores one request and one consent', async () => {
    const { socket: operator } = await relay.operator()
    const { socket, welcome } = await relay.visitor()
    socket.send({ ...CALLBACK, cid: 'same' })
    const first = await socket.next(ofType('ack'))
    socket.send({ ...CALLBACK, cid: 'same', name: 'Anna (retry)' })
    expect(await socket.next(ofType('ack'))).toEqual(first)
    await operator.next(ofType('event'))
    await operator.none(ofType('event'))
    const stored = await storedFor(relay, welcome.visitorId)
    expect(stored.conversations).toHaveLength(1)
    expect(stored.consents).toHaveLength(1)
  })

  it('opens a new callback conversation even while a chat is open', async () => {
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'hello' })
    const chat = await socket.next(ofType('ack'))
    socket.send({ ...CALLBACK, cid: 'cb1' })
    const callback = await socket.next(ofType('ack', (f) => f.cid === 'cb1'))
    expect(callback.conversationId).not.toBe(chat.conversationId)
  })

  it('accepts a slot inside working hours and names it in the site time zone', async () => {
    const { socket: operator } = await relay.operator()
    const { socket } = await relay.visitor()
    const slot = Date.parse('2024-01-15T12:00:00Z') // 15:00 in Moscow
    socket.send({ ...CALLBACK, cid: 'cb1', when: slot })
    await socket.next(ofType('ack'))
    expect(await operator.next(ofType('event'))).toMatchObject({
      text: 'Callback request: Anna, +79161234567, Mon 15 Jan, 15:00 (Europe/Moscow)',
      data: { when: String(slot), timeZone: 'Europe/Moscow' },
    })
  })

  const invalid: [string, Frame, { field: string; code: string }[]][] = [
    [
      'an empty name and phone',
      { name: ' ', phone: '' },
      [
        { field: 'name', code: 'required' },
        { field: 'phone', code: 'required' },
      ],
    ],
    ['a phone that is no phone', { phone: '12-34' }, [{ field: 'phone', code: 'phone_invalid' }]],
    [
      'a name over 100 characters',
      { name: 'A'.repeat(101) },
      [{ field: 'name', code: 'too_long' }],
    ],
    [
      'a slot on Saturday',
      { when: Date.parse('2024-01-20T09:00:00Z') },
      [{ field: 'when', code: 'slot_invalid' }],
    ],
    [
      'a slot in the past',
      { when: Date.parse('2024-01-15T06:00:00Z') },
      [{ field: 'when', code: 'slot_invalid' }],
    ],
    [
      'a comment over 1000 characters',
      { comment: 'x'.repeat(1001) },
      [{ field: 'comment', code: 'too_long' }],
    ],
  ]
  for (const [name, patch, fields] of invalid) {
    it(`refuses ${name} with field_invalid naming the fields, and stores nothing`, async () => {
      const { socket: operator } = await relay.operator()
      const { socket, welcome } = await relay.visitor()
      socket.send({ ...CALLBACK, cid: 'bad', ...patch })
      expect(await socket.next(errorFor('bad'))).toMatchObject({ code: 'field_invalid', fields })
      await operator.none(ofType('conversation'))
      expect(await storedFor(relay, welcome.visitorId)).toEqual({
        conversations: [],
        consents: [],
        profile: undefined,
      })
    })
  }
})

describe('consent', () => {
  const cases: [string, Frame, string][] = [
    ['a callback without consent', { ...CALLBACK, consent: undefined }, 'shop'],
    [
      'a callback with a stale agreement version',
      { ...CALLBACK, consent: { version: '0000000000000000' } },
      'shop',
    ],
    ['an offline message without consent', OFFLINE, 'shop'],
    [
      'a pre-chat form with a stale version',
      { t: 'prechat', name: 'Anna', consent: { version: 'old' } },
      'shop',
    ],
    ['a callback on a site that has no agreement', { ...CALLBACK, phone: '+79161234567' }, 'other'],
  ]
  for (const [name, frame, site] of cases) {
    it(`refuses ${name} with consent_required and stores nothing`, async () => {
      const { socket: operator } = await relay.operator()
      const { socket, welcome } = await relay.visitor({}, { site })
      socket.send({ ...frame, cid: 'pd' })
      expect(await socket.next(errorFor('pd'))).toMatchObject({ code: 'consent_required' })
      await operator.none(ofType('conversation'))
      expect(await storedFor(relay, welcome.visitorId, site)).toEqual({
        conversations: [],
        consents: [],
        profile: undefined,
      })
    })
  }

  it('checks the fields before the consent, so the visitor sees field errors first', async () => {
    const { socket } = await relay.visitor()
    socket.send({ ...CALLBACK, cid: 'both', phone: 'x', consent: undefined })
    expect(await socket.next(errorFor('both'))).toMatchObject({ code: 'field_invalid' })
  })
})

describe('offline messages', () => {
  it('opens an offline lead that operators see with its form event', async () => {
    const { socket: operator } = await relay.operator()
    const { socket, welcome } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'anyone?' })
    const chat = await socket.next(ofType('ack'))
    socket.send({
      ...OFFLINE,
      cid: 'off1',
      phone: '89161234567',
      conversationId: chat.conversationId,
      consent: CONSENT,
    })
    const ack = await socket.next(ofType('ack', (f) => f.cid === 'off1'))
    expect(ack.conversationId).not.toBe(chat.conversationId)
    expect(
      await operator.next(ofType('conversation', (f) => f.conversation.id === ack.conversationId)),
    ).toMatchObject({
      conversation: {
        kind: 'offline',
        visitorName: 'Anna',
        visitorEmail: 'anna@example.com',
        visitorPhone: '+79161234567',
      },
    })
    expect(await operator.next(ofType('event', (f) => f.kind === 'form'))).toMatchObject({
      text: 'Offline message from Anna (anna@example.com, +79161234567): Call me later',
      data: {
        name: 'Anna',
        email: 'anna@example.com',
        phone: '+79161234567',
        text: 'Call me later',
        conversationId: chat.conversationId,
      },
    })
    const { consents } = await storedFor(relay, welcome.visitorId)
    expect(consents.map((c) => c.form)).toEqual(['offline'])
  })

  const invalid: [string, Frame, { field: string; code: string }[]][] = [
    [
      'neither email nor phone',
      { email: undefined },
      [{ field: 'email', code: 'contact_required' }],
    ],
    ['a broken email', { email: 'anna@' }, [{ field: 'email', code: 'email_invalid' }]],
    ['an empty message', { text: '  ' }, [{ field: 'text', code: 'required' }]],
    [
      'a message over the text limit',
      { text: 'x'.repeat(4001) },
      [{ field: 'text', code: 'too_long' }],
    ],
  ]
  for (const [name, patch, fields] of invalid) {
    it(`refuses ${name} with field_invalid and stores nothing`, async () => {
      const { socket, welcome } = await relay.visitor()
      socket.send({ ...OFFLINE, consent: CONSENT, cid: 'bad', ...patch })
      expect(await socket.next(errorFor('bad'))).toMatchObject({ code: 'field_invalid', fields })
      expect((await storedFor(relay, welcome.visitorId)).conversations).toEqual([])
    })
  }
})

describe('pre-chat form', () => {
  it('stores the fields on the profile with a consent and acks without a conversation', async () => {
    const { socket: operator } = await relay.operator()
    const { socket, welcome } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'hi' })
    await socket.next(ofType('ack'))
    // The new chat, then routing giving it to the one operator online.
    await operator.next(ofType('conversation'))
    expect(await operator.next(ofType('conversation'))).toMatchObject({
      conversation: { operator: { name: 'Admin' } },
    })
    socket.send({
      t: 'prechat',
      cid: 'p1',
      name: 'Anna',
      email: 'anna@example.com',
      consent: CONSENT,
    })
    const ack = await socket.next(ofType('ack', (f) => f.cid === 'p1'))
    expect(ack).toEqual({ t: 'ack', cid: 'p1', id: expect.any(String), at: MONDAY_NOON_MSK })
    expect(await operator.next(ofType('conversation'))).toMatchObject({
      conversation: { visitorName: 'Anna', visitorEmail: 'anna@example.com', kind: 'chat' },
    })
    const stored = await storedFor(relay, welcome.visitorId)
    expect(stored.profile).toMatchObject({ name: 'Anna', email: 'anna@example.com' })
    expect(stored.consents).toMatchObject([{ form: 'prechat', agreementVersion: VERSION }])
    expect(stored.consents[0]!.eventId).toBeUndefined()
    socket.send({ t: 'prechat', cid: 'p1', name: 'Other', consent: CONSENT })
    expect(await socket.next(ofType('ack', (f) => f.cid === 'p1'))).toEqual(ack)
    expect((await storedFor(relay, welcome.visitorId)).profile?.name).toBe('Anna')
  })

  it('requires the fields the site asks for', async () => {
    await relay.close()
    relay = await injectRelay({
      sites: [{ ...FORM_SITES[0]!, prechat: { enabled: true, fields: ['name', 'phone'] } }],
    })
    const { socket, welcome } = await relay.visitor()
    socket.send({ t: 'prechat', cid: 'p1', email: 'anna@example.com', consent: CONSENT })
    expect(await socket.next(errorFor('p1'))).toMatchObject({
      code: 'field_invalid',
      fields: [
        { field: 'name', code: 'required' },
        { field: 'phone', code: 'required' },
      ],
    })
    expect(await storedFor(relay, welcome.visitorId)).toEqual({
      conversations: [],
      consents: [],
      profile: undefined,
    })
  })
})

describe('welcome and presence', () => {
  it('gives the visitor a signed start parameter of at most 64 URL-safe characters', async () => {
    const { welcome } = await relay.visitor()
    expect(welcome.startParam).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
    expect(relay.app.startParams.verify('shop', welcome.startParam)).toBe(welcome.visitorId)
    expect(relay.app.startParams.verify('other', welcome.startParam)).toBeUndefined()
  })

  it('is available only with an operator online within working hours', async () => {
    const before = await relay.visitor()
    expect(before.welcome).toMatchObject({ operatorsOnline: 0, available: false })
    await relay.operator()
    expect(await before.socket.next(ofType('presence'))).toEqual({
      t: 'presence',
      operatorsOnline: 1,
      available: true,
    })
    const after = await relay.visitor()
    expect(after.welcome).toMatchObject({ operatorsOnline: 1, available: true })
  })

  it('is not available outside working hours even with an operator online', async () => {
    await relay.close()
    relay = await injectRelay({ sites: FORM_SITES, now: () => Date.parse('2024-01-20T09:00:00Z') })
    await relay.operator()
    const { welcome } = await relay.visitor()
    expect(welcome).toMatchObject({ operatorsOnline: 1, available: false })
    const presence = await (await relay.fetch('/v1/sites/shop/presence')).json()
    expect(presence).toEqual({ operatorsOnline: 1, available: false })
  })
})
