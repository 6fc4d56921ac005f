import type { Region } from './types.ts'

/**
 * Reads a trusted proxy's region header: `RU` (Cloudflare's `cf-ipcountry`), `RU-MOW`,
 * `RU MOW` or `RU/MOW`. Unknown markers (`XX`, `T1` for Tor, empty) give undefined.
 */
export function parseRegionHeader(value: string | string[] | undefined): Region | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim().toUpperCase()
  if (!raw) return undefined
  const match = /^([A-Z]{2})(?:[-_ /]([A-Z0-9]{1,3}))?$/.exec(raw)
  if (!match) return undefined
  const country = match[1]!
  if (country === 'XX' || country === 'ZZ' || country === 'T1') return undefined
  return match[2] ? { country, region: match[2] } : { country }
}
