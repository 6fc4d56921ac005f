import { afterEach, describe, expect, it } from 'vitest'
import { FORM_SITES, storedFor } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'
import { identityHash } from './start-param.ts'

const SECRET = 'site-identity-secret-0123456789'
let relay: TestRelay | undefined
afterEach(async () => {
  await relay?.close()
  relay = undefined
})

const errorFor = (cid: string) => ofType('error', (f) => f.cid === cid)

async function start(identityVerification: 'off' | 'required') {
  relay = await injectRelay({
    sites: [{ ...FORM_SITES[0]!, identityVerification, identitySecret: SECRET }],
    rateLimit: { burst: 1000, perSecond: 1000 },
  })
  return relay
}

describe('identify', () => {
  it('accepts an identify without hash when verification is off, as unverified', async () => {
    const relay = await start('off')
    const { socket, welcome } = await relay.visitor()
    socket.send({
      t: 'identify',
      cid: 'i1',
      userId: 'u-42',
      name: 'Anna',
      email: 'anna@example.com',
    })
    const ack = await socket.next(ofType('ack'))
    expect(ack).toEqual({ t: 'ack', cid: 'i1', id: expect.any(String), at: expect.any(Number) })
    expect((await storedFor(relay, welcome.visitorId)).profile).toMatchObject({
      userId: 'u-42',
      verified: false,
      name: 'Anna',
      email: 'anna@example.com',
    })
  })

  it('marks an identify verified when the HMAC of the user id matches', async () => {
    const relay = await start('required')
    const { socket, welcome } = await relay.visitor()
    const hash = identityHash(SECRET, 'u-42').toUpperCase()
    socket.send({ t: 'identify', cid: 'i1', userId: 'u-42', phone: '89161234567', hash })
    await socket.next(ofType('ack'))
    expect((await storedFor(relay, welcome.visitorId)).profile).toMatchObject({
      userId: 'u-42',
      verified: true,
      phone: '+79161234567',
    })
  })

  const refused: [string, string | undefined][] = [
    ['without a hash', undefined],
    ['with the hash of another user id', identityHash(SECRET, 'u-43')],
    ['with a hash made with another secret', identityHash('another-secret-0123456789', 'u-42')],
    ['with a truncated hash', identityHash(SECRET, 'u-42').slice(0, 40)],
  ]
  for (const [name, hash] of refused) {
    it(`refuses an identify ${name} when verification is required, storing nothing`, async () => {
      const relay = await start('required')
      const { socket, welcome } = await relay.visitor()
      socket.send({ t: 'identify', cid: 'i1', userId: 'u-42', name: 'Mallory', hash })
      expect(await socket.next(errorFor('i1'))).toMatchObject({ code: 'identity_unverified' })
      expect((await storedFor(relay, welcome.visitorId)).profile).toBeUndefined()
    })
  }

  it('refuses invalid contact fields with field_invalid', async () => {
    const relay = await start('off')
    const { socket, welcome } = await relay.visitor()
    socket.send({ t: 'identify', cid: 'i1', userId: 'u-42', email: 'nope', phone: '1' })
    expect(await socket.next(errorFor('i1'))).toMatchObject({
      code: 'field_invalid',
      fields: [
        { field: 'phone', code: 'phone_invalid' },
        { field: 'email', code: 'email_invalid' },
      ],
    })
    expect((await storedFor(relay, welcome.visitorId)).profile).toBeUndefined()
  })
})

