import type { CannedListReply, CannedResponse } from '@parley/protocol'
import type { RestApi } from './rest-api.ts'

const cache = new WeakMap<RestApi, Promise<CannedResponse[]>>()

/**
 * The operator's canned responses (their own, then their groups'), loaded once per session
 * and shared by every open conversation. A failed load is forgotten, so the next one retries.
 */
export function loadCanned(api: RestApi): Promise<CannedResponse[]> {
  let loaded = cache.get(api)
  if (!loaded) {
    loaded = api.get<CannedListReply>('/v1/canned').then((reply) => reply.responses)
    loaded.catch(() => cache.delete(api))
    cache.set(api, loaded)
  }
  return loaded
}

/** After a change in Settings: the next `loadCanned` asks the relay again. */
export function forgetCanned(api: RestApi): void {
  cache.delete(api)
}

/** Responses whose shortcut starts with `query` (case-insensitive), at most `limit`. */
export function matchCanned(
  responses: readonly CannedResponse[],
  query: string,
  limit = 8,
): CannedResponse[] {
  const wanted = query.toLowerCase()
  return responses.filter((r) => r.shortcut.startsWith(wanted)).slice(0, limit)
}
