import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { describe, expect, it } from 'vitest'
import {
  CallbackFallbackBody,
  DEFAULT_LIMITS,
  EngageBody,
  type ErrorCode,
  OfflineFallbackBody,
  parseOperatorFrame,
  parseVisitorFrame,
} from './index.ts'

const LIMITS = { maxFrameBytes: 1024, maxTextLength: 10 }

describe('parseVisitorFrame', () => {
  const valid = [
    { t: 'hello', v: 1 },
    {
      t: 'hello',
      v: 1,
      token: 'v_x.sig',
      cursor: { c1: 3 },
      page: { url: 'https://shop.example/', title: 'Shop' },
      referrer: 'https://search.example/',
      lang: 'ru',
      tz: 'Europe/Moscow',
    },
    { t: 'send', cid: 'c1', text: 'hello' },
    { t: 'send', cid: 'c1', conversationId: 'conv', text: 'hello' },
    { t: 'typing', conversationId: 'conv', typing: true },
    { t: 'read', conversationId: 'conv', seq: 4 },
    { t: 'read', cid: 'r1', conversationId: 'conv', seq: 0 },
    { t: 'sync', cursor: {} },
    { t: 'ping' },
  ]
  for (const frame of valid) {
    it(`accepts ${JSON.stringify(frame)}`, () => {
      expect(parseVisitorFrame(JSON.stringify(frame), LIMITS)).toEqual({ ok: true, frame })
    })
  }

  it('accepts a frame given as UTF-8 bytes', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ t: 'ping' }))
    expect(parseVisitorFrame(bytes, LIMITS)).toEqual({ ok: true, frame: { t: 'ping' } })
  })

  const invalid: [string, string, ErrorCode, string?][] = [
    ['not JSON', '{"t":', 'bad_json'],
    ['a JSON array', '[1,2]', 'bad_frame'],
    ['a JSON string', '"hello"', 'bad_frame'],
    ['null', 'null', 'bad_frame'],
    ['a frame without t', '{"cid":"c9","text":"x"}', 'bad_frame', 'c9'],
    ['a frame with a numeric t', '{"t":5}', 'bad_frame'],
    ['an unknown type', '{"t":"dance","cid":"c2"}', 'unknown_frame', 'c2'],
    [
      'an operator-only type',
      '{"t":"close","cid":"c3","conversationId":"x"}',
      'unknown_frame',
      'c3',
    ],
    ['a prototype key as type', '{"t":"constructor"}', 'unknown_frame'],
    ['send without cid', '{"t":"send","text":"hi"}', 'bad_frame'],
    ['send with a numeric text', '{"t":"send","cid":"c4","text":5}', 'bad_frame', 'c4'],
    ['send with a too-long cid', `{"t":"send","cid":"${'x'.repeat(65)}","text":"hi"}`, 'bad_frame'],
    ['hello without v', '{"t":"hello"}', 'bad_frame'],
    ['read with a negative seq', '{"t":"read","conversationId":"c","seq":-1}', 'bad_frame'],
    ['typing without a boolean', '{"t":"typing","conversationId":"c","typing":"yes"}', 'bad_frame'],
    ['sync with a non-integer cursor', '{"t":"sync","cursor":{"c":1.5}}', 'bad_frame'],
    [
      'a frame over the byte limit',
      JSON.stringify({ t: 'ping', pad: 'x'.repeat(1100) }),
      'frame_too_large',
    ],
    [
      'text longer than the limit',
      '{"t":"send","cid":"c5","text":"01234567890"}',
      'text_too_long',
      'c5',
    ],
    ['empty text', '{"t":"send","cid":"c6","text":""}', 'text_empty', 'c6'],
    ['whitespace-only text', '{"t":"send","cid":"c7","text":"  \\n\\t "}', 'text_empty', 'c7'],
  ]
  for (const [name, raw, code, cid] of invalid) {
    it(`rejects ${name} with ${code}`, () => {
      const result = parseVisitorFrame(raw, LIMITS)
      expect(result).toMatchObject({ ok: false, code })
      expect(result.ok === false && result.cid).toBe(cid ?? undefined)
      expect(result.ok === false && result.message.length > 0).toBe(true)
    })
  }

  it('counts the byte limit in UTF-8 bytes, not characters', () => {
    const text = 'ж'.repeat(10)
    const raw = JSON.stringify({ t: 'send', cid: 'c', text })
    expect(
      parseVisitorFrame(raw, { maxFrameBytes: raw.length + 5, maxTextLength: 10 }),
    ).toMatchObject({
      ok: false,
      code: 'frame_too_large',
    })
    expect(parseVisitorFrame(raw, { maxFrameBytes: 1024, maxTextLength: 10 }).ok).toBe(true)
  })

  it('uses DEFAULT_LIMITS when none are given', () => {
    const raw = JSON.stringify({ t: 'send', cid: 'c', text: 'x'.repeat(4001) })
    expect(parseVisitorFrame(raw)).toMatchObject({ ok: false, code: 'text_too_long' })
  })
})

