import type { Ack, ErrorBody } from '@parley/protocol'
import { ParleyError } from './errors.ts'
import { createCid } from './outbox.ts'
import type { KeyValueStorage } from './storage.ts'

export interface WithdrawConsentOptions {
  /** The relay's origin, as for the visitor client. */
  host: string
  site: string
  /** The visitor's token; by default the one the visitor client keeps in `storage`. */
  token?: string
  /** Where the visitor client keeps the token (`parley:<site>:token`). */
  storage?: KeyValueStorage
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** Client id of the request: a retry with the same one is answered the same. @default random */
  cid?: string
}

/**
 * Withdraws every consent the visitor gave on the site (`POST /v1/sites/:site/consents/withdraw`
 * with the visitor's token: the relay records when, and what was sent stays until the site
 * erases it). A separate function rather than a method of the visitor client, so that the
 * widget, which does not offer it, does not carry it. Rejects with a {@link ParleyError}:
 * `token_invalid` (no token, or one the relay refuses), any relay code, or `http_failed`.
 */
export async function withdrawConsent(options: WithdrawConsentOptions): Promise<Ack> {
  const token = options.token ?? options.storage?.getItem(`parley:${options.site}:token`)
  if (!token) throw new ParleyError('token_invalid', 'No visitor token: nothing to withdraw')
  const cid = options.cid ?? createCid()
  const url = new URL(
    `/v1/sites/${encodeURIComponent(options.site)}/consents/withdraw`,
    options.host,
  ).href
  let response: Response
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, cid }),
    })
  } catch (error) {
    throw new ParleyError('http_failed', String(error), cid)
  }
  const body = (await response.json().catch(() => ({}))) as Partial<Omit<Ack, 't'> & ErrorBody>
  if (!response.ok) {
    throw new ParleyError(
      typeof body.code === 'string' ? body.code : 'http_failed',
      body.message,
      cid,
    )
  }
  return { t: 'ack', cid, id: String(body.id), at: Number(body.at) }
}
