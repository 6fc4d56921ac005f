import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
let admin: string
let me: { id: string }
beforeEach(async () => {
  relay = await injectRelay()
  admin = await relay.login()
  me = (await (await relay.fetch('/v1/auth/me', { headers: { cookie: admin } })).json()).operator
})
afterEach(async () => {
  await relay.close()
})

// A 1×1 PNG, as an image editor writes it.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00])

function upload(
  id: string,
  bytes: Buffer,
  options: { type?: string; name?: string; field?: string; cookie?: string } = {},
) {
  const form = new FormData()
  form.append(
    options.field ?? 'photo',
    new Blob([new Uint8Array(bytes)], { type: options.type ?? 'image/png' }),
    options.name ?? 'me.png',
  )
  return relay.fetch(`/v1/admin/employees/${id}/photo`, {
    method: 'PUT',
    headers: { cookie: options.cookie ?? admin },
    body: form,
  })
}

const photoUrlOf = async (id: string) => {
  const listed = await (
    await relay.fetch('/v1/admin/employees', { headers: { cookie: admin } })
  ).json()
  return listed.employees.find((e: { id: string }) => e.id === id).photoUrl as string | undefined
}

describe('employee photos', () => {
  it('stores a PNG, serves it safely to any page, and visitors see it with the operator', async () => {
    const uploaded = await upload(me.id, PNG)
    expect(uploaded.status).toBe(200)
    const { employee } = await uploaded.json()
    expect(employee.photoUrl).toMatch(
      new RegExp(`^${relay.url}/v1/employees/${me.id}/photo\\?v=\\d+$`),
    )

    const served = await relay.fetch(employee.photoUrl)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(served.headers.get('x-content-type-options')).toBe('nosniff')
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    expect(served.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG)

    const { socket: visitor, welcome } = await relay.visitor()
    visitor.send({ t: 'send', cid: 'v1', text: 'hi' })
    const { conversationId } = await visitor.next(ofType('ack'))
    const { socket: operator } = await relay.operator({ cookie: admin })
    operator.send({ t: 'send', cid: 'o1', conversationId, text: 'hello' })
    await visitor.next(ofType('event', (f) => f.text === 'hello'))
    const again = await relay.visitor({ token: welcome.token })
    expect(again.welcome.conversations).toEqual([
      expect.objectContaining({
        operator: expect.objectContaining({ photoUrl: employee.photoUrl }),
      }),
    ])
  })

  it('takes the type from the bytes, not from the name or the claimed type', async () => {
    const jpeg = await upload(me.id, JPEG, { type: 'image/png', name: 'looks.png' })
    expect(jpeg.status).toBe(200)
    expect(
      (await relay.fetch((await jpeg.json()).employee.photoUrl)).headers.get('content-type'),
    ).toBe('image/jpeg')
  })

  it('refuses what is not a PNG, JPEG or WebP, and keeps the photo it had', async () => {
    await upload(me.id, PNG)
    const before = await photoUrlOf(me.id)
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    )
    const html = Buffer.from('<!doctype html><script>alert(1)</script>')
    for (const bytes of [svg, html, Buffer.alloc(0), PNG.subarray(0, 10)]) {
      const refused = await upload(me.id, bytes)
      expect(refused.status).toBe(400)
      expect(await refused.json()).toMatchObject({ code: 'photo_invalid' })
    }
    expect(await photoUrlOf(me.id)).toBe(before)
    expect((await relay.fetch(before!)).headers.get('content-type')).toBe('image/png')
  })

  it('refuses a photo over 1 MB with photo_too_large and keeps none', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(1024 * 1024)])
    const refused = await upload(me.id, big)
    expect(refused.status).toBe(413)
    expect(await refused.json()).toMatchObject({ code: 'photo_too_large' })
    expect(await photoUrlOf(me.id)).toBeUndefined()
    expect((await relay.fetch(`/v1/employees/${me.id}/photo`)).status).toBe(404)
  })

  it('says how to send it when the body is not a form or the field is misnamed', async () => {
    const json = await relay.fetch(`/v1/admin/employees/${me.id}/photo`, {
      method: 'PUT',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(json.status).toBe(400)
    expect(await json.json()).toMatchObject({
      code: 'bad_request',
      message: 'Send the photo as multipart/form-data with a file field named photo',
    })
    const misnamed = await upload(me.id, PNG, { field: 'image' })
    expect(misnamed.status).toBe(400)
    expect(await photoUrlOf(me.id)).toBeUndefined()
  })

  it('removes a photo, and refuses uploads to a non-admin and for an unknown employee', async () => {
    await upload(me.id, PNG)
    const removed = await relay.fetch(`/v1/admin/employees/${me.id}/photo`, {
      method: 'DELETE',
      headers: { cookie: admin },
    })
    expect((await removed.json()).employee.photoUrl).toBeUndefined()
    expect((await relay.fetch(`/v1/employees/${me.id}/photo`)).status).toBe(404)

    await relay.fetch('/v1/admin/employees', {
      method: 'POST',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'op@example.com',
        name: 'Op',
        role: 'operator',
        password: 'operator password',
      }),
    })
    const op = await relay.login('op@example.com', 'operator password')
    expect((await upload(me.id, PNG, { cookie: op })).status).toBe(403)
    expect(await photoUrlOf(me.id)).toBeUndefined()
    const unknown = await upload('u_nobody', PNG)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ code: 'employee_not_found' })
  })
})
