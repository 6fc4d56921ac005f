import { afterEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'

let relay: TestRelay | undefined
afterEach(async () => {
  await relay?.close()
  relay = undefined
})

describe('GET /v1/sites/:site/config', () => {
  it('returns the site config with an ETag and 304 for a matching If-None-Match', async () => {
    relay = await injectRelay({
      sites: [{ id: 'shop', name: 'Shop', locale: 'ru', chat: { title: 'Чат' } }],
    })
    const response = await relay.fetch('/v1/sites/shop/config')
    expect(response.status).toBe(200)
    const config = await response.json()
    expect(config).toEqual({
      siteId: 'shop',
      name: 'Shop',
      configVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
      locale: 'ru',
      storage: 'consent',
      defaultCountry: 'RU',
      theme: { accent: expect.any(String), position: 'right' },
      chat: { title: 'Чат', greeting: expect.any(String) },
      button: {
        label: expect.any(String),
        position: 'right',
        offsetX: 20,
        offsetY: 20,
        color: expect.any(String),
      },
      channels: { chat: true, callback: true },
      workingHours: null,
      prechat: { enabled: false, fields: ['name', 'email'] },
      agreement: null,
      identityVerification: 'off',
      scenarios: [],
      scenarioSettings: { minGapSeconds: 0 },
    })
    const etag = response.headers.get('etag')
    expect(etag).toBe(`"${config.configVersion}"`)
    const cached = await relay.fetch('/v1/sites/shop/config', {
      headers: { 'if-none-match': etag! },
    })
    expect(cached.status).toBe(304)
    expect(await cached.text()).toBe('')
    const stale = await relay.fetch('/v1/sites/shop/config', {
      headers: { 'if-none-match': '"old"' },
    })
    expect(stale.status).toBe(200)
  })

  it('announces the same configVersion in the visitor welcome', async () => {
    relay = await injectRelay()
    const config = await (await relay.fetch('/v1/sites/shop/config')).json()
    const { welcome } = await relay.visitor()
    expect(welcome.configVersion).toBe(config.configVersion)
  })

  it('changes the ETag when the site config changes', async () => {
    relay = await injectRelay({
      sites: [
        { id: 'shop', name: 'A' },
        { id: 'two', name: 'B' },
      ],
    })
    const a = (await relay.fetch('/v1/sites/shop/config')).headers.get('etag')
    const b = (await relay.fetch('/v1/sites/two/config')).headers.get('etag')
    expect(a).not.toBe(b)
  })

  it('sends CORS headers only to allowed origins', async () => {
    relay = await injectRelay({ allowedOrigins: ['https://shop.example'] })
    const allowed = await relay.fetch('/v1/sites/shop/config', {
      headers: { origin: 'https://shop.example' },
    })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    expect(allowed.headers.get('vary')).toContain('Origin')
    const other = await relay.fetch('/v1/sites/shop/config', {
      headers: { origin: 'https://evil.example' },
    })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers an unknown site with 404 site_not_found', async () => {
    relay = await injectRelay()
    const response = await relay.fetch('/v1/sites/nope/config')
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      code: 'site_not_found',
      message: 'No site with this id',
    })
  })
})

describe('GET /healthz', () => {
  it('reports ok with the version and protocol', async () => {
    relay = await injectRelay()
    const response = await relay.fetch('/healthz')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', version: '0.1.0', protocol: 1 })
  })
})
