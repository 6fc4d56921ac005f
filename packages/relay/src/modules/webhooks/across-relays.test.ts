import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestDatabase } from '../../testing/postgres.ts'
import { type ListeningRelay, startRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { type RedisServer, startRedis } from '../../testing/services.ts'
import { type Receiver, startReceiver } from '../../testing/webhook-receiver.ts'
import { ofType } from '../../testing/ws-client.ts'

/** The texts of the `message.created` deliveries a receiver accepted, in arrival order. */
const deliveredTexts = (receiver: Receiver) =>
  receiver
    .accepted()
    .filter((r) => r.payload!.type === 'message.created')
    .map((r) => r.payload!.data.message.text as string)

describe('webhook delivery, across relays', () => {
  let redis: RedisServer
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let receiver: Receiver
  let a: ListeningRelay
  let b: ListeningRelay
  const closed = new Set<ListeningRelay>()
  beforeAll(async () => {
    redis = await startRedis()
    database = await createTestDatabase()
    receiver = await startReceiver()
    const config = {
      databaseUrl: database.url,
      redisUrl: redis.url,
      webhooks: { allowPrivateNetworks: ['127.0.0.1'] },
    }
    a = await startRelay(config)
    b = await startRelay(config)
  })
  afterAll(async () => {
    for (const relay of [a, b]) if (relay && !closed.has(relay)) await relay.close()
    await receiver?.close()
    await redis?.stop()
    await database?.drop()
  })

  /** A visitor on `relay` sends `texts`, each acknowledged. */
  async function chat(relay: ListeningRelay, texts: string[]) {
    const { socket } = await relay.visitor()
    for (const [i, text] of texts.entries()) {
      socket.send({ t: 'send', cid: `c${i}`, text })
      await socket.next(ofType('ack'))
    }
    await socket.close()
  }

  it('sends each event once from one relay, whichever relay wrote it, and another takes over when that relay closes', async () => {
    // Created on A after B started: B learns of it over the bus.
    const admin = await a.login()
    const created = await call(a, admin, 'POST', '/v1/admin/webhooks', {
      url: receiver.url,
      events: ['message.created'],
    })
    expect(created.status).toBe(201)
    receiver.secret = created.body.secret as string
    // B hears of it over the bus and reloads its endpoints (a message B stored before that
    // would not be queued: the window is one bus hop and one read).
    await vi.waitFor(() => expect(b.app.webhooks.activeEndpoints).toBe(1), { timeout: 10_000 })
    const sending = [a, b].filter((r) => r.app.duties.get('webhooks').held)
    expect(sending).toHaveLength(1)

    const onA = ['a1', 'a2', 'a3']
    const onB = ['b1', 'b2', 'b3']
    await Promise.all([chat(a, onA), chat(b, onB)])
    await receiver.until((r) => r.length >= 6, 30_000)
    expect(deliveredTexts(receiver).sort()).toEqual([...onA, ...onB].sort())
    // Once each: no webhook-id twice.
    const ids = receiver.received.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)

    // The sender closes; the other relay takes the duty and sends what is written next.
    const [closing] = sending
    const other = closing === a ? b : a
    // Its outcomes stored first: a request cut off by the close would be sent again by the
    // next relay, with the same webhook-id (at least once, as after a crash).
    await closing!.app.webhooks.worker.idle()
    await closing!.close()
    closed.add(closing!)
    const duty = other.app.duties.get('webhooks')
    await new Promise<void>((resolve) => {
      if (duty.held) resolve()
      else duty.onChange((held) => held && resolve())
    })
    await chat(other, ['after'])
    await receiver.until((r) => r.length >= 7, 30_000)
    expect(deliveredTexts(receiver).at(-1)).toBe('after')
    expect(receiver.received).toHaveLength(7)
  }, 60_000)
})
