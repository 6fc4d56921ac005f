import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONSENT, FORM_SITES, MONDAY_NOON_MSK } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { ofType } from '../../testing/ws-client.ts'

const MINUTE = 60_000
// Monday 15 January 2024 in Moscow (the shop's zone).
const PERIOD = 'from=2024-01-15&to=2024-01-16&siteId=shop'

let relay: TestRelay
let admin: string
let clock: number

beforeEach(async () => {
  clock = MONDAY_NOON_MSK
  relay = await injectRelay({
    sites: FORM_SITES,
    now: () => clock,
    rateLimit: { burst: 1000, perSecond: 1000 },
    requestLimits: { engage: { max: 100, windowMs: MINUTE } },
  })
  admin = await relay.login()
})
afterEach(async () => {
  await relay.close()
})

const beacon = (body: unknown, init: { site?: string; type?: string } = {}) =>
  relay.fetch(`/v1/sites/${init.site ?? 'shop'}/funnel`, {
    method: 'POST',
    headers: { 'content-type': init.type ?? 'text/plain;charset=UTF-8' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

const funnel = async (query: string) => {
  const reply = await call(relay, admin, 'GET', `/v1/analytics/funnel?${query}`)
  expect(reply.status, JSON.stringify(reply.body)).toBe(200)
  return reply.body
}

describe('the funnel', () => {
  it('counts visits, opens and picks from beacons, and conversations and leads from the log', async () => {
    const sale = 'https://shop.example/sale?utm_source=newsletter&email=ann@example.com'
    const home = 'https://shop.example/'
    for (const page of [sale, sale, sale, home]) {
      expect((await beacon({ step: 'visit', page })).status).toBe(204)
    }
    await beacon({ step: 'open', page: sale }, { type: 'application/json' })
    await beacon({ step: 'open', page: home })
    await beacon({ step: 'pick', page: sale, channel: 'chat' })
    await beacon({ step: 'pick', page: home, channel: 'callback' })
    await beacon({ step: 'pick', page: home, channel: 'telegram' })

    // A chat from the newsletter page, a callback (a lead) from the home page.
    const reader = await relay.visitor({ page: { url: sale } })
    reader.socket.send({ t: 'send', cid: 'm1', text: 'About the sale' })
    await reader.socket.next(ofType('ack', (f) => f.cid === 'm1'))
    const caller = await relay.visitor({ page: { url: home } })
    caller.socket.send({
      t: 'callback',
      cid: 'cb1',
      name: 'Anna',
      phone: '+79161234567',
      when: 'asap',
      consent: CONSENT,
    })
    await caller.socket.next(ofType('ack', (f) => f.cid === 'cb1'))

    const total = {
      key: null,
      label: 'Total',
      visits: 4,
      opens: 2,
      picks: 3,
      conversations: 2,
      leads: 1,
      conversion: 0.25,
    }
    const bySite = await funnel(PERIOD)
    expect(bySite.period.timeZone).toBe('Europe/Moscow')
    expect(bySite.total).toEqual(total)
    expect(bySite.rows).toEqual([{ ...total, key: 'shop', label: 'shop' }])

    const byPage = await funnel(`${PERIOD}&groupBy=page`)
    // The query string (here an e-mail) is never kept: the page is its origin and path.
    expect(byPage.rows).toEqual([
      {
        key: 'https://shop.example/sale',
        label: 'https://shop.example/sale',
        visits: 3,
        opens: 1,
        picks: 1,
        conversations: 1,
        leads: 0,
        conversion: 0,
      },
      {
        key: 'https://shop.example/',
        label: 'https://shop.example/',
        visits: 1,
        opens: 1,
        picks: 2,
        conversations: 1,
        leads: 1,
        conversion: 1,
      },
    ])

    const bySource = await funnel(`${PERIOD}&groupBy=source`)
    expect(
      bySource.rows.map((r: { key: string | null; visits: number; conversations: number }) => [
        r.key,
        r.visits,
        r.conversations,
      ]),
    ).toEqual([
      ['newsletter', 3, 1],
      [null, 1, 1],
    ])

    const byChannel = await funnel(`${PERIOD}&groupBy=channel`)
    expect(byChannel.total).toEqual(total)
    const channels = Object.fromEntries(
      byChannel.rows.map((r: { label: string; visits: null; picks: number; leads: number }) => [
        r.label,
        [r.visits, r.picks, r.leads],
      ]),
    )
    expect(channels).toEqual({
      'Site chat': [null, 1, 0],
      Callback: [null, 1, 1],
      Telegram: [null, 1, 0],
    })

    const byScenario = await funnel(`${PERIOD}&groupBy=scenario`)
    expect(byScenario.rows).toEqual([
      {
        key: null,
        label: '(no scenario)',
        visits: null,
        opens: null,
        picks: null,
        conversations: 2,
        leads: 1,
        conversion: null,
      },
    ])

    const csv = await relay.fetch(`/v1/analytics/funnel.csv?${PERIOD}&groupBy=page`, {
      headers: { cookie: admin },
    })
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="funnel-2024-01-15-2024-01-16.csv"',
    )
    expect((await csv.text()).replace(/^\uFEFF/, '').split('\r\n')).toEqual([
      'page,key,Visits,Button opens,Channel picks,Conversations,Leads,Leads per visit (0-1)',
      'https://shop.example/sale,https://shop.example/sale,3,1,1,1,0,0',
      'https://shop.example/,https://shop.example/,1,1,2,1,1,1',
      'Total,,4,2,3,2,1,0.25',
      '',
    ])
  })

  it("counts a beacon on the site's local day", async () => {
    // 23:30 on Monday in Moscow is 20:30 UTC; 00:30 on Tuesday is 21:30 UTC on Monday.
    clock = Date.parse('2024-01-15T20:30:00Z')
    await beacon({ step: 'visit', page: 'https://shop.example/' })
    clock = Date.parse('2024-01-15T21:30:00Z')
    await beacon({ step: 'visit', page: 'https://shop.example/' })
    await beacon({ step: 'visit', page: 'https://shop.example/' })

    expect((await funnel(PERIOD)).total.visits).toBe(1)
    expect((await funnel('from=2024-01-16&to=2024-01-17&siteId=shop')).total.visits).toBe(2)
  })

  it('refuses bad beacons with a stable code and counts none of them', async () => {
    const page = 'https://shop.example/'
    const refused = async (body: unknown, status: number, code: string, site = 'shop') => {
      const response = await beacon(body, { site })
      expect(response.status).toBe(status)
      expect(((await response.json()) as { code: string }).code).toBe(code)
    }
    await refused({ step: 'visit', page }, 404, 'site_not_found', 'nowhere')
    await refused({ step: 'purchase', page }, 400, 'bad_request')
    await refused({ step: 'pick', page }, 400, 'bad_request')
    await refused({ step: 'pick', page, channel: 'fax' }, 400, 'bad_request')
    await refused({ step: 'visit', page, channel: 'chat' }, 400, 'bad_request')
    await refused({ step: 'visit', page: 'not a url' }, 400, 'bad_request')
    await refused({ step: 'visit', page: 'javascript:alert(1)' }, 400, 'bad_request')
    await refused('{"step":', 400, 'bad_json')
    await refused({ step: 'visit', page: `${page}${'x'.repeat(5000)}` }, 413, 'frame_too_large')

    expect((await funnel(PERIOD)).total).toMatchObject({ visits: 0, opens: 0, picks: 0 })
  })

  it('is rate limited per client address', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 101; i++) {
      statuses.push((await beacon({ step: 'visit', page: 'https://shop.example/' })).status)
    }
    // 100 a minute in this relay: the 101st within the minute is refused.
    expect(statuses.slice(0, 100).every((s) => s === 204)).toBe(true)
    expect(statuses[100]).toBe(429)
    expect((await funnel(PERIOD)).total.visits).toBe(100)
  })
})
