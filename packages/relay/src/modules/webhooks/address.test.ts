import { afterEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { addressAllowed, checkEndpointUrl, classifyAddress } from './address.ts'

describe('the address classifier', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['2606:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456::1', 'unique_local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    // IPv4-mapped IPv6 is its IPv4 address, in either notation.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['::ffff:8.8.8.8', 'public'],
    // NAT64 of a loopback address is nobody's public receiver.
    ['64:ff9b::7f00:1', 'reserved'],
    ['[::1]', 'loopback'],
    ['fe80::1%eth0', 'link_local'],
    ['not an address', 'reserved'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected)
  })

  it('allows non-public addresses only as configured: all, or those in the listed CIDRs', () => {
    expect(addressAllowed('8.8.8.8', false)).toBe(true)
    expect(addressAllowed('127.0.0.1', false)).toBe(false)
    expect(addressAllowed('127.0.0.1', true)).toBe(true)
    expect(addressAllowed('127.0.0.1', ['127.0.0.1'])).toBe(true)
    expect(addressAllowed('::ffff:127.0.0.1', ['127.0.0.1'])).toBe(true)
    expect(addressAllowed('127.0.0.2', ['127.0.0.1'])).toBe(false)
    expect(addressAllowed('10.1.2.3', ['10.0.0.0/8'])).toBe(true)
    expect(addressAllowed('192.168.0.1', ['10.0.0.0/8'])).toBe(false)
    expect(addressAllowed('::1', ['127.0.0.1'])).toBe(false)
    expect(addressAllowed('fd00::5', ['fd00::/8'])).toBe(true)
    expect(addressAllowed('10.0.0.1', ['nonsense'])).toBe(false)
  })

  it('refuses a host when any of its addresses is not allowed (DNS answers checked, all of them)', async () => {
    const resolve = async (host: string) =>
      ({
        'mixed.example': ['93.184.216.34', '10.0.0.7'],
        'public.example': ['93.184.216.34', '2606:4700::1111'],
        'mapped.example': ['::ffff:127.0.0.1'],
        'empty.example': [],
      })[host] ?? Promise.reject(new Error('ENOTFOUND'))
    await expect(checkEndpointUrl('https://public.example/hook', false, resolve)).resolves.toEqual([
      '93.184.216.34',
      '2606:4700::1111',
    ])
    await expect(
      checkEndpointUrl('https://mixed.example/hook', false, resolve),
    ).rejects.toMatchObject({
      code: 'webhook_url_private',
    })
    await expect(checkEndpointUrl('https://mapped.example/', false, resolve)).rejects.toMatchObject(
      {
        code: 'webhook_url_private',
      },
    )
    await expect(checkEndpointUrl('https://empty.example/', false, resolve)).rejects.toMatchObject({
      code: 'webhook_url_unresolvable',
    })
    await expect(
      checkEndpointUrl('https://nowhere.example/', false, resolve),
    ).rejects.toMatchObject({
      code: 'webhook_url_unresolvable',
    })
    await expect(checkEndpointUrl('http://[::1]:8080/', false, resolve)).rejects.toMatchObject({
      code: 'webhook_url_private',
    })
    for (const url of [
      'ftp://public.example/',
      'https://user:pw@public.example/',
      'not a url',
      'file:///etc/passwd',
    ]) {
      await expect(checkEndpointUrl(url, false, resolve)).rejects.toMatchObject({
        code: 'url_invalid',
      })
    }
  })
})

describe('the SSRF guard on the routes', () => {
  let relay: TestRelay
  afterEach(() => relay.close())

  it('refuses private URLs at create and update with a stable code, changing nothing', async () => {
    relay = await injectRelay({
      webhooks: {
        allowPrivateNetworks: ['127.0.0.1'],
        resolve: async (host) =>
          ({ 'intranet.example': ['10.0.0.5'], 'hooks.example': ['93.184.216.34'] })[host] ?? [],
      },
    })
    const admin = await relay.login()
    for (const url of [
      'http://10.0.0.1/hook',
      'http://[::1]/hook',
      'http://[::ffff:192.168.0.1]/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://intranet.example/hook',
      'http://127.0.0.2/hook',
    ]) {
      const refused = await call(relay, admin, 'POST', '/v1/admin/webhooks', {
        url,
        events: ['message.created'],
      })
      expect(refused, url).toMatchObject({ status: 400, body: { code: 'webhook_url_private' } })
    }
    const credentials = await call(relay, admin, 'POST', '/v1/admin/webhooks', {
      url: 'https://me:secret@hooks.example/x',
      events: ['message.created'],
    })
    expect(credentials).toMatchObject({
      status: 400,
      body: { code: 'field_invalid', fields: [{ field: 'url', code: 'url_invalid' }] },
    })
    expect((await call(relay, admin, 'GET', '/v1/admin/webhooks')).body.endpoints).toEqual([])

    const allowed = await call(relay, admin, 'POST', '/v1/admin/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['message.created'],
    })
    expect(allowed.status).toBe(201)
    const id = allowed.body.endpoint.id
    const moved = await call(relay, admin, 'PATCH', `/v1/admin/webhooks/${id}`, {
      url: 'http://intranet.example/x',
    })
    expect(moved).toMatchObject({ status: 400, body: { code: 'webhook_url_private' } })
    const publicHost = await call(relay, admin, 'PATCH', `/v1/admin/webhooks/${id}`, {
      url: 'https://hooks.example/x',
    })
    expect(publicHost.body.endpoint.url).toBe('https://hooks.example/x')
  })
})
