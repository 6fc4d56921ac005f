import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call, createScenario, scenarioBody } from '../../testing/scenarios.ts'

let relay: TestRelay
let admin: string
beforeEach(async () => {
  relay = await injectRelay()
  admin = await relay.login()
})
afterEach(async () => {
  await relay.close()
})

const base = '/v1/admin/sites/shop'

async function employee(role: 'supervisor' | 'operator'): Promise<string> {
  const email = `${role}@example.com`
  const password = 'a long enough password'
  const created = await call(relay, admin, 'POST', '/v1/admin/employees', {
    email,
    name: role,
    password,
    role,
  })
  expect(created.status).toBe(201)
  return relay.login(email, password)
}

describe('scenario CRUD', () => {
  it('creates, lists, reads, replaces and deletes a scenario', async () => {
    const created = await call(relay, admin, 'POST', `${base}/scenarios`, scenarioBody())
    expect(created.status).toBe(201)
    const scenario = created.body.scenario
    expect(scenario).toEqual({ ...scenarioBody(), id: expect.any(String), siteId: 'shop' })

    const list = await call(relay, admin, 'GET', `${base}/scenarios`)
    expect(list.body).toEqual({ scenarios: [scenario], settings: { minGapSeconds: 0 } })
    expect((await call(relay, admin, 'GET', `${base}/scenarios/${scenario.id}`)).body).toEqual({
      scenario,
    })

    const replaced = await call(
      relay,
      admin,
      'PUT',
      `${base}/scenarios/${scenario.id}`,
      scenarioBody({ name: 'Renamed', id: 'ignored', siteId: 'other' }),
    )
    expect(replaced.status).toBe(200)
    expect(replaced.body.scenario).toMatchObject({
      id: scenario.id,
      siteId: 'shop',
      name: 'Renamed',
    })

    expect((await call(relay, admin, 'DELETE', `${base}/scenarios/${scenario.id}`)).status).toBe(
      204,
    )
    const gone = await call(relay, admin, 'GET', `${base}/scenarios/${scenario.id}`)
    expect(gone.status).toBe(404)
    expect(gone.body.code).toBe('scenario_not_found')
    expect((await call(relay, admin, 'DELETE', `${base}/scenarios/${scenario.id}`)).status).toBe(
      404,
    )
  })

  it('keeps the list order when a scenario is replaced', async () => {
    const first = await createScenario(relay, admin, { name: 'First' })
    await createScenario(relay, admin, { name: 'Second' })
    await call(
      relay,
      admin,
      'PUT',
      `${base}/scenarios/${first.id}`,
      scenarioBody({ name: 'First again' }),
    )
    const list = await call(relay, admin, 'GET', `${base}/scenarios`)
    expect(list.body.scenarios.map((s: { name: string }) => s.name)).toEqual([
      'First again',
      'Second',
    ])
  })

  it('answers 400 field_invalid naming each failed field by its JSON pointer', async () => {
    const reply = await call(
      relay,
      admin,
      'POST',
      `${base}/scenarios`,
      scenarioBody({
        name: '',
        priority: 5000,
        where: { include: [{ type: 'glob', value: '/x' }], exclude: [] },
        conditions: { all: [{ type: 'timeOnPage', seconds: -1 }, { type: 'moon' }] },
        action: { type: 'openChat', message: 'Hi' },
        routing: {},
      }),
    )
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual({
      code: 'field_invalid',
      message: expect.any(String),
      fields: expect.arrayContaining([
        { field: '/name', code: 'required' },
        { field: '/priority', code: 'out_of_range' },
        { field: '/where/include/0/type', code: 'value_invalid' },
        { field: '/conditions/all/0/seconds', code: 'out_of_range' },
        { field: '/conditions/all/1/type', code: 'value_invalid' },
        { field: '/action/operator', code: 'required' },
        { field: '/routing/group', code: 'required' },
      ]),
    })
    expect(reply.body.fields).toHaveLength(7)
    expect((await call(relay, admin, 'GET', `${base}/scenarios`)).body.scenarios).toEqual([])
  })

  it('refuses an unsafe regex with regex_unsafe and one that does not compile with regex_invalid, at their paths', async () => {
    const reply = await call(
      relay,
      admin,
      'POST',
      `${base}/scenarios`,
      scenarioBody({
        where: {
          include: [
            { type: 'regex', value: '^/catalog/[a-z]+$' },
            { type: 'regex', value: '^/(a+)+$' },
          ],
          exclude: [{ type: 'regex', value: '^/(unclosed' }],
        },
        conditions: {
          any: [{ all: [{ type: 'referrer', pattern: { type: 'regex', value: '(.*a){12}' } }] }],
        },
      }),
    )
    expect(reply.status).toBe(400)
    expect(reply.body.code).toBe('field_invalid')
    expect(reply.body.fields).toEqual([
      { field: '/where/include/1/value', code: 'regex_unsafe' },
      { field: '/where/exclude/0/value', code: 'regex_invalid' },
      { field: '/conditions/any/0/all/0/pattern/value', code: 'regex_unsafe' },
    ])
  })

  it('accepts a safe regex', async () => {
    const reply = await call(
      relay,
      admin,
      'POST',
      `${base}/scenarios`,
      scenarioBody({
        where: { include: [{ type: 'regex', value: '^/catalog/[a-z]+$' }], exclude: [] },
      }),
    )
    expect(reply.status).toBe(201)
  })

  it('drops keys the schema does not know', async () => {
    const created = await createScenario(relay, admin, {
      extra: 'x',
      rules: { oncePerSession: true, junk: 1 },
    })
    expect(created).not.toHaveProperty('extra')
    expect((created as unknown as { rules: object }).rules).toEqual({ oncePerSession: true })
  })

  it('checks the site and the scenario exist', async () => {
    expect((await call(relay, admin, 'GET', '/v1/admin/sites/nope/scenarios')).body.code).toBe(
      'site_not_found',
    )
    const missing = await call(relay, admin, 'PUT', `${base}/scenarios/sc_missing`, scenarioBody())
    expect(missing.status).toBe(404)
    expect(missing.body.code).toBe('scenario_not_found')
  })

  it('lets a supervisor read but not change, and an operator do neither', async () => {
    const scenario = await createScenario(relay, admin)
    const supervisor = await employee('supervisor')
    expect((await call(relay, supervisor, 'GET', `${base}/scenarios`)).status).toBe(200)
    expect((await call(relay, supervisor, 'GET', `${base}/scenarios/${scenario.id}`)).status).toBe(
      200,
    )
    expect((await call(relay, supervisor, 'GET', `${base}/scenarios/stats`)).status).toBe(200)
    const post = await call(relay, supervisor, 'POST', `${base}/scenarios`, scenarioBody())
    expect(post.status).toBe(403)
    expect(post.body.code).toBe('forbidden')
    expect(
      (await call(relay, supervisor, 'DELETE', `${base}/scenarios/${scenario.id}`)).status,
    ).toBe(403)
    const operator = await employee('operator')
    expect((await call(relay, operator, 'GET', `${base}/scenarios`)).status).toBe(403)
    expect((await call(relay, '', 'GET', `${base}/scenarios`)).status).toBe(401)
  })
})

