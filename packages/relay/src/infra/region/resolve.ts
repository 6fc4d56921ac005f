import type { IncomingHttpHeaders } from 'node:http'
import { parseRegionHeader } from './header.ts'
import type { Region, RegionLookup } from './types.ts'

/** Finds a request's region: the trusted header if configured and usable, else the IP lookup. */
export type RegionResolver = (request: {
  ip: string
  headers: IncomingHttpHeaders
}) => Promise<Region | undefined>

export function createRegionResolver(options: {
  lookup: RegionLookup
  /** Header set by a trusted proxy (`cf-ipcountry`, or one holding `CC-RR`). */
  header?: string
}): RegionResolver {
  const header = options.header?.trim().toLowerCase() || undefined
  return async (request) => {
    if (header) {
      const region = parseRegionHeader(request.headers[header])
      if (region) return region
    }
    try {
      return await options.lookup.lookup(request.ip)
    } catch {
      return undefined
    }
  }
}
