import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { ErrorCode } from './codes.ts'
import { Ping } from './common.ts'
import {
  Accept,
  Close,
  OperatorHello,
  type OperatorInbound,
  OperatorSend,
  StatusFrame,
  Transfer,
} from './operator.ts'
import { DEFAULT_LIMITS } from './version.ts'
import {
  AttributesRequest,
  CallbackRequest,
  Engage,
  Forget,
  IdentifyRequest,
  OfflineRequest,
  PrechatRequest,
  RateRequest,
  Read,
  Sync,
  Typing,
  VisitorHello,
  type VisitorInbound,
  VisitorSend,
  WithdrawConsent,
} from './visitor.ts'
import { wellFormedStrings } from './well-formed.ts'

export type ParseResult<F> =
  | { ok: true; frame: F }
  | { ok: false; code: ErrorCode; message: string; cid?: string }

export interface ParseLimits {
  maxFrameBytes: number
  maxTextLength: number
}

type Checkers = Record<string, ReturnType<typeof TypeCompiler.Compile<TSchema>>>

function compile(schemas: Record<string, TSchema>): Checkers {
  const out: Checkers = {}
  for (const [t, schema] of Object.entries(schemas)) out[t] = TypeCompiler.Compile(schema)
  return out
}

const visitorCheckers = compile({
  hello: VisitorHello,
  send: VisitorSend,
  typing: Typing,
  read: Read,
  sync: Sync,
  ping: Ping,
  callback: CallbackRequest,
  offline: OfflineRequest,
  prechat: PrechatRequest,
  identify: IdentifyRequest,
  attributes: AttributesRequest,
  rate: RateRequest,
  engage: Engage,
  withdraw_consent: WithdrawConsent,
  forget: Forget,
})

const operatorCheckers = compile({
  hello: OperatorHello,
  send: OperatorSend,
  close: Close,
  status: StatusFrame,
  accept: Accept,
  transfer: Transfer,
  typing: Typing,
  read: Read,
  sync: Sync,
  ping: Ping,
})

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

function byteLength(raw: string | Uint8Array): number {
  return typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength
}

function parseWith<F>(
  checkers: Checkers,
  raw: string | Uint8Array,
  limits: ParseLimits,
): ParseResult<F> {
  if (byteLength(raw) > limits.maxFrameBytes) {
    return {
      ok: false,
      code: 'frame_too_large',
      message: `Frame is larger than ${limits.maxFrameBytes} bytes`,
    }
  }
  let data: unknown
  try {
    // Lone surrogates become U+FFFD before anything checks, acks or broadcasts the frame,
    // so the live view and the stored history (UTF-8) show the same text.
    data = wellFormedStrings(
      JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw)),
    )
  } catch {
    return { ok: false, code: 'bad_json', message: 'Frame is not valid JSON' }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      ok: false,
      code: 'bad_frame',
      message: 'Frame must be a JSON object with a string "t"',
    }
  }
  const record = data as Record<string, unknown>
  const cid = typeof record.cid === 'string' && record.cid.length <= 64 ? record.cid : undefined
  if (typeof record.t !== 'string') {
    return { ok: false, code: 'bad_frame', message: 'Frame must have a string "t"', cid }
  }
  const checker = Object.hasOwn(checkers, record.t) ? checkers[record.t] : undefined
  if (!checker) {
    return {
      ok: false,
      code: 'unknown_frame',
      message: `Unknown frame type "${record.t.slice(0, 32)}"`,
      cid,
    }
  }
  if (!checker.Check(data)) {
    const first = checker.Errors(data).First()
    // A path can hold a frame's own key (a cursor's), so it is cut to keep the message short.
    const path = first ? truncate(first.path || '/', 80) : ''
    const where = first ? `${path}: ${first.message}` : 'schema mismatch'
    return { ok: false, code: 'bad_frame', message: `Bad "${record.t}" frame at ${where}`, cid }
  }
  // Message text rules apply to `send`; form fields (offline `text`) get field codes instead.
  if (record.t === 'send' && typeof record.text === 'string') {
    // A file the message carries may go without a caption.
    if (record.text.trim() === '' && record.attachmentId === undefined)
      return { ok: false, code: 'text_empty', message: 'Message text is empty', cid }
    if (record.text.length > limits.maxTextLength) {
      return {
        ok: false,
        code: 'text_too_long',
        message: `Message text is longer than ${limits.maxTextLength} characters`,
        cid,
      }
    }
  }
  return { ok: true, frame: data as F }
}

/**
 * Validates one raw inbound visitor frame: size, JSON, type, schema, text limits. Every
 * string in the frame comes back well formed (lone surrogates replaced by U+FFFD).
 */
export function parseVisitorFrame(
  raw: string | Uint8Array,
  limits: ParseLimits = DEFAULT_LIMITS,
): ParseResult<VisitorInbound> {
  return parseWith<VisitorInbound>(visitorCheckers, raw, limits)
}

/**
 * Validates one raw inbound operator frame: size, JSON, type, schema, text limits. Every
 * string in the frame comes back well formed (lone surrogates replaced by U+FFFD).
 */
export function parseOperatorFrame(
  raw: string | Uint8Array,
  limits: ParseLimits = DEFAULT_LIMITS,
): ParseResult<OperatorInbound> {
  return parseWith<OperatorInbound>(operatorCheckers, raw, limits)
}
