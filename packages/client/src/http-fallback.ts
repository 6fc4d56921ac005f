import type { Ack, ErrorBody } from '@parley/protocol'
import { ParleyError, TRANSIENT_CODES } from './errors.ts'
import type { OutboxFrame } from './outbox.ts'

/** What `POST /v1/sites/:site/callback|offline` answers: an ack, and a token for a new visitor. */
export interface HttpAck extends Omit<Ack, 't'> {
  token?: string
}

export interface HttpFallbackOptions {
  host: string
  site: string
  fetch: typeof fetch
  /** The visitor's token, if any; a reply's token is stored through `setToken`. */
  token(): string | null
  setToken(token: string): void
}

/** A refusal of the HTTP fallback; `retry` when the form should stay queued for another try. */
export type HttpError = ParleyError & { cid: string; retry: boolean }

/**
 * Posts one form frame to the relay's HTTP fallback. Resolves with the ack;
 * rejects with an {@link HttpError}: the relay's code (final unless transient),
 * or `http_failed` when the request did not get an answer (try again later).
 */
export async function postForm(options: HttpFallbackOptions, frame: OutboxFrame): Promise<Ack> {
  try {
    return await post(options, frame)
  } catch (error) {
    const e = error as HttpError
    e.retry = e.code === 'http_failed' || TRANSIENT_CODES.includes(e.code)
    throw e
  }
}

async function post(options: HttpFallbackOptions, frame: OutboxFrame): Promise<Ack> {
  const { t, ...fields } = frame
  const token = options.token()
  const url = new URL(`/v1/sites/${encodeURIComponent(options.site)}/${t}`, options.host).href
  let response: Response
  try {
    response = await options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(token ? { token, ...fields } : fields),
    })
  } catch (error) {
    throw new ParleyError('http_failed', String(error), frame.cid)
  }
  const body = (await response.json().catch(() => ({}))) as Partial<HttpAck & ErrorBody>
  if (!response.ok) {
    const code = typeof body.code === 'string' ? body.code : 'http_failed'
    throw new ParleyError(code, body.message, frame.cid, body.fields)
  }
  if (body.token && !token) options.setToken(body.token)
  const { token: _, ...ack } = body as HttpAck
  return { t: 'ack', ...ack }
}
