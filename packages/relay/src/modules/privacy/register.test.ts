import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONSENT, TEMPLATE, VERSION } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import type { Frame, TestSocket } from '../../testing/ws-client.ts'
import { agreementText } from './service.ts'

let relay: TestRelay
let cookie: string
let now = Date.UTC(2026, 2, 10, 12)
beforeEach(async () => {
  now = Date.UTC(2026, 2, 10, 12)
  relay = await injectRelay({
    now: () => now,
    sites: [
      { id: 'shop', locale: 'ru', agreement: TEMPLATE },
      { id: 'other', locale: 'ru', agreement: TEMPLATE },
    ],
  })
  cookie = await relay.login()
})
afterEach(() => relay.close())

const get = (path: string) => call(relay, cookie, 'GET', path)

async function acked(socket: TestSocket, frame: Frame) {
  socket.send(frame)
  return socket.next((f) => (f.t === 'ack' || f.t === 'error') && f.cid === frame.cid)
}

/** A visitor who leaves a callback request with `phone` (and an offline message with `email`). */
async function consenting(name: string, phone: string, email: string, site = 'shop') {
  const { socket, welcome } = await relay.visitor({}, { site })
  const callback = await acked(socket, {
    t: 'callback',
    cid: 'cb',
    name,
    phone,
    when: 'asap',
    consent: CONSENT,
  })
  expect(callback.t).toBe('ack')
  now += 1000
  await acked(socket, { t: 'offline', cid: 'of', name, email, text: 'Hello', consent: CONSENT })
  now += 1000
  return { socket, visitorId: welcome.visitorId as string }
}