describe('parseOperatorFrame', () => {
  const valid = [
    { t: 'hello', v: 1 },
    { t: 'hello', v: 1, apiToken: 'prly_x', cursor: { c: 2 } },
    { t: 'send', cid: 'c1', conversationId: 'conv', text: 'hello' },
    // A photo without a caption.
    { t: 'send', cid: 'c3', conversationId: 'conv', text: '', attachmentId: 'a1' },
    { t: 'close', cid: 'c2', conversationId: 'conv' },
    { t: 'typing', conversationId: 'conv', typing: false },
    { t: 'read', conversationId: 'conv', seq: 1 },
    { t: 'sync', cursor: { conv: 0 } },
    { t: 'ping' },
  ]
  for (const frame of valid) {
    it(`accepts ${JSON.stringify(frame)}`, () => {
      expect(parseOperatorFrame(JSON.stringify(frame), LIMITS)).toEqual({ ok: true, frame })
    })
  }

  const invalid: [string, string, ErrorCode][] = [
    ['not JSON', 'nope', 'bad_json'],
    ['an unknown type', '{"t":"page","url":"x"}', 'unknown_frame'],
    ['send without conversationId', '{"t":"send","cid":"c","text":"hi"}', 'bad_frame'],
    ['close without cid', '{"t":"close","conversationId":"c"}', 'bad_frame'],
    [
      'a frame over the byte limit',
      JSON.stringify({ t: 'ping', pad: 'x'.repeat(1100) }),
      'frame_too_large',
    ],
    [
      'text longer than the limit',
      '{"t":"send","cid":"c","conversationId":"x","text":"01234567890"}',
      'text_too_long',
    ],
    ['empty text', '{"t":"send","cid":"c","conversationId":"x","text":" "}', 'text_empty'],
  ]
  for (const [name, raw, code] of invalid) {
    it(`rejects ${name} with ${code}`, () => {
      expect(parseOperatorFrame(raw, LIMITS)).toMatchObject({ ok: false, code })
    })
  }
})

