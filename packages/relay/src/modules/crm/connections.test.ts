import { afterEach, describe, expect, it } from 'vitest'
import { startFakeAmoCrm } from '../../testing/fake-amocrm.ts'
import { startFakeBitrix24 } from '../../testing/fake-bitrix24.ts'
import { CONSENT, MONDAY_NOON_MSK, MOSCOW_OFFICE, TEMPLATE } from '../../testing/forms.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { ofType } from '../../testing/ws-client.ts'

/*
 * CRM connections end to end: made over REST like the console makes them, fed by real leads
 * (a callback, an offline form, a contact left in a chat) through the outbox and its worker,
 * arriving at fake Bitrix24 and amoCRM servers on 127.0.0.1 that speak their APIs.
 */

let relay: TestRelay
let admin: string
const closers: (() => Promise<void>)[] = []

afterEach(async () => {
  await relay.close()
  for (const close of closers.splice(0)) await close()
})

async function start(options: { allowPrivate?: boolean } = {}) {
  const clock = manualClock(MONDAY_NOON_MSK)
  relay = await injectRelay({
    sites: [
      {
        id: 'shop',
        locale: 'ru',
        agreement: TEMPLATE,
        workingHours: MOSCOW_OFFICE,
        prechat: { enabled: true, fields: ['name', 'email'] },
      },
    ],
    now: clock.now,
    timers: clock.timers,
    publicUrl: 'https://chat.shop.example',
    rateLimit: { burst: 1000, perSecond: 1000 },
    webhooks: {
      allowPrivateNetworks: options.allowPrivate === false ? false : ['127.0.0.1'],
      random: () => 0.5,
    },
  })
  admin = await relay.login()
}

async function bitrixPortal() {
  const portal = await startFakeBitrix24()
  closers.push(portal.close)
  return portal
}

async function amoAccount() {
  const account = await startFakeAmoCrm()
  closers.push(account.close)
  return account
}

const delivered = () => relay.app.webhooks.worker.idle()

async function callback(visitor: Awaited<ReturnType<TestRelay['visitor']>>['socket'], cid: string) {
  visitor.send({
    t: 'callback',
    cid,
    name: 'Anna',
    phone: '8 (916) 123-45-67',
    when: 'asap',
    comment: 'About the red kettle',
    consent: CONSENT,
  })
  return (await visitor.next(ofType('ack', (f) => f.cid === cid))).conversationId!
}

describe('a Bitrix24 connection', () => {
  it('files a callback as a lead, and a repeat contact’s offline message onto the same lead', async () => {
    await start()
    const portal = await bitrixPortal()
    const created = await call(relay, admin, 'POST', '/v1/admin/webhooks', {
      kind: 'bitrix24',
      config: { webhookUrl: portal.webhookUrl, assignedById: 5 },
    })
    expect(created.status).toBe(201)
    // The webhook URL is a credential: never shown again, only that it is set.
    expect(created.body.secret).toBeUndefined()
    expect(created.body.endpoint).toMatchObject({
      kind: 'bitrix24',
      url: portal.origin,
      events: ['lead.created'],
      config: { assignedById: 5 },
      credentials: ['webhookUrl'],
    })
    const listed = await call(relay, admin, 'GET', '/v1/admin/webhooks')
    expect(JSON.stringify([created.body, listed.body])).not.toContain('k3y5ecr3t')

    const { socket: visitor } = await relay.visitor()
    const conversation = await callback(visitor, 'cb1')
    await delivered()
    expect([...portal.leads.values()]).toEqual([
      expect.objectContaining({
        TITLE: 'Callback request: Anna (+79161234567)',
        NAME: 'Anna',
        PHONE: [{ VALUE: '+79161234567', VALUE_TYPE: 'WORK' }],
        SOURCE_ID: 'WEB',
        SOURCE_DESCRIPTION: 'Parley: callback on shop',
        ASSIGNED_BY_ID: 5,
      }),
    ])
    const comments = portal.leads.get(1)!.COMMENTS!
    expect(comments).toContain('Message: About the red kettle')
    expect(comments).toContain('When: as soon as possible')
    expect(comments).toContain(
      `Conversation: https://chat.shop.example/console/#conversation=${conversation}`,
    )
    expect(comments).toMatch(/\[\d{4}-\d\d-\d\d \d\d:\d\d UTC\] Anna: \(form\) Callback request/)

    // The same visitor (same phone) leaves an offline message: the lead is updated.
    visitor.send({
      t: 'offline',
      cid: 'off1',
      name: 'Anna',
      phone: '+7 916 123-45-67',
      text: 'Still waiting for the call',
      consent: CONSENT,
    })
    await visitor.next(ofType('ack', (f) => f.cid === 'off1'))
    await delivered()
    expect(portal.leads.size).toBe(1)
    expect(portal.calls().filter((c) => c.method === 'crm.lead.add')).toHaveLength(1)
    expect(portal.leads.get(1)!.COMMENTS).toContain('Message: Still waiting for the call')

    const log = await call(
      relay,
      admin,
      'GET',
      `/v1/admin/webhooks/${created.body.endpoint.id}/deliveries`,
    )
    expect(
      log.body.deliveries.map((d: { type: string; state: string; attempts: unknown[] }) => [
        d.type,
        d.state,
        d.attempts.length,
      ]),
    ).toEqual([
      ['lead.created', 'delivered', 1],
      ['lead.created', 'delivered', 1],
    ])
    expect(log.body.deliveries[0].attempts[0].excerpt).toContain('lead 1 updated')
  })

  it('retries while the portal is over its query limit, and sends a test lead on demand', async () => {
    await start()
    const portal = await bitrixPortal()
    const { body } = await call(relay, admin, 'POST', '/v1/admin/webhooks', {
      kind: 'bitrix24',
      config: { webhookUrl: portal.webhookUrl },
    })
    const id = body.endpoint.id
    const test = await call(relay, admin, 'POST', `/v1/admin/webhooks/${id}/test`)
    expect(test.status).toBe(202)
    await delivered()
    expect([...portal.leads.values()]).toEqual([
      expect.objectContaining({
        NAME: 'Parley test lead',
        EMAIL: [{ VALUE: 'test-lead@parley.invalid', VALUE_TYPE: 'WORK' }],
      }),
    ])

    portal.failNext('QUERY_LIMIT_EXCEEDED')
    const { socket: visitor } = await relay.visitor()
    await callback(visitor, 'cb1')
    await delivered()
    const log = await call(relay, admin, 'GET', `/v1/admin/webhooks/${id}/deliveries`)
    expect(log.body.deliveries[0]).toMatchObject({
      type: 'lead.created',
      state: 'pending',
      attempts: [{ ok: false, status: 503, error: expect.stringContaining('QUERY_LIMIT') }],
    })
    expect(portal.leads.size).toBe(1)
  })
})