describe('the consent register', () => {
  it('lists every consent newest first with version, form, time and IP, and pages on', async () => {
    const anna = await consenting('Anna', '+7 916 123-45-67', 'anna@example.com')
    const boris = await consenting('Boris', '+7 926 000-11-22', 'boris@example.com')
    const page1 = await get('/v1/privacy/consents?limit=3')
    expect(page1.status).toBe(200)
    expect(page1.body.consents.map((c: Frame) => [c.visitorId, c.form])).toEqual([
      [boris.visitorId, 'offline'],
      [boris.visitorId, 'callback'],
      [anna.visitorId, 'offline'],
    ])
    expect(page1.body.consents[0]).toEqual({
      id: expect.any(String),
      siteId: 'shop',
      visitorId: boris.visitorId,
      agreementVersion: VERSION,
      form: 'offline',
      at: now - 1000,
      ip: '127.0.0.1',
      withdrawnAt: null,
      withdrawnBy: null,
      erased: false,
    })
    const page2 = await get(`/v1/privacy/consents?limit=3&cursor=${page1.body.nextCursor}`)
    expect(page2.body.consents.map((c: Frame) => [c.visitorId, c.form])).toEqual([
      [anna.visitorId, 'callback'],
    ])
    expect(page2.body.nextCursor).toBeNull()
    expect((await get('/v1/privacy/consents?cursor=garbage')).body.code).toBe('bad_request')
  })

  it('filters by visitor, by contact (e-mail in any case, phone in any format) and by period', async () => {
    const start = now
    const anna = await consenting('Anna', '+7 916 123-45-67', 'anna@example.com')
    const middle = now
    const boris = await consenting('Boris', '8 926 000-11-22', 'boris@example.com')
    const visitors = async (query: string) =>
      (await get(`/v1/privacy/consents?${query}`)).body.consents.map((c: Frame) => c.visitorId)
    expect(await visitors(`visitorId=${anna.visitorId}`)).toEqual([anna.visitorId, anna.visitorId])
    expect(await visitors('contact=ANNA%40Example.com')).toEqual([anna.visitorId, anna.visitorId])
    for (const phone of ['89260001122', '+7 (926) 000-11-22', '7-926-000-11-22']) {
      expect(await visitors(`contact=${encodeURIComponent(phone)}`)).toEqual([
        boris.visitorId,
        boris.visitorId,
      ])
    }
    expect(await visitors('contact=nobody%40example.com')).toEqual([])
    expect(await visitors(`from=${start}&to=${middle}`)).toEqual([anna.visitorId, anna.visitorId])
    // [from, to): a consent at `to` is not in it.
    expect(await visitors(`from=${start}&to=${start}`)).toEqual([])
    expect(await visitors(`from=${middle}`)).toEqual([boris.visitorId, boris.visitorId])
  })

  it('exports CSV for Excel: BOM, header row, a row per consent, formula-safe cells, a download name', async () => {
    await consenting('Anna', '+7 916 123-45-67', 'anna@example.com')
    const response = await relay.fetch('/v1/privacy/consents.csv', { headers: { cookie } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="consents-2026-03-10.csv"',
    )
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n')
    expect(lines[0]).toBe(
      'id,siteId,visitorId,agreementVersion,form,at,ip,withdrawnAt,withdrawnBy,erased',
    )
    expect(lines).toHaveLength(4) // header, two consents, and the empty rest after the last CRLF
    expect(lines[1]).toMatch(
      new RegExp(
        `^k_[^,]+,shop,v_[^,]+,${VERSION},offline,2026-03-10T12:00:01.000Z,127.0.0.1,,,false$`,
      ),
    )
  })

  it('keeps the agreement text of each version, also after the agreement changed', async () => {
    await consenting('Anna', '+7 916 123-45-67', 'anna@example.com')
    const site = (await relay.app.sites.get('shop'))!
    const first = await get(`/v1/privacy/agreements/shop/${VERSION}`)
    expect(first.body).toEqual({
      siteId: 'shop',
      version: VERSION,
      text: agreementText(site)!.text,
      firstSeenAt: expect.any(Number),
    })
    expect(first.body.text).toContain(TEMPLATE.company)
    const changed = await call(relay, cookie, 'PUT', '/v1/admin/sites/shop', {
      agreement: { ...TEMPLATE, company: 'Chai & Tea LLC' },
    })
    expect(changed.status, JSON.stringify(changed.body)).toBe(200)
    const version = changed.body.agreement.version
    expect(version).not.toBe(VERSION)
    expect((await get(`/v1/privacy/agreements/shop/${version}`)).body.text).toContain(
      'Chai & Tea LLC',
    )
    // The old text is still the old one.
    expect((await get(`/v1/privacy/agreements/shop/${VERSION}`)).body.text).toBe(first.body.text)
    expect((await get('/v1/privacy/agreements/shop/0000000000000000')).body.code).toBe(
      'agreement_not_found',
    )
    // The change of what is collected is in the audit log, with who made it.
    const audit = await get('/v1/privacy/audit')
    expect(audit.body.entries[0]).toMatchObject({
      action: 'settings',
      actorName: 'Admin',
      siteId: 'shop',
      details: {
        before: expect.objectContaining({ agreementVersion: VERSION }),
        after: expect.objectContaining({ agreementVersion: version }),
      },
    })
  })
})

describe('withdrawal', () => {
  it('by the visitor: every consent of theirs is withdrawn, once per cid, audit-logged', async () => {
    const anna = await consenting('Anna', '+7 916 123-45-67', 'anna@example.com')
    const boris = await consenting('Boris', '+7 926 000-11-22', 'boris@example.com')
    const ack = await acked(anna.socket, { t: 'withdraw_consent', cid: 'w1' })
    expect(ack).toEqual({ t: 'ack', cid: 'w1', id: expect.any(String), at: now })
    const again = await acked(anna.socket, { t: 'withdraw_consent', cid: 'w1' })
    expect(again).toEqual(ack)
    const rows = (await get('/v1/privacy/consents')).body.consents as Frame[]
    const by = (id: string) =>
      rows.filter((c) => c.visitorId === id).map((c) => [c.withdrawnBy, c.withdrawnAt])
    expect(by(anna.visitorId)).toEqual([
      ['visitor', now],
      ['visitor', now],
    ])
    expect(by(boris.visitorId)).toEqual([
      [null, null],
      [null, null],
    ])
    const audit = await get('/v1/privacy/audit')
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        action: 'withdraw',
        actorId: null,
        subject: anna.visitorId,
        details: { by: 'visitor', consents: 2 },
      }),
    ])
  })

  it('by an admin on request: that consent, with the reason in the audit log', async () => {
    const anna = await consenting('Anna', '+7 916 123-45-67', 'anna@example.com')
    const [latest] = (await get('/v1/privacy/consents')).body.consents as Frame[]
    now += 5000
    const reply = await call(relay, cookie, 'POST', `/v1/privacy/consents/${latest!.id}/withdraw`, {
      reason: 'Letter of 9 March',
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ ...latest, withdrawnAt: now, withdrawnBy: 'admin' })
    const rest = (await get(`/v1/privacy/consents?visitorId=${anna.visitorId}`)).body.consents
    expect(rest.map((c: Frame) => c.withdrawnBy)).toEqual(['admin', null])
    const missing = await call(relay, cookie, 'POST', '/v1/privacy/consents/k_none/withdraw', {
      reason: 'Letter',
    })
    expect(missing).toMatchObject({ status: 404, body: { code: 'consent_not_found' } })
    const audit = (await get('/v1/privacy/audit')).body.entries
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'withdraw',
        actorName: 'Admin',
        reason: 'Letter of 9 March',
        details: { consentId: latest!.id, by: 'admin' },
      }),
    ])
  })
})

