import { describe, expect, it } from 'vitest'
import { parseRegionHeader } from './header.ts'
import { createMaxmindLookup, dbipCityFiles, isPrivateAddress, toRegion } from './maxmind.ts'
import { normalizeName, subdivisionCode } from './subdivisions.ts'

describe('the bundled DB-IP city database', () => {
  const lookup = createMaxmindLookup()

  it.each([
    ['8.8.8.8', { country: 'US', region: 'CA' }],
    ['77.88.8.8', { country: 'RU', region: 'MOW' }],
    ['81.2.69.142', { country: 'GB', region: 'ENG' }],
    ['1.1.1.1', { country: 'AU' }],
    ['2a02:6b8::feed:0ff', { country: 'RU', region: 'MOW' }],
    ['::ffff:77.88.8.8', { country: 'RU', region: 'MOW' }],
  ])('places %s in %j', async (ip, region) => {
    expect(await lookup.lookup(ip)).toEqual(region)
  })

  it.each(['127.0.0.1', '10.1.2.3', '192.168.0.10', '172.20.0.1', '::1', 'fe80::1', 'not an ip'])(
    'does not know %s',
    async (ip) => {
      expect(await lookup.lookup(ip)).toBeUndefined()
    },
  )

  it('resolves both files from the installed package', () => {
    const files = dbipCityFiles()
    expect(files.ipv4).toMatch(/dbip-city-ipv4\.mmdb$/)
    expect(files.ipv6).toMatch(/dbip-city-ipv6\.mmdb$/)
  })
})

describe('a lookup whose database cannot be opened', () => {
  it('answers unknown and reports the error once', async () => {
    const errors: Error[] = []
    const lookup = createMaxmindLookup({
      files: '/nonexistent/city.mmdb',
      onError: (error) => errors.push(error),
    })
    expect(await lookup.lookup('8.8.8.8')).toBeUndefined()
    expect(await lookup.lookup('77.88.8.8')).toBeUndefined()
    expect(errors).toHaveLength(1)
  })

  it('never opens a database for private addresses', async () => {
    const errors: Error[] = []
    const lookup = createMaxmindLookup({
      files: '/nonexistent/city.mmdb',
      onError: (e) => errors.push(e),
    })
    expect(await lookup.lookup('127.0.0.1')).toBeUndefined()
    expect(errors).toEqual([])
    expect(isPrivateAddress('100.64.0.1')).toBe(true)
    expect(isPrivateAddress('100.128.0.1')).toBe(false)
  })
})

describe('database records', () => {
  it('reads MaxMind GeoIP2 records by their ISO codes', () => {
    expect(toRegion({ country: { iso_code: 'RU' }, subdivisions: [{ iso_code: 'SPE' }] })).toEqual({
      country: 'RU',
      region: 'SPE',
    })
    expect(toRegion({ registered_country: { iso_code: 'de' } })).toEqual({ country: 'DE' })
  })

  it('maps DB-IP region names to ISO 3166-2 codes, and leaves unknown names out', () => {
    expect(toRegion({ country_code: 'RU', state1: 'Moscow Oblast' })).toEqual({
      country: 'RU',
      region: 'MOS',
    })
    expect(toRegion({ country_code: 'FR', state1: 'Île-de-France' })).toEqual({ country: 'FR' })
    expect(toRegion({ country_code: 'ZZ' })).toBeUndefined()
    expect(toRegion(null)).toBeUndefined()
  })

  it.each([
    ['RU', 'St.-Petersburg', 'SPE'],
    ['RU', 'Leningradskaya Oblast’', 'LEN'],
    ['RU', 'Altai', 'AL'],
    ['RU', 'Altay Kray', 'ALT'],
    ['RU', 'Tver’ Oblast', 'TVE'],
    ['RU', 'North Ossetia–Alania', 'SE'],
    ['RU', 'Tatarstan Republic', 'TA'],
    ['US', 'District of Columbia', 'DC'],
    ['DE', 'Baden-Württemberg', 'BW'],
    ['DE', 'State of Berlin', 'BE'],
    ['BY', 'Minsk City', 'HM'],
    ['BY', 'Homyel’ Voblasc’', 'HO'],
  ])('%s "%s" is %s', (country, name, code) => {
    expect(subdivisionCode(country, name)).toBe(code)
  })

  it('normalises names without diacritics or apostrophes', () => {
    expect(normalizeName('Stavropol’ Kray')).toBe('stavropol kray')
  })
})

describe('a trusted proxy header', () => {
  it.each([
    ['RU', { country: 'RU' }],
    ['ru-mow', { country: 'RU', region: 'MOW' }],
    ['US CA', { country: 'US', region: 'CA' }],
    ['XX', undefined],
    ['T1', undefined],
    ['', undefined],
    ['Russia', undefined],
  ])('reads %j as %j', (value, region) => {
    expect(parseRegionHeader(value)).toEqual(region)
  })
})
