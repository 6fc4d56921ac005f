import type { VisitRegion } from '@parley/protocol'

/** Where a visitor is: ISO 3166-1 alpha-2 `country`, ISO 3166-2 `region` code without prefix. */
export type Region = VisitRegion

/**
 * Finds the region of an IP address. `undefined` means unknown (private or reserved
 * address, not in the database, database disabled or unreadable): a region condition is
 * then false, never an error.
 */
export interface RegionLookup {
  lookup(ip: string): Promise<Region | undefined>
  /** Releases the database, if one was opened. */
  close?(): void
}

/** A lookup that never knows: `PARLEY_GEOIP=off`. */
export const NO_REGION: RegionLookup = { lookup: async () => undefined }
