import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
afterEach(async () => {
  await relay.close()
})

describe('monitoring', () => {
  it("shows each visitor's page, visit length, pages, source and chat, and each group's queue", async () => {
    const clock = manualClock()
    relay = await injectRelay({ now: clock.now, timers: clock.timers })
    const admin = await relay.login()
    const start = clock.now()
    const first = await relay.visitor({
      page: { url: 'https://shop.example/shoes?utm_source=newsletter', title: 'Shoes' },
    })
    let live = (await call(relay, admin, 'GET', '/v1/analytics/live')).body
    expect(live.visitors).toEqual([
      {
        visitorId: first.welcome.visitorId,
        siteId: 'shop',
        page: 'https://shop.example/shoes?utm_source=newsletter',
        title: 'Shoes',
        since: start,
        pages: 1,
        region: null,
        source: 'newsletter',
        engaged: false,
        chatting: false,
      },
    ])

    // The next page load: a new socket of the same visitor, within the visit.
    clock.advance(20_000)
    await first.socket.close()
    const second = await relay.visitor({
      token: first.welcome.token,
      page: { url: 'https://shop.example/cart', title: 'Cart' },
    })
    second.socket.send({ t: 'send', cid: 'm1', text: 'Is the sale still on?' })
    await second.socket.next(ofType('ack'))
    clock.advance(30_000)
    live = (await call(relay, admin, 'GET', '/v1/analytics/live?siteId=shop')).body
    expect(live.visitors).toEqual([
      expect.objectContaining({
        page: 'https://shop.example/cart',
        since: start,
        pages: 2,
        source: 'newsletter',
        chatting: true,
      }),
    ])
    // Nobody is online: the chat waits in the default group since it was written.
    expect(live.groups).toEqual([
      expect.objectContaining({
        siteId: 'shop',
        name: 'General',
        open: 1,
        waiting: 1,
        longestWaitMs: 30_000,
      }),
    ])

    // Gone: off the list once the socket closes.
    await second.socket.close()
    live = (await call(relay, admin, 'GET', '/v1/analytics/live?siteId=shop')).body
    expect(live.visitors).toEqual([])
    const unknown = await call(relay, admin, 'GET', '/v1/analytics/live?siteId=nowhere')
    expect([unknown.status, unknown.body.code]).toEqual([404, 'site_not_found'])
  })
})