describe('parseVisitorFrame: forms, identity and rating frames', () => {
  const consent = { version: '0123456789abcdef' }
  const valid = [
    { t: 'callback', cid: 'c1', name: 'Anna', phone: '+79161234567', when: 'asap', consent },
    {
      t: 'callback',
      cid: 'c1',
      name: 'Anna',
      phone: '8 916 123 45 67',
      when: 1_705_312_800_000,
      comment: 'after lunch',
      consent,
    },
    { t: 'callback', cid: 'c1', name: '', phone: '', when: 'asap' },
    { t: 'offline', cid: 'c2', name: 'Anna', email: 'a@b.co', text: 'Call me', consent },
    { t: 'offline', cid: 'c2', name: 'A', phone: '+7916', text: '', conversationId: 'conv' },
    { t: 'prechat', cid: 'c3', consent },
    { t: 'prechat', cid: 'c3', name: 'Anna', email: 'a@b.co', phone: '+79161234567', consent },
    { t: 'identify', cid: 'c4', userId: 'u-42' },
    { t: 'identify', cid: 'c4', userId: 'u-42', name: 'Anna', email: 'a@b.co', hash: 'ab12' },
    { t: 'attributes', cid: 'c5', attributes: {} },
    { t: 'attributes', cid: 'c5', attributes: { plan: 'pro', seats: 3, trial: false } },
    { t: 'rate', cid: 'c6', conversationId: 'conv', rating: 1 },
    { t: 'rate', cid: 'c6', conversationId: 'conv', rating: 5, comment: 'Thanks!' },
  ]
  for (const frame of valid) {
    it(`accepts ${JSON.stringify(frame)}`, () => {
      expect(parseVisitorFrame(JSON.stringify(frame), LIMITS)).toEqual({ ok: true, frame })
    })
  }

  const invalid: [string, object][] = [
    ['callback without cid', { t: 'callback', name: 'A', phone: '1', when: 'asap' }],
    ['callback without when', { t: 'callback', cid: 'x', name: 'A', phone: '1' }],
    [
      'callback with when "later"',
      { t: 'callback', cid: 'x', name: 'A', phone: '1', when: 'later' },
    ],
    ['callback with a negative slot', { t: 'callback', cid: 'x', name: 'A', phone: '1', when: -5 }],
    [
      'callback with a numeric phone',
      { t: 'callback', cid: 'x', name: 'A', phone: 7916, when: 'asap' },
    ],
    [
      'callback with an empty consent version',
      { t: 'callback', cid: 'x', name: 'A', phone: '1', when: 'asap', consent: { version: '' } },
    ],
    ['offline without text', { t: 'offline', cid: 'x', name: 'A', email: 'a@b.co' }],
    ['offline without name', { t: 'offline', cid: 'x', email: 'a@b.co', text: 'hi' }],
    ['prechat with a numeric name', { t: 'prechat', cid: 'x', name: 5 }],
    ['identify without userId', { t: 'identify', cid: 'x' }],
    ['identify with an empty userId', { t: 'identify', cid: 'x', userId: '' }],
    ['identify with a long hash', { t: 'identify', cid: 'x', userId: 'u', hash: 'a'.repeat(129) }],
    ['attributes with a nested object', { t: 'attributes', cid: 'x', attributes: { a: { b: 1 } } }],
    ['attributes with null', { t: 'attributes', cid: 'x', attributes: { a: null } }],
    ['attributes as an array', { t: 'attributes', cid: 'x', attributes: ['a'] }],
    ['rate of 0', { t: 'rate', cid: 'x', conversationId: 'c', rating: 0 }],
    ['rate of 6', { t: 'rate', cid: 'x', conversationId: 'c', rating: 6 }],
    ['rate of 4.5', { t: 'rate', cid: 'x', conversationId: 'c', rating: 4.5 }],
    ['rate without conversationId', { t: 'rate', cid: 'x', rating: 4 }],
  ]
  for (const [name, frame] of invalid) {
    it(`rejects ${name} with bad_frame`, () => {
      expect(
        parseVisitorFrame(JSON.stringify(frame), { ...LIMITS, maxFrameBytes: 4096 }),
      ).toMatchObject({ ok: false, code: 'bad_frame' })
    })
  }

  it('leaves an empty offline text to the form rules, not text_empty', () => {
    const frame = { t: 'offline', cid: 'x', name: 'A', email: 'a@b.co', text: ' ' }
    expect(parseVisitorFrame(JSON.stringify(frame), LIMITS).ok).toBe(true)
  })

  it('does not accept visitor form frames on the operator socket', () => {
    const frame = { t: 'rate', cid: 'x', conversationId: 'c', rating: 5 }
    expect(parseOperatorFrame(JSON.stringify(frame), LIMITS)).toMatchObject({
      ok: false,
      code: 'unknown_frame',
    })
  })
})

describe('lone surrogates in inbound text', () => {
  // SQLite stores text as UTF-8, which cannot hold a lone surrogate: it would store and
  // replay U+FFFD while the live broadcast carried the original. Parsing replaces them first.
  const lone = 'a\uD800b\uDC00c\uDC00\uD83D'
  const replaced = 'a\uFFFDb\uFFFDc\uFFFD\uFFFD'
  const consent = { version: 'v1' }
  const visitorFrames: [string, (s: string) => object][] = [
    ['send text', (s) => ({ t: 'send', cid: 'c1', text: s })],
    ['hello page title', (s) => ({ t: 'hello', v: 1, page: { url: `https://x/${s}`, title: s } })],
    [
      'callback name, phone and comment',
      (s) => ({ t: 'callback', cid: 'c', name: s, phone: s, when: 'asap', comment: s, consent }),
    ],
    [
      'offline name, email and text',
      (s) => ({ t: 'offline', cid: 'c', name: s, email: s, text: s }),
    ],
    ['prechat name', (s) => ({ t: 'prechat', cid: 'c', name: s, consent })],
    ['identify user id and name', (s) => ({ t: 'identify', cid: 'c', userId: s, name: s })],
    ['attribute keys and values', (s) => ({ t: 'attributes', cid: 'c', attributes: { [s]: s } })],
    [
      'rate comment',
      (s) => ({ t: 'rate', cid: 'c', conversationId: 'conv', rating: 5, comment: s }),
    ],
  ]
  for (const [name, frame] of visitorFrames) {
    it(`become U+FFFD in a visitor's ${name}`, () => {
      expect(parseVisitorFrame(JSON.stringify(frame(lone)))).toEqual({
        ok: true,
        frame: frame(replaced),
      })
    })
  }

  it("become U+FFFD in an operator's send text", () => {
    const frame = (text: string) => ({ t: 'send', cid: 'c1', conversationId: 'conv', text })
    expect(parseOperatorFrame(JSON.stringify(frame(lone)))).toEqual({
      ok: true,
      frame: frame(replaced),
    })
  })

  it('become U+FFFD when sent as raw JSON escapes', () => {
    expect(parseVisitorFrame('{"t":"send","cid":"c1","text":"x\\ud800"}')).toEqual({
      ok: true,
      frame: { t: 'send', cid: 'c1', text: 'x\uFFFD' },
    })
  })

  it('leave surrogate pairs (emoji) and other text untouched', () => {
    const text = 'hi 😀 \uD83D\uDE00 ж \\ud800'
    expect(parseVisitorFrame(JSON.stringify({ t: 'send', cid: 'c1', text }))).toEqual({
      ok: true,
      frame: { t: 'send', cid: 'c1', text },
    })
    expect(parseVisitorFrame('{"t":"send","cid":"c1","text":"\\ud83d\\ude00"}')).toEqual({
      ok: true,
      frame: { t: 'send', cid: 'c1', text: '😀' },
    })
  })
})

