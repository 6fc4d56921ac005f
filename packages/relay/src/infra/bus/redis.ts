import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { MemoryBus } from './memory.ts'
import type { Bus, BusListener, BusMessage } from './types.ts'

/** What travels on the Redis channel: the topic, the message, and the relay that sent it. */
interface Envelope {
  /** The publishing relay's id: it delivered the message to its own sockets already. */
  n: string
  t: string
  m: BusMessage
}

export interface RedisBusOptions {
  /** Channel name; relays sharing one Redis for different deployments need different ones. */
  channel?: string
  /** How long `connect` waits for Redis before it gives up (ms). */
  connectTimeoutMs?: number
}

/**
 * The bus across relays: every message is delivered at once to this relay's subscribers (as
 * `MemoryBus` does) and published on one Redis channel that every relay subscribes to, which
 * hands it to its own subscribers of the topic. One channel for all topics: a relay needs no
 * SUBSCRIBE round trip before it may replay a visitor's history (no gap between subscribing
 * and replaying), at the cost of each relay receiving every message — right for a few relays.
 *
 * Messages from one relay arrive at the others in the order it published them (one
 * connection, one channel). While Redis is unreachable the client queues publishes and sends
 * them once it is back; what a relay misses (it was down too) the sockets recover by cursor
 * on reconnect, as they do for any drop.
 */
export class RedisBus implements Bus {
  /** This relay's id on the channel. */
  readonly node = randomUUID()
  private readonly local = new MemoryBus()
  private readonly resync = new Set<() => void>()
  private closed = false
  /** The subscriber's link dropped since it was last subscribed. */
  private dropped = false

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
  ) {
    subscriber.on('message', (channel: string, payload: string) => {
      if (channel !== this.channel || this.closed) return
      let envelope: Envelope
      try {
        envelope = JSON.parse(payload) as Envelope
      } catch {
        return
      }
      if (envelope.n === this.node) return
      this.local.publish(envelope.t, envelope.m)
    })
    subscriber.on('close', () => {
      this.dropped = true
    })
    subscriber.on('ready', () => {
      if (!this.dropped || this.closed) return
      // Subscribed again (the client resubscribes on its own; this waits for the reply):
      // from now on nothing is missed, and what was missed the sockets fetch by cursor.
      subscriber.subscribe(this.channel).then(
        () => {
          this.dropped = false
          for (const listener of this.resync) listener()
        },
        () => {},
      )
    })
  }

  /** Connects to `url` (`redis://host:port`) and subscribes; rejects with why it could not. */
  static async connect(url: string, options: RedisBusOptions = {}): Promise<RedisBus> {
    const { channel = 'parley:bus', connectTimeoutMs = 5000 } = options
    const open = () =>
      new Redis(url, {
        lazyConnect: true,
        connectTimeout: connectTimeoutMs,
        // Keep trying after a drop (Redis restarted), every 50 ms … 2 s.
        retryStrategy: (times) => Math.min(times * 50, 2000),
        maxRetriesPerRequest: null,
      })
    const publisher = open()
    const subscriber = open()
    // Connection errors are retried by the client; they are not the relay's to crash on.
    publisher.on('error', () => {})
    subscriber.on('error', () => {})
    try {
      await withTimeout(
        Promise.all([publisher.connect(), subscriber.connect()]),
        connectTimeoutMs,
        `Redis at ${redact(url)} did not answer within ${connectTimeoutMs} ms`,
      )
      await subscriber.subscribe(channel)
    } catch (error) {
      publisher.disconnect()
      subscriber.disconnect()
      throw new Error(
        `PARLEY_REDIS_URL: cannot connect to ${redact(url)}: ${(error as Error).message}`,
      )
    }
    return new RedisBus(publisher, subscriber, channel)
  }

  publish(topic: string, message: BusMessage): void {
    if (this.closed) return
    this.local.publish(topic, message)
    const envelope: Envelope = { n: this.node, t: topic, m: message }
    this.publisher.publish(this.channel, JSON.stringify(envelope)).catch(() => {})
  }

  subscribe(topic: string, listener: BusListener): () => void {
    return this.local.subscribe(topic, listener)
  }

  onResync(listener: () => void): void {
    this.resync.add(listener)
  }

  /** Topics with a subscriber on this relay. */
  get topicCount(): number {
    return this.local.topicCount
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.local.close()
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()])
  }
}

/** `url` without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'the given URL'
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}
