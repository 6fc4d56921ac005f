import createError, { type FastifyErrorConstructor } from '@fastify/error'
import { ERROR_CODES, type ErrorBody, type ErrorCode, type FieldError } from '@parley/protocol'

/**
 * Every error the relay raises, one `@fastify/error` constructor per wire code in
 * `ERROR_CODES`, so REST replies and `error` frames carry the same stable code.
 */
const constructors = Object.fromEntries(
  Object.entries(ERROR_CODES).map(([code, { status, message }]) => [
    code,
    createError(code, message, status),
  ]),
) as Record<ErrorCode, FastifyErrorConstructor>

/** A relay error: `code` is a wire code, `statusCode` its HTTP status. */
export interface RelayError extends Error {
  code: ErrorCode
  statusCode: number
  /** With `field_invalid`: each failed field and its code. */
  fields?: FieldError[]
}

/** Creates the error for `code`, optionally with a more specific message. */
export function relayError(code: ErrorCode, message?: string): RelayError {
  const error = new constructors[code]() as unknown as RelayError
  // @fastify/error upper-cases codes; the wire code is the lower-case one.
  error.code = code
  if (message) error.message = message
  return error
}

/** A `field_invalid` error naming each failed field (prefixed with `prefix`, e.g. `agreement.`). */
export function fieldError(fields: FieldError[], prefix = ''): RelayError {
  const error = relayError(
    'field_invalid',
    `Invalid: ${fields.map((f) => `${prefix}${f.field} (${f.code})`).join(', ')}`,
  )
  error.fields = fields.map((f) => ({ field: `${prefix}${f.field}`, code: f.code }))
  return error
}

/** True when `error` carries one of the protocol's error codes. */
export function isRelayError(error: unknown): error is RelayError {
  const code = error instanceof Error ? (error as unknown as { code?: unknown }).code : undefined
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code)
}

/** The REST body and status for any error thrown while handling a request. */
export function toErrorReply(error: unknown): { status: number; body: ErrorBody } {
  if (isRelayError(error)) {
    const body: ErrorBody = { code: error.code, message: error.message }
    if (error.fields) body.fields = error.fields
    return { status: error.statusCode, body }
  }
  const e = error as { validation?: unknown; statusCode?: number; code?: string; message?: string }
  if (e.validation) {
    return { status: 400, body: { code: 'bad_request', message: e.message ?? 'Bad request' } }
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, body: { code: 'frame_too_large', message: 'Request body is too large' } }
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { code: 'bad_request', message: e.message ?? '' } }
  }
  return { status: 500, body: { code: 'internal', message: ERROR_CODES.internal.message } }
}