describe('scenario settings', () => {
  it('stores minGapSeconds and refuses an out-of-range one per field', async () => {
    const saved = await call(relay, admin, 'PUT', `${base}/scenario-settings`, {
      minGapSeconds: 120,
    })
    expect(saved.body).toEqual({ settings: { minGapSeconds: 120 } })
    const bad = await call(relay, admin, 'PUT', `${base}/scenario-settings`, { minGapSeconds: -1 })
    expect(bad.status).toBe(400)
    expect(bad.body.fields).toEqual([{ field: '/minGapSeconds', code: 'out_of_range' }])
    expect((await call(relay, admin, 'GET', `${base}/scenarios`)).body.settings).toEqual({
      minGapSeconds: 120,
    })
  })
})

describe('scenarios in the site config', () => {
  const config = () => relay.fetch('/v1/sites/shop/config')

  it('includes the enabled scenarios and settings, and changes the ETag and welcome configVersion with them', async () => {
    const before = await config()
    const etag0 = before.headers.get('etag')!
    expect(await before.json()).toMatchObject({
      scenarios: [],
      scenarioSettings: { minGapSeconds: 0 },
    })

    const on = await createScenario(relay, admin, { name: 'On' })
    await createScenario(relay, admin, { name: 'Off', enabled: false })
    const after = await config()
    const etag1 = after.headers.get('etag')!
    expect(etag1).not.toBe(etag0)
    const body = await after.json()
    expect(body.scenarios.map((s: { id: string }) => s.id)).toEqual([on.id])
    expect(etag1).toBe(`"${body.configVersion}"`)
    const { welcome } = await relay.visitor()
    expect(welcome.configVersion).toBe(body.configVersion)

    const cached = await relay.fetch('/v1/sites/shop/config', {
      headers: { 'if-none-match': etag1 },
    })
    expect(cached.status).toBe(304)

    await call(relay, admin, 'PUT', `${base}/scenario-settings`, { minGapSeconds: 60 })
    const etag2 = (await config()).headers.get('etag')
    expect(etag2).not.toBe(etag1)
    await call(relay, admin, 'DELETE', `${base}/scenarios/${on.id}`)
    const last = await config()
    expect(last.headers.get('etag')).not.toBe(etag2)
    expect((await last.json()).scenarios).toEqual([])
  })

  it('keeps another site’s config untouched', async () => {
    const other = await relay.fetch('/v1/sites/other/config')
    const etag = other.headers.get('etag')
    await createScenario(relay, admin)
    const again = await relay.fetch('/v1/sites/other/config')
    expect(again.headers.get('etag')).toBe(etag)
    expect((await again.json()).scenarios).toEqual([])
  })
})
