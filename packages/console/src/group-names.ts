import type { GroupListReply } from '@parley/protocol'
import type { RestApi } from './rest-api.ts'

const cache = new WeakMap<RestApi, Map<string, Promise<Map<string, string>>>>()

/**
 * The names of a site's routing groups by id (`GET /v1/admin/sites/:site/groups`), loaded once
 * per session and site. A failed load is forgotten, so the next one retries.
 */
export function loadGroupNames(api: RestApi, siteId: string): Promise<Map<string, string>> {
  let sites = cache.get(api)
  if (!sites) {
    sites = new Map()
    cache.set(api, sites)
  }
  let loaded = sites.get(siteId)
  if (!loaded) {
    loaded = api
      .get<GroupListReply>(`/v1/admin/sites/${encodeURIComponent(siteId)}/groups`)
      .then((reply) => new Map(reply.groups.map((g) => [g.id, g.name])))
    loaded.catch(() => sites.delete(siteId))
    sites.set(siteId, loaded)
  }
  return loaded
}
