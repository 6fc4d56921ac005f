import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONSENT, FORM_SITES, MONDAY_NOON_MSK, VERSION } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call, createScenario } from '../../testing/scenarios.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
let now = MONDAY_NOON_MSK
beforeEach(async () => {
  now = MONDAY_NOON_MSK
  relay = await injectRelay({
    sites: FORM_SITES,
    now: () => now,
    geoip: { header: 'CF-IPCountry', database: false },
    rateLimit: { burst: 1000, perSecond: 1000 },
  })
})
afterEach(async () => {
  await relay.close()
})

describe('the visitor card', () => {
  it('shows who the visitor is, where they have been, what engaged them and what they agreed to', async () => {
    const admin = await relay.login()
    const scenario = await createScenario(relay, admin, { name: 'Samovar helper' })
    const landing = 'https://chai.example/?utm_source=newsletter&utm_medium=email'
    const first = await relay.visitor(
      { page: { url: landing, title: 'Chai' }, referrer: 'https://mail.example/' },
      { headers: { 'cf-ipcountry': 'RU-MOW' } },
    )
    // The callback first: an earlier conversation of theirs.
    first.socket.send({
      t: 'callback',
      cid: 'cb1',
      name: 'Anna',
      phone: '8 916 123-45-67',
      when: 'asap',
      consent: CONSENT,
    })
    const callback = await first.socket.next(ofType('ack', (f) => f.cid === 'cb1'))
    first.socket.send({ t: 'attributes', cid: 'a1', attributes: { plan: 'pro', seats: 3 } })
    await first.socket.next(ofType('ack', (f) => f.cid === 'a1'))
    first.socket.send({ t: 'identify', cid: 'i1', userId: 'u-17', email: 'anna@chai.example' })
    await first.socket.next(ofType('ack', (f) => f.cid === 'i1'))
    await first.socket.close()

    now += 60_000
    const { socket } = await relay.visitor(
      {
        token: first.welcome.token,
        page: { url: 'https://chai.example/samovars', title: 'Samovars' },
      },
      { headers: { 'cf-ipcountry': 'RU-SPE' } },
    )
    socket.send({
      t: 'send',
      cid: 'm1',
      text: 'Is the brass one in stock?',
      scenarioId: scenario.id,
    })
    const chat = await socket.next(ofType('ack', (f) => f.cid === 'm1'))

    const card = await call(relay, admin, 'GET', `/v1/conversations/${chat.conversationId}/visitor`)
    expect(card.status).toBe(200)
    expect(card.body).toEqual({
      visitor: {
        id: first.welcome.visitorId,
        name: 'Anna',
        phone: '+79161234567',
        email: 'anna@chai.example',
        userId: 'u-17',
        verified: false,
        attributes: { plan: 'pro', seats: 3 },
      },
      channel: 'web',
      currentPage: { url: 'https://chai.example/samovars', title: 'Samovars', at: now },
      pages: [
        { url: 'https://chai.example/samovars', title: 'Samovars', at: now },
        { url: landing, title: 'Chai', at: MONDAY_NOON_MSK },
      ],
      region: { country: 'RU', region: 'SPE' },
      utmSource: 'newsletter',
      referrer: 'https://mail.example/',
      scenario: { id: scenario.id, name: 'Samovar helper' },
      consents: [{ agreementVersion: VERSION, form: 'callback', at: MONDAY_NOON_MSK }],
      conversations: [
        {
          id: callback.conversationId,
          kind: 'callback',
          status: 'open',
          createdAt: MONDAY_NOON_MSK,
          lastText: 'Callback request: Anna, +79161234567, as soon as possible',
        },
      ],
    })
  })

  it('is a bare card for a visitor who told nothing, and shows a withdrawn consent as withdrawn', async () => {
    const admin = await relay.login()
    const { socket } = await relay.visitor()
    socket.send({ t: 'prechat', cid: 'p1', name: 'Boris', consent: CONSENT })
    await socket.next(ofType('ack', (f) => f.cid === 'p1'))
    now += 1000
    socket.send({ t: 'withdraw_consent', cid: 'w1' })
    await socket.next(ofType('ack', (f) => f.cid === 'w1'))
    socket.send({ t: 'send', cid: 'm1', text: 'Hello' })
    const chat = await socket.next(ofType('ack', (f) => f.cid === 'm1'))
    const card = await call(relay, admin, 'GET', `/v1/conversations/${chat.conversationId}/visitor`)
    expect(card.body).toMatchObject({
      visitor: { name: 'Boris', verified: false, attributes: {} },
      channel: 'web',
      pages: [],
      consents: [
        { agreementVersion: VERSION, form: 'prechat', at: MONDAY_NOON_MSK, withdrawnAt: now },
      ],
      conversations: [],
    })
    for (const key of ['currentPage', 'region', 'utmSource', 'referrer', 'scenario']) {
      expect(card.body).not.toHaveProperty(key)
    }
  })

  it('is refused without a session and for a conversation that does not exist, naming nothing', async () => {
    const admin = await relay.login()
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'Secret order 4711' })
    const chat = await socket.next(ofType('ack', (f) => f.cid === 'm1'))
    const anonymous = await relay.fetch(`/v1/conversations/${chat.conversationId}/visitor`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.text()).not.toContain('4711')
    const missing = await call(relay, admin, 'GET', '/v1/conversations/c-missing/visitor')
    expect(missing).toMatchObject({ status: 404, body: { code: 'conversation_not_found' } })
  })
})
