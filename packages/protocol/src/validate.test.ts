import { describe, expect, it } from 'vitest'
import { type ErrorCode, parseOperatorFrame, parseVisitorFrame } from './index.ts'

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
