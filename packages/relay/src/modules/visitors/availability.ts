import type { PresenceReply, SiteConfig } from '@parley/protocol'
import { PRESENCE_TOPIC } from '../../infra/bus/topics.ts'
import type { Bus, BusMessage } from '../../infra/bus/types.ts'
import { availability } from '../presence/presence.ts'

/** What the announcer needs of a visitor socket. */
interface Listener {
  deliver(message: BusMessage): void
}

interface SiteEntry {
  /** The site's working hours as the latest visitor socket of the site read them. */
  config: Pick<SiteConfig, 'workingHours'>
  /** What the site's sockets were last told. */
  last: PresenceReply
  sockets: Set<Listener>
}

/**
 * Tells every visitor socket of a site when its `presence` changes: operators coming and
 * going (one bus subscription for all sockets) and working hours starting or ending (one
 * timer for all sockets, every `checkMs`). What a socket was told is kept per site, not per
 * socket — a site's sockets are told the same things — so an idle socket costs one entry
 * in its site's set.
 */
export class SiteAvailability {
  private readonly sites = new Map<string, SiteEntry>()
  private readonly unsubscribe: () => void
  private readonly timer: ReturnType<typeof setInterval>

  constructor(
    bus: Bus,
    private readonly operatorsOnline: () => number,
    private readonly now: () => number,
    checkMs: number,
  ) {
    this.unsubscribe = bus.subscribe(PRESENCE_TOPIC, () => this.check())
    this.timer = setInterval(() => this.check(), checkMs)
    this.timer.unref()
  }

  /** Adds the socket to its site's; returns what it is to be told now, and how it leaves. */
  join(
    siteId: string,
    config: Pick<SiteConfig, 'workingHours'>,
    socket: Listener,
  ): { presence: PresenceReply; leave: () => void } {
    let entry = this.sites.get(siteId)
    if (!entry) {
      entry = { config, last: this.compute(config), sockets: new Set() }
      this.sites.set(siteId, entry)
    } else {
      entry.config = config
      this.update(entry)
    }
    entry.sockets.add(socket)
    const joined = entry
    return {
      presence: joined.last,
      leave: () => {
        joined.sockets.delete(socket)
        if (joined.sockets.size === 0 && this.sites.get(siteId) === joined) {
          this.sites.delete(siteId)
        }
      },
    }
  }

  close(): void {
    clearInterval(this.timer)
    this.unsubscribe()
  }

  private check(): void {
    for (const entry of this.sites.values()) this.update(entry)
  }

  /** Recomputes a site's presence; its sockets hear of it if it changed. */
  private update(entry: SiteEntry): void {
    const now = this.compute(entry.config)
    if (
      now.available === entry.last.available &&
      now.operatorsOnline === entry.last.operatorsOnline
    ) {
      return
    }
    entry.last = now
    const message: BusMessage = { frame: { t: 'presence', ...now } }
    for (const socket of entry.sockets) socket.deliver(message)
  }

  private compute(config: Pick<SiteConfig, 'workingHours'>): PresenceReply {
    return availability(this.operatorsOnline(), config, this.now())
  }
}