describe('an amoCRM connection', () => {
  it('files a chat whose visitor left an email, in the pipeline and stage of its settings', async () => {
    await start()
    const account = await amoAccount()
    const created = await call(relay, admin, 'POST', '/v1/admin/webhooks', {
      kind: 'amocrm',
      description: 'Sales',
      config: {
        baseUrl: account.baseUrl,
        accessToken: account.token,
        pipelineId: 7001,
        statusId: 142001,
      },
    })
    expect(created.status).toBe(201)
    expect(created.body.endpoint).toMatchObject({
      url: account.baseUrl,
      config: { baseUrl: account.baseUrl, pipelineId: 7001, statusId: 142001 },
      credentials: ['accessToken'],
    })
    expect(JSON.stringify(created.body)).not.toContain(account.token)

    const { socket: visitor } = await relay.visitor()
    visitor.send({
      t: 'prechat',
      cid: 'p1',
      name: 'Boris',
      email: 'boris@example.com',
      consent: CONSENT,
    })
    await visitor.next(ofType('ack', (f) => f.cid === 'p1'))
    visitor.send({ t: 'send', cid: 'm1', text: 'Do you ship to Kazan?' })
    const chat = (await visitor.next(ofType('ack', (f) => f.cid === 'm1'))).conversationId!
    await delivered()
    expect(account.calls()).toEqual([
      'GET /api/v4/contacts',
      'POST /api/v4/leads/complex',
      `POST /api/v4/leads/${account.leads[0]!.id}/notes`,
    ])
    expect(account.leads).toEqual([
      expect.objectContaining({
        name: 'Chat contact: Boris (boris@example.com)',
        pipeline_id: 7001,
        status_id: 142001,
        tags: ['parley', 'chat-contact'],
      }),
    ])
    expect(account.contacts).toEqual([
      expect.objectContaining({
        name: 'Boris',
        custom_fields_values: [
          { field_code: 'EMAIL', values: [{ value: 'boris@example.com', enum_code: 'WORK' }] },
        ],
      }),
    ])
    expect(account.notes[0]!.text).toContain(`#conversation=${chat}`)
    expect(account.notes[0]!.text).toMatch(/\] Boris: Do you ship to Kazan\?/)

    // A stage change needs no token again: a credential left out keeps the saved one.
    const patched = await call(
      relay,
      admin,
      'PATCH',
      `/v1/admin/webhooks/${created.body.endpoint.id}`,
      {
        config: { baseUrl: account.baseUrl, pipelineId: 7001, statusId: 142002 },
      },
    )
    expect(patched.status).toBe(200)
    expect(patched.body.endpoint).toMatchObject({
      config: { statusId: 142002 },
      credentials: ['accessToken'],
    })
    const { socket: other } = await relay.visitor()
    await callback(other, 'cb1')
    await delivered()
    expect(account.leads.map((l) => [l.name, l.status_id])).toEqual([
      ['Chat contact: Boris (boris@example.com)', 142001],
      ['Callback request: Anna (+79161234567)', 142002],
    ])
  })

  it('makes an open chat a lead when its visitor first leaves a contact, once', async () => {
    await start()
    const account = await amoAccount()
    await call(relay, admin, 'POST', '/v1/admin/webhooks', {
      kind: 'amocrm',
      config: {
        baseUrl: account.baseUrl,
        accessToken: account.token,
        pipelineId: 7001,
        statusId: 142001,
      },
    })
    const { socket: visitor } = await relay.visitor()
    visitor.send({ t: 'send', cid: 'm1', text: 'Hello' })
    await visitor.next(ofType('ack', (f) => f.cid === 'm1'))
    await delivered()
    expect(account.leads).toEqual([])
    visitor.send({
      t: 'identify',
      cid: 'i1',
      userId: 'u-7',
      name: 'Vera',
      email: 'vera@example.com',
    })
    await visitor.next(ofType('ack', (f) => f.cid === 'i1'))
    // The site identifies the visitor again on the next page: nothing new.
    visitor.send({
      t: 'identify',
      cid: 'i2',
      userId: 'u-7',
      name: 'Vera',
      email: 'vera@example.com',
    })
    await visitor.next(ofType('ack', (f) => f.cid === 'i2'))
    await delivered()
    expect(account.leads.map((l) => l.name)).toEqual(['Chat contact: Vera (vera@example.com)'])
    expect(account.notes[0]!.text).toMatch(/\] Vera: Hello/)
  })
})

