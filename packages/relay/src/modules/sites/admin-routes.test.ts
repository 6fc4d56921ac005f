import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { adminFetch, CONSENT, FORM_SITES, TEMPLATE, VERSION } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
let cookie: string
beforeEach(async () => {
  relay = await injectRelay({ sites: FORM_SITES })
  cookie = await relay.login()
})
afterEach(async () => {
  await relay.close()
})

const put = (site: string, body: unknown) =>
  adminFetch(relay, cookie, 'PUT', `/v1/admin/sites/${site}`, body)

describe('admin site settings', () => {
  it('shows the settings and whether an identity secret is set, never the secret', async () => {
    await put('shop', { identitySecret: 'a-long-enough-identity-secret' })
    const { status, body } = await adminFetch(relay, cookie, 'GET', '/v1/admin/sites/shop')
    expect(status).toBe(200)
    expect(body).toMatchObject({
      siteId: 'shop',
      locale: 'ru',
      agreementTemplate: TEMPLATE,
      agreement: { version: VERSION, url: '/v1/sites/shop/agreement' },
      identitySecretSet: true,
      workingHours: { timeZone: 'Europe/Moscow' },
    })
    expect(JSON.stringify(body)).not.toContain('a-long-enough-identity-secret')
  })

  const invalid: [string, Record<string, unknown>, { field: string; code: string }[]][] = [
    [
      'a bad INN checksum',
      { inn: '7701234561' },
      [{ field: 'agreement.inn', code: 'inn_invalid' }],
    ],
    [
      'an INN of 11 digits',
      { inn: '77012345601' },
      [{ field: 'agreement.inn', code: 'inn_invalid' }],
    ],
    ['a bad OGRN', { ogrn: '1177746123456' }, [{ field: 'agreement.ogrn', code: 'ogrn_invalid' }]],
    [
      'a bad OGRNIP',
      { ogrn: '304500116000158' },
      [{ field: 'agreement.ogrn', code: 'ogrn_invalid' }],
    ],
    ['a bad email', { email: 'privacy@' }, [{ field: 'agreement.email', code: 'email_invalid' }]],
    [
      'a site URL without scheme',
      { siteUrl: 'chai.example' },
      [{ field: 'agreement.siteUrl', code: 'url_invalid' }],
    ],
    [
      'a javascript: URL',
      { siteUrl: 'javascript:alert(1)' },
      [{ field: 'agreement.siteUrl', code: 'url_invalid' }],
    ],
    [
      'missing required fields',
      { company: ' ', legalAddress: undefined, inn: undefined },
      [
        { field: 'agreement.company', code: 'required' },
        { field: 'agreement.legalAddress', code: 'required' },
        { field: 'agreement.inn', code: 'required' },
      ],
    ],
  ]
  for (const [name, patch, fields] of invalid) {
    it(`refuses an agreement with ${name}: 400 field_invalid per field, nothing changed`, async () => {
      const { status, body } = await put('shop', { agreement: { ...TEMPLATE, ...patch } })
      expect(status).toBe(400)
      expect(body).toMatchObject({ code: 'field_invalid', fields })
      const config = await (await relay.fetch('/v1/sites/shop/config')).json()
      expect(config.agreement.version).toBe(VERSION)
    })
  }

  it('reports errors of several settings at once', async () => {
    const { status, body } = await put('shop', {
      button: { label: 'Chat', position: 'left', offsetX: 0, offsetY: 0, color: 'red' },
      channels: { chat: true, callback: false, telegram: 'a b' },
      workingHours: { ...FORM_SITES[0]!.workingHours!, timeZone: 'Nowhere/City' },
      allowedOrigins: ['https://shop.example/path'],
      identityVerification: 'required',
    })
    expect(status).toBe(400)
    expect(body.fields).toEqual([
      { field: 'allowedOrigins.0', code: 'url_invalid' },
      { field: 'button.color', code: 'color_invalid' },
      { field: 'channels.telegram', code: 'value_invalid' },
      { field: 'workingHours.timeZone', code: 'timezone_invalid' },
      { field: 'identitySecret', code: 'required' },
    ])
  })

  it('refuses a body of the wrong shape with bad_request', async () => {
    expect((await put('shop', { agreement: 'Chai & Co' })).body).toMatchObject({
      code: 'bad_request',
    })
    expect((await put('shop', { workingHours: { timeZone: 'UTC' } })).status).toBe(400)
  })

  it('changes the agreement version and config version when the template changes; old consent is asked again', async () => {
    const before = await (await relay.fetch('/v1/sites/shop/config')).json()
    const { status, body } = await put('shop', {
      agreement: { ...TEMPLATE, legalAddress: '1 New Street, Moscow' },
    })
    expect(status).toBe(200)
    const version = (body.agreement as { version: string }).version
    expect(version).toMatch(/^[0-9a-f]{16}$/)
    expect(version).not.toBe(VERSION)
    const after = await (await relay.fetch('/v1/sites/shop/config')).json()
    expect(after.agreement.version).toBe(version)
    expect(after.configVersion).not.toBe(before.configVersion)

    const { socket } = await relay.visitor()
    const callback = { t: 'callback', name: 'Anna', phone: '+79161234567', when: 'asap' }
    socket.send({ ...callback, cid: 'old', consent: CONSENT })
    expect(await socket.next(ofType('error'))).toMatchObject({
      code: 'consent_required',
      cid: 'old',
    })
    socket.send({ ...callback, cid: 'new', consent: { version } })
    expect(await socket.next(ofType('ack'))).toMatchObject({ cid: 'new', seq: 1 })
  })

  it('keeps a setting changed through the API when the relay restarts with the same config', async () => {
    await put('shop', { chat: { title: 'Поддержка', greeting: 'Здравствуйте!' } })
    const { sites, config } = relay.app
    await sites.seed(config.sites)
    expect((await sites.get('shop'))?.config.chat.title).toBe('Поддержка')
  })

  it('creates a new site with defaults', async () => {
    const { status, body } = await put('blog', { name: 'Blog', locale: 'en' })
    expect(status).toBe(200)
    expect(body).toMatchObject({ siteId: 'blog', name: 'Blog', agreement: null })
    expect((await relay.fetch('/v1/sites/blog/config')).status).toBe(200)
  })

  it('is for admins only', async () => {
    const response = await relay.fetch('/v1/admin/sites/shop')
    expect(response.status).toBe(401)
  })
})

