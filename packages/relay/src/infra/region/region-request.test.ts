import { afterEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import type { Region, RegionLookup } from './types.ts'

let relay: TestRelay | undefined
afterEach(async () => {
  await relay?.close()
  relay = undefined
})

const presence = async (headers: Record<string, string> = {}) => {
  const response = await relay!.fetch('/v1/sites/shop/presence', { headers })
  expect(response.headers.get('cache-control')).toBe('no-store')
  return response.json()
}

describe('the visitor region, without a socket and in welcome', () => {
  it('comes from the trusted proxy header when one is configured', async () => {
    relay = await injectRelay({ geoip: { header: 'CF-IPCountry', database: false } })
    expect(await presence({ 'cf-ipcountry': 'RU' })).toEqual({
      operatorsOnline: 0,
      available: false,
      region: { country: 'RU' },
    })
    expect((await presence({ 'cf-ipcountry': 'ru-mow' })).region).toEqual({
      country: 'RU',
      region: 'MOW',
    })
    expect(await presence({ 'cf-ipcountry': 'XX' })).not.toHaveProperty('region')
    const { welcome } = await relay.visitor({}, { headers: { 'cf-ipcountry': 'DE-BE' } })
    expect(welcome.region).toEqual({ country: 'DE', region: 'BE' })
  })

  it('ignores that header when it is not configured (any client could send it)', async () => {
    relay = await injectRelay({ geoip: { database: false } })
    expect(await presence({ 'cf-ipcountry': 'RU' })).not.toHaveProperty('region')
    const { welcome } = await relay.visitor({}, { headers: { 'cf-ipcountry': 'RU' } })
    expect(welcome).not.toHaveProperty('region')
  })

  it('is looked up by the X-Forwarded-For address only behind a trusted proxy', async () => {
    // The DB-IP file itself is tested in region.test.ts; here a lookup stands in for it.
    const known: Record<string, Region | undefined> = {
      '77.88.8.8': { country: 'RU', region: 'MOW' },
      '8.8.8.8': { country: 'US', region: 'CA' },
    }
    const lookup: RegionLookup = { lookup: async (ip) => known[ip] }
    relay = await injectRelay({ trustProxy: true, geoip: { lookup } })
    expect((await presence({ 'x-forwarded-for': '77.88.8.8' })).region).toEqual({
      country: 'RU',
      region: 'MOW',
    })
    expect((await presence({ 'x-forwarded-for': '8.8.8.8, 127.0.0.1' })).region).toEqual({
      country: 'US',
      region: 'CA',
    })
    expect(await presence({ 'x-forwarded-for': '10.0.0.7' })).not.toHaveProperty('region')
    await relay.close()
    relay = await injectRelay({ geoip: { lookup } })
    expect(await presence({ 'x-forwarded-for': '77.88.8.8' })).not.toHaveProperty('region')
  })

  it('asks an injected lookup with the client address, once per request', async () => {
    const asked: string[] = []
    const lookup: RegionLookup = {
      lookup: async (ip) => {
        asked.push(ip)
        return { country: 'KZ' }
      },
    }
    relay = await injectRelay({ geoip: { lookup } })
    const { welcome } = await relay.visitor()
    expect(welcome.region).toEqual({ country: 'KZ' })
    expect((await presence()).region).toEqual({ country: 'KZ' })
    expect(asked).toEqual(['127.0.0.1', '127.0.0.1'])
  })

  it('is unknown, not an error, when the lookup fails', async () => {
    relay = await injectRelay({
      geoip: {
        lookup: {
          lookup: async () => {
            throw new Error('broken database')
          },
        },
      },
    })
    expect(await presence()).toEqual({ operatorsOnline: 0, available: false })
    const { welcome } = await relay.visitor()
    expect(welcome).not.toHaveProperty('region')
  })
})
