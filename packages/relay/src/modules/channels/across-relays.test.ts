import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type FakeTelegram, startFakeTelegram, telegramText } from '../../testing/fake-telegram.ts'
import { createTestDatabase } from '../../testing/postgres.ts'
import { type ListeningRelay, startRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { type RedisServer, startRedis } from '../../testing/services.ts'
import { ofType } from '../../testing/ws-client.ts'

const TOKEN = '123:good'

/** Resolves once `relay` holds the channels duty. */
function holding(relay: ListeningRelay): Promise<void> {
  const duty = relay.app.duties.get('channels')
  return new Promise((resolve) => {
    if (duty.held) resolve()
    else duty.onChange((held) => held && resolve())
  })
}

describe('a Telegram bot, across relays', () => {
  let redis: RedisServer
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let telegram: FakeTelegram
  const relays: ListeningRelay[] = []
  const closed = new Set<ListeningRelay>()
  beforeAll(async () => {
    redis = await startRedis()
    database = await createTestDatabase()
    telegram = await startFakeTelegram({ tokens: [TOKEN] })
    const config = {
      databaseUrl: database.url,
      redisUrl: redis.url,
      channels: {
        secretKey: 'a'.repeat(64),
        telegramApiRoot: telegram.apiRoot,
        policy: { perChatIntervalMs: 0, perBotIntervalMs: 0 },
        pollTimeoutSeconds: 1,
      },
    }
    relays.push(await startRelay(config), await startRelay(config))
  })
  afterAll(async () => {
    for (const relay of relays) if (!closed.has(relay)) await relay.close()
    await telegram?.close()
    await redis?.stop()
    await database?.drop()
  })

  it('is polled and answered by one relay, whichever relay the operator is on, and by the other once that one closes', async () => {
    const [a, b] = relays as [ListeningRelay, ListeningRelay]
    const admin = await a.login()
    const added = await call(a, admin, 'POST', '/v1/admin/contact-points', {
      kind: 'telegram',
      siteId: 'shop',
      name: 'Shop bot',
      mode: 'polling',
      credentials: { token: TOKEN },
    })
    expect(added.status, JSON.stringify(added.body)).toBe(201)
    // B hears of the new contact point over the bus.
    await vi.waitFor(() => expect(b.app.channels.size).toBe(1), { timeout: 10_000 })
    const holders = relays.filter((r) => r.app.duties.get('channels').held)
    expect(holders).toHaveLength(1)
    const holder = holders[0]!
    const other = holder === a ? b : a

    // The operator is on the relay that does not send.
    const { socket } = await other.operator({ cookie: await other.login() })
    telegram.queue(telegramText(42, 'Hello?'))
    const { conversation } = await socket.next(ofType('conversation'))
    socket.send({ t: 'send', cid: 'r1', conversationId: conversation.id, text: 'Hello, Ivan!' })
    const ack = await socket.next(ofType('ack'))
    expect(await socket.next(ofType('delivery'))).toMatchObject({
      delivery: { eventId: ack.id, state: 'sent', attempts: 1 },
    })
    await Promise.all(relays.map((r) => r.app.channels.worker.idle()))
    expect(telegram.callsOf('sendMessage').map((c) => c.params.text)).toEqual(['Hello, Ivan!'])

    // The sending relay closes: the other polls the bot and sends from now on.
    await holder.close()
    closed.add(holder)
    await holding(other)
    telegram.queue(telegramText(42, 'Still there?'))
    const asked = await socket.next(ofType('event', (f) => f.text === 'Still there?'))
    expect(asked.conversationId).toBe(conversation.id)
    socket.send({ t: 'send', cid: 'r2', conversationId: conversation.id, text: 'Yes!' })
    await socket.next(ofType('delivery', (f) => f.delivery.state === 'sent'))
    await other.app.channels.worker.idle()
    expect(telegram.callsOf('sendMessage').map((c) => c.params.text)).toEqual([
      'Hello, Ivan!',
      'Yes!',
    ])
  }, 60_000)
})
