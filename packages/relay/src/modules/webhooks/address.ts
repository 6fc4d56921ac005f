import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

/**
 * The SSRF guard: a webhook may only reach public unicast addresses, unless the relay's
 * configuration allows private networks (all of them, or some CIDRs). Checked when an
 * endpoint is saved and again, on every address the host resolves to, at each delivery
 * (the connection uses the address that was checked, so DNS rebinding gains nothing).
 */

/** What kind of address it is: `public` is the only one allowed by default. */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'unique_local'
  | 'multicast'
  | 'unspecified'
  | 'reserved'

/** ipaddr.js ranges (`range()`) and what the guard calls them. */
const RANGES: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  carrierGradeNat: 'private',
  linkLocal: 'link_local',
  uniqueLocal: 'unique_local',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'reserved',
  reserved: 'reserved',
  // NAT64 / 6to4 / Teredo embed other addresses; the benchmark and documentation ranges
  // are nobody's server. None of them is a public webhook receiver.
  rfc6052: 'reserved',
  '6to4': 'reserved',
  teredo: 'reserved',
  benchmarking: 'reserved',
  amt: 'reserved',
  as112: 'reserved',
  as112v6: 'reserved',
  orchid2: 'reserved',
  droneRemoteIdProtocolEntityTags: 'reserved',
  deprecated: 'reserved',
  discard: 'reserved',
  rfc6145: 'reserved',
}

/** Classifies an IPv4 or IPv6 address; an IPv4-mapped IPv6 address is its IPv4 address. */
export function classifyAddress(address: string): AddressClass {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''))
  } catch {
    return 'reserved'
  }
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address()
  }
  const range = parsed.range()
  if (parsed.kind() === 'ipv4' && /^0\./.test(parsed.toString())) return 'unspecified'
  return RANGES[range] ?? 'reserved'
}

/** Which non-public addresses the configuration allows: none, all, or those in some CIDRs. */
export type PrivateNetworks = boolean | readonly string[]

/** Whether a delivery may connect to this address. */
export function addressAllowed(address: string, allow: PrivateNetworks): boolean {
  if (classifyAddress(address) === 'public') return true
  if (allow === true) return true
  if (allow === false || allow.length === 0) return false
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.process(address.replace(/^\[|\]$/g, ''))
  } catch {
    return false
  }
  return allow.some((cidr) => {
    try {
      const range = cidr.includes('/')
        ? ipaddr.parseCIDR(cidr)
        : ipaddr.parseCIDR(`${cidr}/${cidr.includes(':') ? 128 : 32}`)
      const base =
        range[0].kind() === 'ipv6' && (range[0] as ipaddr.IPv6).isIPv4MappedAddress()
          ? ipaddr.parseCIDR(
              `${(range[0] as ipaddr.IPv6).toIPv4Address()}/${Math.max(0, range[1] - 96)}`,
            )
          : range
      return parsed.kind() === base[0].kind() && parsed.match(base)
    } catch {
      return false
    }
  })
}

/** Why a URL is refused: a stable code for the REST reply and the delivery log. */
export type UrlRefusal = 'url_invalid' | 'webhook_url_private' | 'webhook_url_unresolvable'

export class UrlRefused extends Error {
  constructor(
    readonly code: UrlRefusal,
    message: string,
  ) {
    super(message)
  }
}

/** Resolves a host name to all of its addresses (an address literal is itself). */
export type Resolver = (host: string) => Promise<string[]>

export const dnsResolver: Resolver = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
      if (error) reject(error)
      else resolve(addresses.map((a) => a.address))
    })
  })

/** The URL's host without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '')
}

/** Refuses what is not an http(s) URL without credentials; returns it parsed. */
export function parseEndpointUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UrlRefused('url_invalid', 'Not a URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlRefused('url_invalid', 'Only http and https URLs are allowed')
  }
  if (url.username !== '' || url.password !== '') {
    throw new UrlRefused('url_invalid', 'A URL with credentials is not allowed')
  }
  if (url.hostname === '') throw new UrlRefused('url_invalid', 'The URL has no host')
  return url
}

/**
 * Checks a URL for an endpoint: http(s), no credentials, and a host whose every address
 * is allowed. Resolves to the addresses checked.
 */
export async function checkEndpointUrl(
  raw: string,
  allow: PrivateNetworks,
  resolve: Resolver = dnsResolver,
): Promise<string[]> {
  const url = parseEndpointUrl(raw)
  const host = hostOf(url)
  let addresses: string[]
  if (isIP(host)) addresses = [host]
  else {
    try {
      addresses = await resolve(host)
    } catch {
      throw new UrlRefused('webhook_url_unresolvable', `${host} does not resolve`)
    }
    if (addresses.length === 0) {
      throw new UrlRefused('webhook_url_unresolvable', `${host} does not resolve`)
    }
  }
  const refused = addresses.find((address) => !addressAllowed(address, allow))
  if (refused !== undefined) {
    throw new UrlRefused(
      'webhook_url_private',
      `${host} resolves to ${refused} (${classifyAddress(refused)}), which is not allowed`,
    )
  }
  return addresses
}

/**
 * A `dns.lookup` for connections that refuses a host with any address not allowed, so the
 * address connected to is one that was checked.
 */
export function guardedLookup(allow: PrivateNetworks, resolve: Resolver = dnsResolver) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    resolve(hostname).then(
      (found) => {
        const addresses = found.map((address) => ({ address, family: isIP(address) }))
        const refused = addresses.find((a) => !addressAllowed(a.address, allow))
        if (refused || addresses.length === 0) {
          const denied = Object.assign(
            new Error(
              `${hostname} resolves to ${refused?.address ?? 'nothing'}, which is not allowed`,
            ),
            { code: 'WEBHOOK_URL_PRIVATE' },
          )
          return callback(denied, '')
        }
        if (options.all) return callback(null, addresses)
        const first = addresses[0]!
        callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    )
  }
}
