import { describe, expect, it } from 'vitest'
import { HELP, parseCliOptions } from './options.ts'

const parse = (env: Record<string, string>) => parseCliOptions([], env).config

describe('region options', () => {
  it('default to the bundled database, no header and no trusted proxy', () => {
    const config = parse({})
    expect(config.geoip).toEqual({ database: undefined, header: undefined })
    expect(config.trustProxy).toBe(false)
  })

  it('read PARLEY_GEOIP_DB, PARLEY_GEOIP=off, PARLEY_REGION_HEADER and PARLEY_TRUST_PROXY', () => {
    expect(parse({ PARLEY_GEOIP_DB: '/srv/GeoLite2-City.mmdb' }).geoip?.database).toBe(
      '/srv/GeoLite2-City.mmdb',
    )
    expect(parse({ PARLEY_GEOIP: 'off', PARLEY_GEOIP_DB: '/x.mmdb' }).geoip?.database).toBe(false)
    expect(parse({ PARLEY_REGION_HEADER: 'cf-ipcountry' }).geoip?.header).toBe('cf-ipcountry')
    expect(parse({ PARLEY_TRUST_PROXY: '1' }).trustProxy).toBe(true)
    expect(parse({ PARLEY_TRUST_PROXY: 'off' }).trustProxy).toBe(false)
    expect(parse({ PARLEY_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
    ])
  })

  it('are listed in --help', () => {
    for (const name of [
      'PARLEY_GEOIP_DB',
      'PARLEY_GEOIP=off',
      'PARLEY_REGION_HEADER',
      'PARLEY_TRUST_PROXY',
    ]) {
      expect(HELP).toContain(name)
    }
  })
})

describe('public URL, operator origins and connection cap', () => {
  it('are read from PARLEY_PUBLIC_URL, PARLEY_OPERATOR_ORIGINS and PARLEY_MAX_CONNECTIONS_PER_ADDRESS', () => {
    const config = parse({
      PARLEY_PUBLIC_URL: 'https://chat.example.com',
      PARLEY_OPERATOR_ORIGINS: 'https://console.example.com, https://admin.example.com',
      PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '5000',
    })
    expect(config.publicUrl).toBe('https://chat.example.com')
    expect(config.operatorOrigins).toEqual([
      'https://console.example.com',
      'https://admin.example.com',
    ])
    expect(config.maxConnectionsPerAddress).toBe(5000)
    expect(() => parse({ PARLEY_MAX_CONNECTIONS_PER_ADDRESS: 'many' })).toThrow(
      /PARLEY_MAX_CONNECTIONS_PER_ADDRESS must be a non-negative integer/,
    )
    for (const name of [
      'PARLEY_PUBLIC_URL',
      'PARLEY_OPERATOR_ORIGINS',
      'PARLEY_MAX_CONNECTIONS_PER_ADDRESS',
    ]) {
      expect(HELP).toContain(name)
    }
  })
})

describe('visitor token lifetime', () => {
  it('is read from PARLEY_VISITOR_TOKEN_DAYS, renewed after a twelfth of it, and listed in --help', () => {
    const DAY = 24 * 60 * 60 * 1000
    expect(parse({}).visitorTokens).toBeUndefined()
    expect(parse({ PARLEY_VISITOR_TOKEN_DAYS: '24' }).visitorTokens).toEqual({
      ttlMs: 24 * DAY,
      renewAfterMs: 2 * DAY,
    })
    expect(() => parse({ PARLEY_VISITOR_TOKEN_DAYS: '0' })).toThrow(/at least 1/)
    expect(() => parse({ PARLEY_VISITOR_TOKEN_DAYS: 'a year' })).toThrow(/non-negative integer/)
    expect(HELP).toContain('PARLEY_VISITOR_TOKEN_DAYS')
  })
})
