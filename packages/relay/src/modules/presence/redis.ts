import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { PresenceDirectory } from './presence.ts'

/**
 * Adds or removes one operator in this relay's set, keeps the set alive, and counts the
 * operators online on every live relay, in one step on the Redis server. KEYS[1]: this
 * relay's set; KEYS[2]: the registry of relays (score: when each last said it is alive).
 */
const SET_AND_COUNT = `
local now = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
if ARGV[1] == 'add' then redis.call('SADD', KEYS[1], ARGV[2])
elseif ARGV[1] == 'remove' then redis.call('SREM', KEYS[1], ARGV[2]) end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('ZADD', KEYS[2], now, KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
local sets = redis.call('ZRANGE', KEYS[2], 0, -1)
if #sets == 0 then return 0 end
return #redis.call('SUNION', unpack(sets))
`

/**
 * Operators online across relays, in Redis: each relay keeps the set of operators online on
 * it under a key that expires unless the relay renews it (every `heartbeatMs`), so a relay
 * that dies stops counting after `ttlMs`. An operator online on two relays counts once.
 */
export class RedisPresence implements PresenceDirectory {
  private readonly key: string
  private timer: NodeJS.Timeout | undefined
  private listener: ((total: number) => void) | undefined

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    heartbeatMs: number,
  ) {
    this.key = `${prefix}online:${randomUUID()}`
    this.timer = setInterval(() => void this.beat(), heartbeatMs)
    this.timer.unref()
  }

  static async connect(
    url: string,
    { prefix = 'parley:', ttlMs = 30_000, heartbeatMs = 10_000 } = {},
  ): Promise<RedisPresence> {
    const redis = new Redis(url, {
      lazyConnect: true,
      retryStrategy: (times) => Math.min(times * 50, 2000),
      maxRetriesPerRequest: null,
    })
    redis.on('error', () => {})
    await redis.connect()
    return new RedisPresence(redis, prefix, ttlMs, heartbeatMs)
  }

  async set(operatorId: string, online: boolean): Promise<number> {
    return this.run(online ? 'add' : 'remove', operatorId)
  }

  onRecount(listener: (total: number) => void): void {
    this.listener = listener
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    // This relay's operators stop counting at once, not when the key expires.
    await this.redis.del(this.key).catch(() => {})
    await this.redis.zrem(`${this.prefix}relays`, this.key).catch(() => {})
    await this.redis.quit().catch(() => {})
  }

  /** Renews this relay's set and recounts (a relay that died drops out here). */
  private async beat(): Promise<void> {
    try {
      const total = await this.run('renew', '')
      this.listener?.(total)
    } catch {
      // Redis is away; the next beat tries again.
    }
  }

  private async run(op: string, operatorId: string): Promise<number> {
    const total = await this.redis.eval(
      SET_AND_COUNT,
      2,
      this.key,
      `${this.prefix}relays`,
      op,
      operatorId,
      String(Date.now()),
      String(this.ttlMs),
    )
    return Number(total)
  }
}
