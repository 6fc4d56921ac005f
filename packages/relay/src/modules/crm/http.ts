import type { DeliveryAttempt } from '../webhooks/destination.ts'

/** Most characters of an answer kept for the delivery log. */
export const EXCERPT_LENGTH = 500

/** One answered HTTP request: its status, parsed JSON (if any) and the start of its text. */
export interface HttpAnswer {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: a CRM's JSON is read field by field, checked where used
  json: any
  excerpt: string
}

/** An HTTP request that got no answer (refused, reset, timed out, aborted). */
export class NoAnswer extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.name = 'NoAnswer'
  }
}

/** Sends a request and reads its answer as JSON (an empty or non-JSON body reads as null). */
export async function request(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  let response: Response
  let text: string
  try {
    response = await fetchFn(url, { ...init, signal, redirect: 'manual' })
    text = await response.text()
  } catch (error) {
    throw new NoAnswer(error)
  }
  let json: unknown = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = null
  }
  return { status: response.status, json, excerpt: text.slice(0, EXCERPT_LENGTH) }
}

/** Milliseconds since `start` (`performance.now()`), whole. */
export function since(start: number): number {
  return Math.round(performance.now() - start)
}

/** A call the CRM answered with an error: the attempt it ends, and whether a retry may mend it. */
export class CallFailed extends Error {
  constructor(
    readonly answer: HttpAnswer,
    readonly retryable: boolean,
    message: string,
  ) {
    super(message)
    this.name = 'CallFailed'
  }
}

/** The attempt a failed call ends with; a programming error is thrown on. */
export function failedAttempt(start: number, error: unknown): DeliveryAttempt {
  if (error instanceof CallFailed) {
    return {
      ok: false,
      status: error.answer.status,
      latencyMs: since(start),
      excerpt: error.answer.excerpt,
      retryable: error.retryable,
      error: error.message,
    }
  }
  if (error instanceof NoAnswer) {
    return {
      ok: false,
      status: null,
      latencyMs: since(start),
      excerpt: '',
      retryable: true,
      error: `no answer: ${error.message}`,
    }
  }
  throw error
}
