import { afterEach, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'

let relay: TestRelay
afterEach(() => relay.close())

async function hire(admin: string, name: string) {
  const email = `${name.toLowerCase()}@example.com`
  const created = await call(relay, admin, 'POST', '/v1/admin/employees', {
    email,
    name,
    role: 'operator',
    password: `${name} password 1`,
  })
  return {
    id: created.body.employee.id as string,
    cookie: await relay.login(email, `${name} password 1`),
  }
}

it("keeps each operator's responses their own and shares a group's with its members", async () => {
  relay = await injectRelay()
  const admin = await relay.login()
  const [bob, cy] = [await hire(admin, 'Bob'), await hire(admin, 'Cy')]
  const sales = (
    await call(relay, admin, 'POST', '/v1/admin/sites/shop/groups', {
      name: 'Sales',
      members: [bob.id],
    })
  ).body.group.id

  const mine = await call(relay, bob.cookie, 'POST', '/v1/canned', {
    shortcut: 'Delivery',
    text: '  We deliver across Russia in 3–5 days.  ',
  })
  expect(mine.status).toBe(201)
  expect(mine.body.response).toMatchObject({
    shortcut: 'delivery',
    text: 'We deliver across Russia in 3–5 days.',
    scope: 'personal',
  })
  const shared = await call(relay, admin, 'POST', '/v1/canned', {
    shortcut: 'price',
    text: 'Our price list: https://shop.example/prices',
    groupId: sales,
  })
  expect(shared.status).toBe(201)

  const list = async (cookie: string) =>
    (await call(relay, cookie, 'GET', '/v1/canned')).body.responses.map(
      (r: { shortcut: string; scope: string }) => `${r.scope}:${r.shortcut}`,
    )
  expect(await list(bob.cookie)).toEqual(['personal:delivery', 'group:price'])
  // Cy is not in Sales and has none of his own.
  expect(await list(cy.cookie)).toEqual([])

  // Bob's own is nobody else's business; the group's is read-only to its members.
  const id = mine.body.response.id
  const before = await list(bob.cookie)
  for (const [method, body] of [
    ['PATCH', { text: 'Hijacked' }],
    ['DELETE', undefined],
  ] as const) {
    const other = await call(relay, cy.cookie, method, `/v1/canned/${id}`, body)
    expect(other.body.code).toBe('canned_not_found')
    const member = await call(
      relay,
      bob.cookie,
      method,
      `/v1/canned/${shared.body.response.id}`,
      body,
    )
    expect(member.body.code).toBe('forbidden')
  }
  expect(
    (
      await call(relay, bob.cookie, 'POST', '/v1/canned', {
        shortcut: 'x',
        text: 'y',
        groupId: sales,
      })
    ).body.code,
  ).toBe('forbidden')
  expect(await list(bob.cookie)).toEqual(before)
})

it('refuses a taken shortcut and a malformed one, and changes nothing', async () => {
  relay = await injectRelay()
  const admin = await relay.login()
  const first = await call(relay, admin, 'POST', '/v1/canned', {
    shortcut: 'hello',
    text: 'Hello!',
  })
  const second = await call(relay, admin, 'POST', '/v1/canned', { shortcut: 'bye', text: 'Bye!' })
  expect(
    (await call(relay, admin, 'POST', '/v1/canned', { shortcut: 'HELLO', text: 'Again' })).body
      .code,
  ).toBe('shortcut_taken')
  const renamed = await call(relay, admin, 'PATCH', `/v1/canned/${second.body.response.id}`, {
    shortcut: 'hello',
  })
  expect(renamed.status).toBe(409)
  expect(renamed.body.code).toBe('shortcut_taken')
  for (const shortcut of ['', 'two words', 'a/b', 'x'.repeat(33)]) {
    const bad = await call(relay, admin, 'POST', '/v1/canned', { shortcut, text: 'Nope' })
    expect(bad.body.code, shortcut).toBe('bad_request')
  }
  const { responses } = (await call(relay, admin, 'GET', '/v1/canned')).body
  expect(
    responses.map((r: { shortcut: string; text: string }) => `${r.shortcut}=${r.text}`),
  ).toEqual(['bye=Bye!', 'hello=Hello!'])
  expect(first.body.response.scope).toBe('personal')
})