describe('agreement page', () => {
  it('serves the rendered agreement as escaped HTML in ru and en, with its version', async () => {
    await put('shop', { agreement: { ...TEMPLATE, company: 'Chai <b>&</b> "Co"' } })
    const ru = await relay.fetch('/v1/sites/shop/agreement')
    expect(ru.status).toBe(200)
    expect(ru.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await ru.text()
    expect(html).toContain('<html lang="ru">')
    expect(html).toContain('Chai &lt;b&gt;&amp;&lt;/b&gt; &quot;Co&quot;')
    expect(html).not.toContain('<b>')
    expect(html).toContain('ИНН 7701234560')
    expect(html).toContain('ОГРН 1177746123455')
    const en = await (await relay.fetch('/v1/sites/shop/agreement?lang=en')).text()
    expect(en).toContain('<html lang="en">')
    expect(en).toContain('Consent to the processing of personal data')
    const { version } = (await (await relay.fetch('/v1/sites/shop/config')).json()).agreement
    expect(en).toContain(`Version: ${version}`)
  })

  it('answers 404 for a site without an agreement', async () => {
    expect((await relay.fetch('/v1/sites/other/agreement')).status).toBe(404)
  })

  it('gives the widget a relative agreement URL, never one built from a Host header', async () => {
    const config = await (
      await relay.fetch('/v1/sites/shop/config', { headers: { host: 'evil.example' } })
    ).json()
    expect(config.agreement).toEqual({ version: VERSION, url: '/v1/sites/shop/agreement' })
  })

  it('builds the agreement URL from the configured public URL', async () => {
    const configured = await injectRelay({
      sites: [{ id: 'shop', agreement: TEMPLATE }],
      publicUrl: 'https://chat.shop.example/',
    })
    try {
      const config = await (
        await configured.fetch('/v1/sites/shop/config', { headers: { host: 'evil.example' } })
      ).json()
      expect(config.agreement.url).toBe('https://chat.shop.example/v1/sites/shop/agreement')
    } finally {
      await configured.close()
    }
    await expect(injectRelay({ publicUrl: 'chat.shop.example' })).rejects.toThrow(
      /publicUrl must be an http\(s\) URL/,
    )
  })
})

describe('employee card', () => {
  it('sets name, position and photo, shown to visitors on the conversation', async () => {
    const me = await adminFetch(relay, cookie, 'GET', '/v1/auth/me')
    const id = (me.body.operator as { id: string }).id
    const patched = await adminFetch(relay, cookie, 'PATCH', `/v1/admin/employees/${id}`, {
      name: 'Olga',
      position: 'Support lead',
      photoUrl: 'https://cdn.example/olga.png',
    })
    expect(patched).toMatchObject({
      status: 200,
      body: {
        employee: {
          id,
          name: 'Olga',
          position: 'Support lead',
          photoUrl: 'https://cdn.example/olga.png',
        },
      },
    })
    const { socket: operator } = await relay.operator({ cookie })
    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'hi' })
    const { conversationId } = await socket.next(ofType('ack'))
    operator.send({ t: 'send', cid: 'o1', conversationId, text: 'Hello!' })
    expect(await socket.next(ofType('conversation', (f) => f.conversation.operator))).toMatchObject(
      {
        conversation: {
          operator: {
            id,
            name: 'Olga',
            position: 'Support lead',
            photoUrl: 'https://cdn.example/olga.png',
          },
        },
      },
    )
  })

  it('refuses a photo URL that is not http(s) and an unknown employee', async () => {
    const bad = await adminFetch(relay, cookie, 'PATCH', '/v1/admin/employees/whoever', {
      photoUrl: 'javascript:alert(1)',
    })
    expect(bad).toMatchObject({
      status: 400,
      body: { code: 'field_invalid', fields: [{ field: 'photoUrl', code: 'url_invalid' }] },
    })
    const missing = await adminFetch(relay, cookie, 'PATCH', '/v1/admin/employees/whoever', {
      position: 'x',
    })
    expect(missing).toMatchObject({ status: 404, body: { code: 'employee_not_found' } })
  })
})