describe('attributes', () => {
  it('merges attributes into the profile and answers a repeated cid with the same ack', async () => {
    const relay = await start('off')
    const { socket, welcome } = await relay.visitor()
    socket.send({ t: 'attributes', cid: 'a1', attributes: { plan: 'pro', seats: 3 } })
    const first = await socket.next(ofType('ack'))
    socket.send({ t: 'attributes', cid: 'a2', attributes: { seats: 4, trial: false } })
    await socket.next(ofType('ack', (f) => f.cid === 'a2'))
    socket.send({ t: 'attributes', cid: 'a1', attributes: { plan: 'free' } })
    expect(await socket.next(ofType('ack', (f) => f.cid === 'a1'))).toEqual(first)
    expect((await storedFor(relay, welcome.visitorId)).profile?.attributes).toEqual({
      plan: 'pro',
      seats: 4,
      trial: false,
    })
  })

  it('refuses more than 50 keys, long keys and long values, storing nothing', async () => {
    const relay = await start('off')
    const { socket, welcome } = await relay.visitor()
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]))
    socket.send({ t: 'attributes', cid: 'a1', attributes: many })
    expect(await socket.next(errorFor('a1'))).toMatchObject({
      code: 'field_invalid',
      fields: [{ field: 'attributes', code: 'too_many' }],
    })
    socket.send({
      t: 'attributes',
      cid: 'a2',
      attributes: { ['k'.repeat(65)]: 1, v: 'x'.repeat(257) },
    })
    expect(await socket.next(errorFor('a2'))).toMatchObject({
      code: 'field_invalid',
      fields: [
        { field: `attributes.${'k'.repeat(64)}`, code: 'too_long' },
        { field: 'attributes.v', code: 'too_long' },
      ],
    })
    expect((await storedFor(relay, welcome.visitorId)).profile).toBeUndefined()
  })

  it('caps the profile at 50 keys across frames', async () => {
    const relay = await start('off')
    const { socket, welcome } = await relay.visitor()
    const keys = (from: number, n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${from + i}`, true]))
    socket.send({ t: 'attributes', cid: 'a1', attributes: keys(0, 40) })
    await socket.next(ofType('ack'))
    socket.send({ t: 'attributes', cid: 'a2', attributes: keys(40, 11) })
    expect(await socket.next(errorFor('a2'))).toMatchObject({ code: 'field_invalid' })
    const stored = (await storedFor(relay, welcome.visitorId)).profile
    expect(Object.keys(stored?.attributes ?? {})).toHaveLength(40)
  })
})

describe('rating', () => {
  it('refuses to rate an open conversation and accepts a rating once it is closed', async () => {
    const relay = await start('off')
    const { socket: operator } = await relay.operator()
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'hi' })
    const { conversationId } = await socket.next(ofType('ack'))
    socket.send({ t: 'rate', cid: 'r1', conversationId, rating: 5 })
    expect(await socket.next(errorFor('r1'))).toMatchObject({ code: 'conversation_open' })

    operator.send({ t: 'close', cid: 'close1', conversationId })
    await operator.next(ofType('ack'))
    socket.send({ t: 'rate', cid: 'r2', conversationId, rating: 4, comment: ' quick, thanks ' })
    const ack = await socket.next(ofType('ack', (f) => f.cid === 'r2'))
    expect(ack).toMatchObject({ conversationId, seq: 3 })
    expect(
      await operator.next(ofType('conversation', (f) => f.conversation.rating !== undefined)),
    ).toMatchObject({
      conversation: {
        id: conversationId,
        status: 'closed',
        rating: 4,
        ratingComment: 'quick, thanks',
      },
    })
    const rated = await operator.next(ofType('event', (f) => f.seq === 3))
    expect([rated.kind, rated.text, rated.data]).toEqual([
      'system',
      '',
      { type: 'rated', rating: '4', comment: 'quick, thanks' },
    ])
    const [stored] = await relay.stores.conversations.eventsAfter(conversationId, 2, 10)
    expect(stored).toMatchObject({ text: '', data: rated.data })
    socket.send({ t: 'rate', cid: 'r2', conversationId, rating: 1 })
    expect(await socket.next(ofType('ack', (f) => f.cid === 'r2'))).toEqual(ack)
    expect((await relay.app.conversations.get(conversationId))?.rating).toBe(4)
  })

  it("does not let a visitor rate another visitor's conversation", async () => {
    const relay = await start('off')
    const { socket: operator } = await relay.operator()
    const owner = await relay.visitor()
    owner.socket.send({ t: 'send', cid: 'm1', text: 'hi' })
    const { conversationId } = await owner.socket.next(ofType('ack'))
    operator.send({ t: 'close', cid: 'close1', conversationId })
    await operator.next(ofType('ack'))
    const stranger = await relay.visitor()
    stranger.socket.send({ t: 'rate', cid: 'r1', conversationId, rating: 1 })
    expect(await stranger.socket.next(errorFor('r1'))).toMatchObject({
      code: 'conversation_not_found',
    })
    expect((await relay.app.conversations.get(conversationId))?.rating).toBeUndefined()
  })
})