describe('CRM connection settings', () => {
  it('refuses bad settings field by field with stable codes, creating nothing', async () => {
    await start()
    const refused = async (body: unknown) => {
      const reply = await call(relay, admin, 'POST', '/v1/admin/webhooks', body)
      expect(reply.status).toBe(400)
      return reply.body
    }
    expect(
      await refused({
        kind: 'bitrix24',
        config: { webhookUrl: 'https://shop.bitrix24.ru/crm/lead/' },
      }),
    ).toMatchObject({
      code: 'field_invalid',
      fields: [{ field: 'config.webhookUrl', code: 'url_invalid' }],
    })
    expect(
      await refused({
        kind: 'amocrm',
        config: { baseUrl: 'https://shop.amocrm.ru', accessToken: '' },
      }),
    ).toMatchObject({
      code: 'field_invalid',
      fields: expect.arrayContaining([
        { field: 'config.accessToken', code: 'required' },
        { field: 'config.pipelineId', code: 'required' },
        { field: 'config.statusId', code: 'required' },
      ]),
    })
    expect(await refused({ kind: 'amocrm' })).toMatchObject({
      fields: [{ field: 'config', code: 'required' }],
    })
    expect(
      await refused({
        kind: 'bitrix24',
        url: 'https://elsewhere.example',
        events: ['message.created'],
        config: { webhookUrl: 'https://shop.bitrix24.ru/rest/1/abc/', extra: 1 },
      }),
    ).toMatchObject({
      fields: [
        { field: 'url', code: 'unknown_field' },
        { field: 'events', code: 'value_invalid' },
        { field: 'config.extra', code: 'unknown_field' },
      ],
    })
    expect(await refused({ events: ['lead.created'] })).toMatchObject({
      fields: [{ field: 'url', code: 'required' }],
    })
    expect(await refused({ kind: 'salesforce', config: {} })).toMatchObject({ code: 'bad_request' })
    const listed = await call(relay, admin, 'GET', '/v1/admin/webhooks')
    expect(listed.body.endpoints).toEqual([])
  })

  it('refuses a CRM on a private address unless allowed, and a secret rotation it has no use for', async () => {
    await start({ allowPrivate: false })
    const portal = await bitrixPortal()
    const refused = await call(relay, admin, 'POST', '/v1/admin/webhooks', {
      kind: 'bitrix24',
      config: { webhookUrl: portal.webhookUrl },
    })
    expect(refused.status).toBe(400)
    expect(refused.body.code).toBe('webhook_url_private')
    await relay.close()

    await start()
    const { body } = await call(relay, admin, 'POST', '/v1/admin/webhooks', {
      kind: 'bitrix24',
      config: { webhookUrl: portal.webhookUrl },
    })
    const rotate = await call(
      relay,
      admin,
      'POST',
      `/v1/admin/webhooks/${body.endpoint.id}/rotate-secret`,
    )
    expect(rotate.status).toBe(400)
    expect(rotate.body.code).toBe('bad_request')
  })
})
