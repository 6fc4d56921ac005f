import type { ErrorCode, FieldError } from '@parley/protocol'

/** Errors the client raises itself, before or without the relay. */
export const CLIENT_ERRORS = {
  destroyed: 'The client was destroyed; create a new one',
  connection_lost: 'The connection closed and will not be retried',
  http_failed: 'The relay answered an HTTP request with an error',
} as const

/** Refusals worth trying again later (after the next welcome, or the next HTTP attempt). */
export const TRANSIENT_CODES: readonly string[] = ['rate_limited', 'shutting_down', 'internal']

/** A stable code: a wire code from `@parley/protocol` or one of {@link CLIENT_ERRORS}. */
export type ParleyErrorCode = ErrorCode | keyof typeof CLIENT_ERRORS

/**
 * Every runtime failure the client reports (rejected promises, `error` events).
 * Branch on `code`, never on `message`.
 */
export class ParleyError extends Error {
  /** Stable code, e.g. `text_empty`, `unauthorized`, `destroyed`. */
  code: ParleyErrorCode
  /** The client id of the frame that failed, when the error is about one frame. */
  cid?: string
  /** With `field_invalid`: which form fields failed, with stable field codes. */
  fields?: FieldError[]

  constructor(code: ParleyErrorCode, message?: string, cid?: string, fields?: FieldError[]) {
    super(message ?? (CLIENT_ERRORS as Record<string, string>)[code] ?? code)
    this.name = 'ParleyError'
    this.code = code
    if (cid !== undefined) this.cid = cid
    if (fields) this.fields = fields
  }
}
