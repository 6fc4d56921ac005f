import type { FastifyInstance } from 'fastify'

const NULL_BODY_STATUSES = new Set([204, 205, 304])
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/**
 * A `fetch` that the relay answers through `app.inject`, so no port is opened. `input` is
 * resolved against `origin`, which is also the `Host` the relay sees unless the caller sends
 * another. The call goes through a standard `Request`, so bodies and their default content
 * types are what `fetch` would send. It follows no redirect: a redirect without
 * `redirect: 'manual'` rejects rather than answer what `fetch` would not.
 */
export function injectFetch(
  app: FastifyInstance,
  origin: string,
): (input: string | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const request = new Request(new URL(input, origin), init)
    const url = new URL(request.url)
    if (url.origin !== origin) throw new Error(`the injected relay answers only at ${origin}`)
    const payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined
    const reply = await app.inject({
      method: request.method as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: { host: url.host, ...Object.fromEntries(request.headers) },
      ...(payload && { payload }),
    })
    if (REDIRECT_STATUSES.has(reply.statusCode) && request.redirect !== 'manual') {
      throw new Error(
        `${request.method} ${url.pathname} redirects to ${reply.headers.location}; pass redirect: 'manual'`,
      )
    }
    const headers = new Headers()
    for (const [name, value] of Object.entries(reply.headers)) {
      if (value === undefined) continue
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, String(one))
    }
    const empty = NULL_BODY_STATUSES.has(reply.statusCode) || request.method === 'HEAD'
    return new Response(empty ? null : new Uint8Array(reply.rawPayload), {
      status: reply.statusCode,
      statusText: reply.statusMessage,
      headers,
    })
  }
}