describe('subjects', () => {
  it('finds a visitor by id, e-mail or phone in any format, with what is held in short', async () => {
    const anna = await consenting('Anna', '+7 916 123-45-67', 'Anna@Example.com')
    await consenting('Boris', '+7 926 000-11-22', 'boris@example.com')
    const found = async (query: string) =>
      (await get(`/v1/privacy/subjects?query=${encodeURIComponent(query)}`)).body.subjects
    const expected = [
      {
        visitorId: anna.visitorId,
        siteId: 'shop',
        name: 'Anna',
        email: 'Anna@Example.com',
        phone: '+79161234567',
        firstSeenAt: expect.any(Number),
        lastSeenAt: expect.any(Number),
        conversations: 2,
        consents: 2,
      },
    ]
    for (const query of [anna.visitorId, 'anna@example.COM', '8 (916) 123 45 67', '+79161234567']) {
      expect(await found(query), query).toEqual(expected)
    }
    expect(await found('nobody@example.com')).toEqual([])
    expect(await found('')).toEqual([])
  })
})

describe('audit log', () => {
  it('pages newest first', async () => {
    const anna = await consenting('Anna', '+7 916 123-45-67', 'anna@example.com')
    for (let i = 0; i < 3; i++) {
      now += 1
      await get(`/v1/privacy/subjects/shop/${anna.visitorId}/export`)
    }
    const first = await get('/v1/privacy/audit?limit=2')
    expect(first.body.entries.map((e: Frame) => e.at)).toEqual([now, now - 1])
    const second = await get(`/v1/privacy/audit?limit=2&cursor=${first.body.nextCursor}`)
    expect(second.body.entries.map((e: Frame) => e.at)).toEqual([now - 2])
    expect(second.body.nextCursor).toBeNull()
  })
})

describe('roles', () => {
  it('lets a supervisor read the register and the audit log, and nothing else', async () => {
    const anna = await consenting('Anna', '+7 916 123-45-67', 'anna@example.com')
    const hired = await call(relay, cookie, 'POST', '/v1/admin/employees', {
      email: 'sue@example.com',
      name: 'Sue',
      role: 'supervisor',
      password: 'supervisor password 1',
    })
    expect(hired.status).toBe(201)
    const sue = await relay.login('sue@example.com', 'supervisor password 1')
    const as = (method: string, path: string, body?: unknown) =>
      call(relay, sue, method, path, body)
    expect((await as('GET', '/v1/privacy/consents')).status).toBe(200)
    expect((await as('GET', '/v1/privacy/audit')).status).toBe(200)
    for (const [method, path, body] of [
      ['GET', `/v1/privacy/subjects?query=${anna.visitorId}`],
      ['GET', `/v1/privacy/subjects/shop/${anna.visitorId}/export`],
      ['POST', `/v1/privacy/subjects/shop/${anna.visitorId}/erase`, { reason: 'Because' }],
      [
        'PUT',
        '/v1/privacy/retention/shop',
        { conversationsDays: 1, visitorsDays: 1, engagementsDays: 1 },
      ],
    ] as const) {
      const reply = await as(method, path, body)
      expect(reply, `${method} ${path}`).toMatchObject({ status: 403, body: { code: 'forbidden' } })
    }
    // Nothing was exported or erased: the audit log is empty and Anna is all there.
    expect((await get('/v1/privacy/audit')).body.entries).toEqual([])
    expect((await get(`/v1/privacy/subjects?query=${anna.visitorId}`)).body.subjects[0].name).toBe(
      'Anna',
    )
  })
})
