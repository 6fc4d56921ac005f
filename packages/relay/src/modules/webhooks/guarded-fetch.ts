import { isIP } from 'node:net'
import { Agent, fetch as undiciFetch } from 'undici'
import {
  addressAllowed,
  guardedLookup,
  type PrivateNetworks,
  parseEndpointUrl,
  type Resolver,
} from './address.ts'

/**
 * The fetch destinations get: http(s) only, no credentials in the URL, no redirect
 * followed, and only to addresses the SSRF guard allows — checked on the address the
 * connection is made to (a host name's every address, at connect time).
 */
export function createGuardedFetch(
  allow: PrivateNetworks,
  resolve?: Resolver,
): {
  fetch: typeof fetch
  close(): Promise<void>
} {
  const agent = new Agent({
    connect: { lookup: guardedLookup(allow, resolve) as never },
    // Delivery workers reuse connections to a receiver.
    keepAliveTimeout: 10_000,
  })
  const literals = new Map<string, boolean>()
  const guarded = async (input: string | URL | Request, init?: RequestInit) => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    let url: URL
    try {
      url = parseEndpointUrl(raw)
    } catch (error) {
      throw new TypeError('fetch failed', {
        cause: { code: 'WEBHOOK_URL_INVALID', message: (error as Error).message },
      })
    }
    const host = url.hostname.replace(/^\[|\]$/g, '')
    // An address literal is never looked up: check it here (once per address: `allow` is fixed).
    let allowed = literals.get(host)
    if (allowed === undefined && isIP(host)) {
      allowed = addressAllowed(host, allow)
      if (literals.size < 1000) literals.set(host, allowed)
    }
    if (allowed === false) {
      throw new TypeError('fetch failed', {
        cause: { code: 'WEBHOOK_URL_PRIVATE', message: `${host} is not allowed` },
      })
    }
    return (await undiciFetch(url, {
      ...(init as object),
      redirect: 'manual',
      dispatcher: agent,
    })) as unknown as Response
  }
  return { fetch: guarded as typeof fetch, close: () => agent.close() }
}
