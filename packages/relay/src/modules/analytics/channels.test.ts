import { afterEach, describe, expect, it } from 'vitest'
import { CONSENT, FORM_SITES, MONDAY_NOON_MSK } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call, createScenario } from '../../testing/scenarios.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
afterEach(async () => {
  await relay.close()
})

// Monday 15 January 2024 in Moscow (the shop's zone).
const PERIOD = 'from=2024-01-15&to=2024-01-16&siteId=shop'

describe('channel effectiveness', () => {
  it('counts conversations, leads and missed chats per channel, scenario, page and source', async () => {
    let clock = MONDAY_NOON_MSK
    relay = await injectRelay({ sites: FORM_SITES, now: () => clock })
    const admin = await relay.login()
    const scenario = await createScenario(relay, admin)

    // An invitation shown and clicked, then a chat from it on a newsletter landing page.
    const ad = await relay.visitor({
      page: { url: 'https://shop.example/sale?utm_source=newsletter' },
    })
    for (const [cid, event] of [
      ['i1', 'impression'],
      ['k1', 'click'],
    ] as const) {
      ad.socket.send({ t: 'engage', cid, scenarioId: scenario.id, event, page: '/sale' })
      await ad.socket.next(ofType('ack', (f) => f.cid === cid))
    }
    ad.socket.send({
      t: 'send',
      cid: 'm1',
      text: 'A question about the sale',
      scenarioId: scenario.id,
    })
    const { conversationId: chat } = await ad.socket.next(ofType('ack', (f) => f.cid === 'm1'))
    const { socket: op } = await relay.operator({ cookie: admin })
    clock += 60_000
    op.send({ t: 'close', cid: 'x1', conversationId: chat })
    await op.next(ofType('ack', (f) => f.cid === 'x1'))

    // A callback request: a lead, on a page without a source.
    const caller = await relay.visitor({ page: { url: 'https://shop.example/contacts' } })
    caller.socket.send({
      t: 'callback',
      cid: 'cb1',
      name: 'Anna',
      phone: '+79161234567',
      when: 'asap',
      consent: CONSENT,
    })
    await caller.socket.next(ofType('ack', (f) => f.cid === 'cb1'))

    const get = async (groupBy: string) => {
      const reply = await call(
        relay,
        admin,
        'GET',
        `/v1/analytics/channels?${PERIOD}&groupBy=${groupBy}`,
      )
      expect(reply.status, JSON.stringify(reply.body)).toBe(200)
      return reply.body
    }
    const byChannel = await get('channel')
    expect(byChannel.period.timeZone).toBe('Europe/Moscow')
    expect(byChannel.rows.map((r: { label: string }) => r.label).sort()).toEqual([
      'Callback',
      'Site chat',
    ])
    expect(byChannel.total).toMatchObject({
      conversations: 2,
      chats: 1,
      callbacks: 1,
      leads: 1,
      missed: 1,
      firstResponseFromQueue: null,
      impressions: null,
    })

    const byScenario = await get('scenario')
    expect(byScenario.rows.find((r: { key: string }) => r.key === scenario.id)).toMatchObject({
      impressions: 1,
      clicks: 1,
      conversations: 1,
      missed: 1,
    })
    expect(byScenario.total).toMatchObject({ impressions: 1, clicks: 1, conversations: 2 })

    const bySource = await get('source')
    const sources = Object.fromEntries(
      bySource.rows.map((r: { key: string | null; conversations: number }) => [
        r.key,
        r.conversations,
      ]),
    )
    expect(sources).toEqual({ newsletter: 1, null: 1 })

    const byPage = await get('page')
    expect(byPage.rows.map((r: { key: string }) => r.key).sort()).toEqual([
      'https://shop.example/contacts',
      'https://shop.example/sale',
    ])

    const csv = await relay.fetch(`/v1/analytics/channels.csv?${PERIOD}&groupBy=scenario`, {
      headers: { cookie: admin },
    })
    const text = await csv.text()
    expect(text.replace(/^\uFEFF/, '')).toMatch(/^scenario,key,Invitations shown,/)
    expect(text.trimEnd().split('\r\n').at(-1)).toBe('Total,,1,1,2,1,1,0,1,1,,,0')
  })
})
