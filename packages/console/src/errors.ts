import type { ErrorCode, FieldError } from '@parley/protocol'

/** Codes the console adds to the relay's wire codes. */
export type ConsoleErrorCode = ErrorCode | 'network' | 'bad_response'

/** A failed console request: `code` is stable, `message` is fit to show an operator. */
export class ConsoleError extends Error {
  readonly code: ConsoleErrorCode
  /** HTTP status, when the relay answered. */
  readonly status: number | undefined
  /** With `field_invalid`: which fields failed and why. */
  readonly fields: readonly FieldError[]

  constructor(
    code: ConsoleErrorCode,
    message: string,
    status?: number,
    fields: readonly FieldError[] = [],
  ) {
    super(message)
    this.name = 'ConsoleError'
    this.code = code
    this.status = status
    this.fields = fields
  }
}