describe('cursor keys and size', () => {
  const cursorOf = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, 1]))
  const longKey = 'c'.repeat(5000)
  const manyKeys = Array.from({ length: 201 }, (_, i) => `c${i}`)
  const frames = (cursor: object) => [
    { t: 'sync', cursor },
    { t: 'hello', v: 1, cursor },
  ]
  const parsers = { visitor: parseVisitorFrame, operator: parseOperatorFrame }

  for (const [socket, parse] of Object.entries(parsers)) {
    it(`refuses a 5,000-character cursor key in sync and hello (${socket}) with bad_frame`, () => {
      for (const frame of frames(cursorOf([longKey]))) {
        const result = parse(JSON.stringify(frame))
        expect(result).toMatchObject({ ok: false, code: 'bad_frame' })
        // The message names the field, not the 5,000 characters.
        expect(result.ok === false && result.message.length).toBeLessThan(200)
      }
    })

    it(`refuses an empty cursor key in sync and hello (${socket}) with bad_frame`, () => {
      for (const frame of frames(cursorOf(['']))) {
        expect(parse(JSON.stringify(frame))).toMatchObject({ ok: false, code: 'bad_frame' })
      }
    })

    it(`refuses a cursor of more than 200 entries (${socket}) with bad_frame`, () => {
      for (const frame of frames(cursorOf(manyKeys))) {
        expect(parse(JSON.stringify(frame))).toMatchObject({ ok: false, code: 'bad_frame' })
      }
    })

    it(`accepts a cursor of 200 keys of up to 64 characters (${socket})`, () => {
      const keys = [...manyKeys.slice(0, 199), 'k'.repeat(64)]
      for (const frame of frames(cursorOf(keys))) {
        expect(parse(JSON.stringify(frame))).toEqual({ ok: true, frame })
      }
    })
  }
})

describe('page URLs', () => {
  const url = (length: number) => `https://shop.example/${'p'.repeat(length - 21)}`
  const limits = { ...DEFAULT_LIMITS, maxFrameBytes: 8192 }
  const frames: [string, (page: string) => object][] = [
    ['hello.page.url', (page) => ({ t: 'hello', v: 1, page: { url: page } })],
    ['hello.referrer', (page) => ({ t: 'hello', v: 1, referrer: page })],
    [
      'engage.page',
      (page) => ({ t: 'engage', cid: 'c', scenarioId: 's', event: 'impression', page }),
    ],
  ]
  for (const [field, frame] of frames) {
    it(`accepts ${field} of 2,048 characters and refuses 2,049 with bad_frame`, () => {
      expect(url(2048)).toHaveLength(2048)
      expect(parseVisitorFrame(JSON.stringify(frame(url(2048))), limits)).toMatchObject({
        ok: true,
      })
      expect(parseVisitorFrame(JSON.stringify(frame(url(2049))), limits)).toMatchObject({
        ok: false,
        code: 'bad_frame',
      })
    })
  }

  const bodies: [string, TSchema, (page: string) => object][] = [
    [
      'the callback fallback',
      CallbackFallbackBody,
      (page) => ({ cid: 'c', name: 'A', phone: '1', when: 'asap', page: { url: page } }),
    ],
    [
      'the offline fallback',
      OfflineFallbackBody,
      (page) => ({ cid: 'c', name: 'A', email: 'a@b.co', text: 'hi', page: { url: page } }),
    ],
    ['POST engage', EngageBody, (page) => ({ scenarioId: 's', event: 'click', page })],
  ]
  for (const [name, schema, body] of bodies) {
    it(`caps the page URL of ${name} body at 2,048 characters`, () => {
      const checker = TypeCompiler.Compile(schema)
      expect(checker.Check(body(url(2048)))).toBe(true)
      expect(checker.Check(body(url(2049)))).toBe(false)
    })
  }
})
