import type { ErrorCode } from '@parley/protocol'

/** Codes the console adds to the relay's wire codes. */
export type ConsoleErrorCode = ErrorCode | 'network' | 'bad_response'

/** A failed console request: `code` is stable, `message` is fit to show an operator. */
export class ConsoleError extends Error {
  readonly code: ConsoleErrorCode
  /** HTTP status, when the relay answered. */
  readonly status: number | undefined

  constructor(code: ConsoleErrorCode, message: string, status?: number) {
    super(message)
    this.name = 'ConsoleError'
    this.code = code
    this.status = status
  }
}
