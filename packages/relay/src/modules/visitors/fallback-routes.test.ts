import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONSENT, FORM_SITES, storedFor } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
beforeEach(async () => {
  relay = await injectRelay({
    sites: [{ ...FORM_SITES[0]!, workingHours: null, origins: ['https://shop.example'] }],
  })
})
afterEach(async () => {
  await relay.close()
})

const CALLBACK = { name: 'Anna', phone: '8 916 123 45 67', when: 'asap', consent: CONSENT }
const OFFLINE = { name: 'Anna', email: 'anna@example.com', text: 'Please call', consent: CONSENT }

function post(form: string, body: unknown, headers: Record<string, string> = {}) {
  return relay.fetch(`/v1/sites/shop/${form}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

describe('HTTP form fallback', () => {
  it('stores lone surrogates as U+FFFD, the same text the socket would store', async () => {
    // JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse reads back.
    const response = await post('offline', { ...OFFLINE, cid: 'w1', text: 'Broken \ud800 text' })
    expect(response.status).toBe(200)
    const { conversationId } = await response.json()
    const admin = await relay.login()
    const events = await (
      await relay.fetch(`/v1/conversations/${conversationId}/events`, {
        headers: { cookie: admin },
      })
    ).json()
    expect(events.events.at(-1).data.text).toBe('Broken \uFFFD text')
  })

  it('takes a callback without any socket, creates a visitor and returns its token', async () => {
    const { socket: operator } = await relay.operator()
    const response = await post('callback', { ...CALLBACK, cid: 'h1' })
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body).toEqual({
      cid: 'h1',
      id: expect.any(String),
      conversationId: expect.any(String),
      seq: 1,
      at: expect.any(Number),
      token: expect.any(String),
    })
    expect(await operator.next(ofType('conversation'))).toMatchObject({
      conversation: { id: body.conversationId, kind: 'callback', visitorPhone: '+79161234567' },
    })
    const visitorId = relay.app.visitorTokens.verify('shop', body.token)!
    const { consents } = await storedFor(relay, visitorId)
    expect(consents).toMatchObject([{ form: 'callback', ip: '127.0.0.1', eventId: body.id }])

    // The token works on the socket afterwards: the visitor sees the request there.
    const { welcome } = await relay.visitor({ token: body.token })
    expect(welcome.conversations.map((c: { id: string }) => c.id)).toEqual([body.conversationId])
  })

  it('deduplicates by cid with a token and without one', async () => {
    const { welcome, socket } = await relay.visitor()
    await socket.close()
    const first = await (
      await post('offline', { ...OFFLINE, cid: 'o1', token: welcome.token })
    ).json()
    const again = await (
      await post('offline', { ...OFFLINE, cid: 'o1', token: welcome.token })
    ).json()
    expect(again).toEqual(first)
    expect(first.token).toBeUndefined()
    expect((await storedFor(relay, welcome.visitorId)).conversations).toHaveLength(1)

    const anonymous = await (await post('callback', { ...CALLBACK, cid: 'anon' })).json()
    const retry = await (await post('callback', { ...CALLBACK, cid: 'anon' })).json()
    const { token, ...ack } = anonymous
    expect(retry).toEqual(ack)
    const visitorId = relay.app.visitorTokens.verify('shop', token)!
    expect((await storedFor(relay, visitorId)).conversations).toHaveLength(1)
  })

  it('applies the same field rules and consent rule, storing nothing on error', async () => {
    const { welcome } = await relay.visitor()
    const invalid = await post('callback', {
      ...CALLBACK,
      cid: 'x',
      phone: '1',
      token: welcome.token,
    })
    expect(invalid.status).toBe(400)
    expect(await invalid.json()).toEqual({
      code: 'field_invalid',
      message: expect.any(String),
      fields: [{ field: 'phone', code: 'phone_invalid' }],
    })
    const stale = await post('offline', {
      ...OFFLINE,
      cid: 'y',
      token: welcome.token,
      consent: { version: 'old' },
    })
    expect(stale.status).toBe(409)
    expect(await stale.json()).toMatchObject({ code: 'consent_required' })
    expect(await storedFor(relay, welcome.visitorId)).toEqual({
      conversations: [],
      consents: [],
      profile: undefined,
    })
  })

  it('refuses a forged token and a body of the wrong shape', async () => {
    const forged = await post('callback', { ...CALLBACK, cid: 'x', token: 'v_abc.forged' })
    expect(forged.status).toBe(401)
    expect(await forged.json()).toMatchObject({ code: 'token_invalid' })
    const shapeless = await post('callback', { name: 'Anna' })
    expect(shapeless.status).toBe(400)
    expect(await shapeless.json()).toMatchObject({ code: 'bad_request' })
  })

  it('answers CORS preflight and requests for allowed origins only', async () => {
    const preflight = await relay.fetch('/v1/sites/shop/callback', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type')

    const foreign = await relay.fetch('/v1/sites/shop/callback', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()

    const allowed = await post(
      'callback',
      { ...CALLBACK, cid: 'c1' },
      { origin: 'https://shop.example' },
    )
    expect(allowed.status).toBe(200)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    const refused = await post(
      'callback',
      { ...CALLBACK, cid: 'c2' },
      { origin: 'https://evil.example' },
    )
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ code: 'origin_not_allowed' })
  })

  it('answers presence without a socket, uncached, with CORS', async () => {
    const response = await relay.fetch('/v1/sites/shop/presence', {
      headers: { origin: 'https://shop.example' },
    })
    expect(await response.json()).toEqual({ operatorsOnline: 0, available: false })
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    await relay.operator()
    const online = await (await relay.fetch('/v1/sites/shop/presence')).json()
    expect(online).toEqual({ operatorsOnline: 1, available: true })
  })
})
