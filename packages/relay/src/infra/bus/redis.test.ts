import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testRedisUrl } from '../../testing/postgres.ts'
import { type RedisServer, startRedis } from '../../testing/services.ts'
import { describeBus } from './contract.ts'
import { RedisBus } from './redis.ts'
import type { BusMessage } from './types.ts'

describeBus('redis', () => RedisBus.connect(testRedisUrl()))

const message = (n: number): BusMessage => ({
  frame: { t: 'presence', operatorsOnline: n, available: n > 0 },
})
const count = (m: BusMessage) => (m.frame as { operatorsOnline: number }).operatorsOnline

/** Collects what a topic delivers; `until(k)` resolves once `k` messages arrived. */
function collect(bus: RedisBus, topic: string) {
  const got: number[] = []
  const waiters: { k: number; resolve: () => void }[] = []
  bus.subscribe(topic, (m) => {
    got.push(count(m))
    for (const w of waiters.filter((w) => got.length >= w.k)) w.resolve()
  })
  return {
    got,
    until: (k: number) =>
      got.length >= k
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ k, resolve })),
  }
}

describe('RedisBus between relays', () => {
  // A server of its own: this suite restarts it.
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(() => redis.stop())

  it('delivers one relay’s messages to the other’s subscribers in order, never twice to its own', async () => {
    const a = await RedisBus.connect(redis.url)
    const b = await RedisBus.connect(redis.url)
    const onA = collect(a, 'visitor:shop:v1')
    const onB = collect(b, 'visitor:shop:v1')
    const elsewhere = collect(b, 'visitor:shop:v2')
    for (let n = 1; n <= 50; n++) a.publish('visitor:shop:v1', message(n))
    b.publish('visitor:shop:v1', message(51))
    await onB.until(51)
    await onA.until(51)
    // B has its own at once (locally), then A's in the order A published them.
    expect(onB.got).toEqual([51, ...Array.from({ length: 50 }, (_, i) => i + 1)])
    // A got its own 50 at once and B's one over Redis: each exactly once.
    expect(onA.got).toEqual(Array.from({ length: 51 }, (_, i) => i + 1))
    expect(elsewhere.got).toEqual([])
    await Promise.all([a.close(), b.close()])
  })

  it('tells the relay to resync once Redis is back after a restart, and delivers again', async () => {
    const a = await RedisBus.connect(redis.url)
    const b = await RedisBus.connect(redis.url)
    const onB = collect(b, 'operators')
    let resynced = 0
    const back = new Promise<void>((resolve) =>
      b.onResync(() => {
        resynced++
        resolve()
      }),
    )
    a.publish('operators', message(1))
    await onB.until(1)
    expect(resynced).toBe(0)
    await redis.restart()
    // What is published while the link is down may be lost to B: B is told to resync (its
    // sockets then resume from the database), and what comes after arrives.
    await back
    expect(resynced).toBe(1)
    await new Promise<void>((resolve) => {
      const tick = () => {
        // A's own link may come back a moment later than B's: publish until B hears it.
        a.publish('operators', message(2))
        if (onB.got.includes(2)) resolve()
        else setTimeout(tick, 20)
      }
      tick()
    })
    expect(onB.got[0]).toBe(1)
    expect(onB.got.at(-1)).toBe(2)
    await Promise.all([a.close(), b.close()])
  })

  it('refuses to start on a Redis that does not answer, saying where it looked', async () => {
    const { freePort } = await import('../../testing/services.ts')
    const port = await freePort()
    await expect(
      RedisBus.connect(`redis://:hunter2@127.0.0.1:${port}`, { connectTimeoutMs: 300 }),
    ).rejects.toThrow(
      new RegExp(`PARLEY_REDIS_URL: cannot connect to redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}`),
    )
  })
})
