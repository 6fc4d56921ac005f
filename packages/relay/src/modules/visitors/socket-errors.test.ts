import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay | undefined
afterEach(async () => {
  await relay?.close()
  relay = undefined
})

async function storedEvents(r: TestRelay): Promise<number> {
  const conversations = await r.stores.conversations.list(100)
  return conversations.reduce((sum, c) => sum + c.lastSeq, 0)
}

describe('visitor frame errors', () => {
  const cases: [string, string, string, string?][] = [
    ['malformed JSON', '{"t":"send",', 'bad_json'],
    ['an unknown frame type', '{"t":"teleport","cid":"u1"}', 'unknown_frame', 'u1'],
    ['a frame failing the schema', '{"t":"send","cid":"s1","text":42}', 'bad_frame', 's1'],
    ['an empty text', '{"t":"send","cid":"e1","text":"   "}', 'text_empty', 'e1'],
    [
      'a text over the limit',
      JSON.stringify({ t: 'send', cid: 'l1', text: 'x'.repeat(101) }),
      'text_too_long',
      'l1',
    ],
    [
      'a frame over the limit',
      JSON.stringify({ t: 'send', cid: 'f1', text: 'x', pad: 'y'.repeat(600) }),
      'frame_too_large',
    ],
  ]
  for (const [name, raw, code, cid] of cases) {
    it(`answers ${name} with ${code}, changes nothing and keeps the socket open`, async () => {
      relay = await injectRelay({ limits: { maxFrameBytes: 512, maxTextLength: 100 } })
      const { socket } = await relay.visitor()
      socket.send(raw)
      const error = await socket.next(ofType('error'))
      expect(error).toMatchObject({ code })
      expect(error.cid).toBe(cid)
      expect(await storedEvents(relay)).toBe(0)
      socket.send({ t: 'ping' })
      await socket.next(ofType('pong'))
      await socket.none(ofType('event'))
    })
  }

  it('closes with 1009 when a message exceeds the transport cap', async () => {
    relay = await injectRelay({ maxPayloadBytes: 4096 })
    const { socket } = await relay.visitor()
    socket.send(JSON.stringify({ t: 'send', cid: 'big', text: 'x'.repeat(5000) }))
    expect((await socket.closed).code).toBe(1009)
    expect(await storedEvents(relay)).toBe(0)
  })

  it('rate-limits a flood of frames per socket with rate_limited and stays open', async () => {
    relay = await injectRelay({ rateLimit: { burst: 5, perSecond: 1 } })
    const { socket } = await relay.visitor()
    for (let i = 0; i < 10; i++) socket.send({ t: 'send', cid: `f${i}`, text: `flood ${i}` })
    const limited = await socket.next(ofType('error'))
    expect(limited).toMatchObject({ code: 'rate_limited' })
    expect(limited.cid).toMatch(/^f\d$/)
    // Every frame gets an answer, an ack or a refusal: wait for the other nine.
    for (let i = 1; i < 10; i++) await socket.next((f) => f.t === 'ack' || f.t === 'error')
    const acks = socket.frames.filter((f) => f.t === 'ack').length
    const refused = socket.frames.filter((f) => f.t === 'error' && f.code === 'rate_limited').length
    expect(acks + refused).toBe(10)
    expect(acks).toBeLessThan(10)
    expect(await storedEvents(relay)).toBe(acks)
    expect(socket.ws.readyState).toBe(socket.ws.OPEN)
  })

  it('refuses a page origin outside the allowlist with origin_not_allowed and close 4003', async () => {
    relay = await injectRelay({ allowedOrigins: ['https://shop.example'] })
    const evil = await relay.socket('/v1/visitor?site=shop', {
      headers: { origin: 'https://evil.example' },
    })
    expect(await evil.next(ofType('error'))).toMatchObject({ code: 'origin_not_allowed' })
    expect((await evil.closed).code).toBe(4003)
    const { welcome } = await relay.visitor({}, { headers: { origin: 'https://shop.example' } })
    expect(welcome.t).toBe('welcome')
  })

  it('prefers a site’s own origin list over the relay-wide one', async () => {
    relay = await injectRelay({
      allowedOrigins: ['https://shop.example'],
      sites: [{ id: 'shop', origins: ['https://own.example'] }],
    })
    const socket = await relay.socket('/v1/visitor?site=shop', {
      headers: { origin: 'https://shop.example' },
    })
    expect(await socket.next(ofType('error'))).toMatchObject({ code: 'origin_not_allowed' })
    const { welcome } = await relay.visitor({}, { headers: { origin: 'https://own.example' } })
    expect(welcome.v).toBe(PROTOCOL_VERSION)
  })
})
