import { createHmac } from 'node:crypto'
import { CLOSE_CODES, PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { CONSENT, TEMPLATE } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { type Frame, ofType } from '../../testing/ws-client.ts'

const DAY = 24 * 60 * 60 * 1000
const SECRET = 'token-test-secret'

let relay: TestRelay
let now = Date.UTC(2026, 5, 1)
afterEach(() => relay.close())

async function start(visitorTokens?: { ttlMs?: number; renewAfterMs?: number }) {
  now = Date.UTC(2026, 5, 1)
  relay = await injectRelay({
    secret: SECRET,
    now: () => now,
    sites: [{ id: 'shop', agreement: TEMPLATE }, { id: 'other' }],
    ...(visitorTokens ? { visitorTokens } : {}),
  })
}

/** A visitor who wrote one message; returns their token and welcome. */
async function chatter(text = 'Remember me') {
  const { socket, welcome } = await relay.visitor()
  socket.send({ t: 'send', cid: 'm1', text })
  const ack = await socket.next(ofType('ack'))
  return { socket, welcome, token: welcome.token as string, conversationId: ack.conversationId }
}

/** Says hello with `token`: the frames up to the first welcome or error, and how it closed. */
async function helloWith(token: string): Promise<{ frames: Frame[]; code?: number }> {
  const socket = await relay.socket('/v1/visitor?site=shop')
  socket.send({ t: 'hello', v: PROTOCOL_VERSION, token })
  const first = await socket.next((f) => f.t === 'welcome' || f.t === 'error')
  if (first.t === 'welcome') {
    await socket.none(() => false)
    // Welcome and the replayed history; not the queue place or the barrier's pong.
    return { frames: socket.frames.filter((f) => f.t === 'welcome' || f.t === 'event') }
  }
  return { frames: socket.frames, code: (await socket.closed).code }
}

const REFUSED = {
  frames: [{ t: 'error', code: 'token_invalid', message: expect.any(String) }],
  code: CLOSE_CODES.unauthorized,
}

describe('forget (the visitor logs out)', () => {
  it('acks, closes every tab of the visitor and refuses the token from then on, with no history', async () => {
    await start()
    const me = await chatter('Before logout')
    const otherTab = await relay.visitor({ token: me.token })
    const someoneElse = await chatter('Not me')
    me.socket.send({ t: 'forget', cid: 'f1' })
    expect(await me.socket.next(ofType('ack'))).toEqual({
      t: 'ack',
      cid: 'f1',
      id: expect.any(String),
      at: now,
    })
    expect(await me.socket.closed).toEqual({
      code: CLOSE_CODES.unauthorized,
      reason: 'token_invalid',
    })
    expect((await otherTab.socket.closed).code).toBe(CLOSE_CODES.unauthorized)
    const again = await helloWith(me.token)
    expect(again).toEqual(REFUSED)
    expect(JSON.stringify(again)).not.toContain('Before logout')
    // Someone else is not logged out.
    const them = await helloWith(someoneElse.token)
    expect(them.frames.map((f) => f.t)).toEqual(['welcome', 'event'])
  })

  it('refuses the revoked token over HTTP too', async () => {
    await start()
    const me = await chatter()
    me.socket.send({ t: 'forget' })
    await me.socket.closed
    const response = await relay.fetch('/v1/sites/shop/callback', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: me.token,
        cid: 'cb1',
        name: 'Anna',
        phone: '+79161234567',
        when: 'asap',
        consent: CONSENT,
      }),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'token_invalid' })
  })
})

describe('expiry', () => {
  it('refuses a token a year after it was issued, with no history', async () => {
    await start()
    const me = await chatter('A year ago')
    await me.socket.close()
    now += 365 * DAY - 1
    // Still valid a moment before: welcome (with a renewed token) and the history.
    const before = await helloWith(me.token)
    expect(before.frames.map((f) => f.t)).toEqual(['welcome', 'event'])
    now += 1
    expect(await helloWith(me.token)).toEqual(REFUSED)
  })

  it('slides: a token older than the renewal age comes back renewed in welcome, and the new one lasts', async () => {
    await start({ ttlMs: 10 * DAY, renewAfterMs: 2 * DAY })
    const me = await chatter('Kept by renewal')
    await me.socket.close()
    now += DAY
    const young = await relay.visitor({ token: me.token })
    expect(young.welcome.token).toBe(me.token)
    await young.socket.close()
    now += DAY
    const old = await relay.visitor({ token: me.token })
    const renewed = old.welcome.token as string
    expect(renewed).not.toBe(me.token)
    expect(old.welcome.visitorId).toBe(me.welcome.visitorId)
    await old.socket.close()
    // Nine days on, the first token has expired and the renewed one still works.
    now += 9 * DAY
    expect(await helloWith(me.token)).toEqual(REFUSED)
    const later = await helloWith(renewed)
    expect(later.frames.map((f) => f.t)).toEqual(['welcome', 'event'])
    expect(later.frames[1]).toMatchObject({ text: 'Kept by renewal' })
  })
})

describe('tokens of the earlier form', () => {
  const legacy = (visitorId: string, site = 'shop') =>
    `${visitorId}.${createHmac('sha256', SECRET).update(`visitor\n${site}\n${visitorId}`).digest('base64url')}`

  it('are accepted with their history and upgraded to a token with an issue time', async () => {
    await start()
    const me = await chatter('From before the upgrade')
    await me.socket.close()
    const { socket, welcome } = await relay.visitor({ token: legacy(me.welcome.visitorId) })
    expect(welcome.visitorId).toBe(me.welcome.visitorId)
    expect(welcome.token).toMatch(/^v_[^.]+\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/)
    expect(await socket.next(ofType('event'))).toMatchObject({ text: 'From before the upgrade' })
    expect(relay.app.visitorTokens.inspect('shop', welcome.token)).toEqual({
      visitorId: me.welcome.visitorId,
      issuedAt: now,
    })
  })

  it('are refused once the visitor logged out, and when forged or of another site', async () => {
    await start()
    const me = await chatter()
    const old = legacy(me.welcome.visitorId)
    expect(await helloWith(legacy(me.welcome.visitorId, 'other'))).toEqual(REFUSED)
    expect(await helloWith(`${me.welcome.visitorId}.${'A'.repeat(43)}`)).toEqual(REFUSED)
    me.socket.send({ t: 'forget' })
    await me.socket.closed
    now += 1
    expect(await helloWith(old)).toEqual(REFUSED)
  })
})
