import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { adminFetch, CONSENT, FORM_SITES } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { toSiteRecord } from './sites.ts'

// `shop` is a ru site with an agreement; `other` an en site without one.
let relay: TestRelay
let cookie: string
beforeEach(async () => {
  relay = await injectRelay({ sites: [{ ...FORM_SITES[0]!, workingHours: null }, FORM_SITES[1]!] })
  cookie = await relay.login()
})
afterEach(async () => {
  await relay.close()
})

const put = (site: string, body: unknown) =>
  adminFetch(relay, cookie, 'PUT', `/v1/admin/sites/${site}`, body)
const config = async (site: string) =>
  (await (await relay.fetch(`/v1/sites/${site}/config`)).json()) as {
    defaultCountry?: string | null
    configVersion: string
  }
const callback = (phone: string, cid: string) =>
  relay.fetch('/v1/sites/shop/callback', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'ru' },
    body: JSON.stringify({ cid, name: 'Anna', phone, when: 'asap', consent: CONSENT }),
  })

describe("a site's default phone country", () => {
  it('is RU for a ru site and none for an en site unless configured, in the admin settings and the public config', async () => {
    expect((await adminFetch(relay, cookie, 'GET', '/v1/admin/sites/shop')).body).toMatchObject({
      defaultCountry: 'RU',
    })
    expect((await adminFetch(relay, cookie, 'GET', '/v1/admin/sites/other')).body).toMatchObject({
      defaultCountry: null,
    })
    expect((await config('shop')).defaultCountry).toBe('RU')
    expect((await config('other')).defaultCountry).toBe(null)
  })

  it("is saved by an admin, changes the config version, and decides how the relay reads a number without '+'", async () => {
    const before = await config('shop')
    const { status, body } = await put('shop', { defaultCountry: 'US' })
    expect(status).toBe(200)
    expect(body).toMatchObject({ defaultCountry: 'US' })
    const after = await config('shop')
    expect(after.defaultCountry).toBe('US')
    expect(after.configVersion).not.toBe(before.configVersion)

    const american = await callback('(212) 555-0123', 'us-1')
    expect(american.status).toBe(200)
    const { conversationId } = (await american.json()) as { conversationId: string }
    expect((await relay.app.conversations.get(conversationId))?.visitorPhone).toBe('+12125550123')
    // The ru page language does not make `8 …` Russian on a US site.
    const russian = await callback('8 916 123-45-67', 'ru-1')
    expect(russian.status).toBe(400)
    expect(await russian.json()).toMatchObject({
      code: 'field_invalid',
      fields: [{ field: 'phone', code: 'phone_invalid' }],
    })
  })

  it("set to none, every number needs its '+'", async () => {
    expect((await put('shop', { defaultCountry: null })).body).toMatchObject({
      defaultCountry: null,
    })
    expect((await callback('8 916 123-45-67', 'none-1')).status).toBe(400)
    expect((await callback('+7 916 123-45-67', 'none-2')).status).toBe(200)
  })

  for (const bad of ['XX', 'ru', 'RUS', 'EU', 'R']) {
    it(`refuses ${JSON.stringify(bad)} with field_invalid country_invalid and changes nothing`, async () => {
      const before = await config('shop')
      const { status, body } = await put('shop', { defaultCountry: bad })
      expect(status).toBe(400)
      expect(body).toMatchObject({
        code: 'field_invalid',
        fields: [{ field: 'defaultCountry', code: 'country_invalid' }],
      })
      expect(await config('shop')).toEqual(before)
    })
  }

  it('refuses a value of the wrong type with bad_request', async () => {
    const { status, body } = await put('shop', { defaultCountry: { code: 'RU' } })
    expect(status).toBe(400)
    expect(body).toMatchObject({ code: 'bad_request' })
    expect((await config('shop')).defaultCountry).toBe('RU')
  })

  it('in a site definition, an unknown code stops the relay at start with a message that says what to give', () => {
    expect(() => toSiteRecord({ id: 'shop', defaultCountry: 'Russia' })).toThrow(
      'Site "shop": defaultCountry "Russia" must be an ISO 3166-1 alpha-2 code such as "RU", or null',
    )
  })

  it('of a site stored before the setting existed is derived from its locale', async () => {
    const { siteId, name, configVersion, defaultCountry, ...rest } = (await relay.app.sites.get(
      'shop',
    ))!.config
    const stored = {
      ...(await relay.app.sites.get('shop'))!,
      config: { siteId, name, configVersion, ...rest },
    }
    expect(defaultCountry).toBe('RU')
    expect(toSiteRecord({ id: 'shop' }, stored).config.defaultCountry).toBe('RU')
    expect(
      toSiteRecord({ id: 'shop' }, { ...stored, config: { ...stored.config, locale: 'en' } }).config
        .defaultCountry,
    ).toBe(null)
  })
})
