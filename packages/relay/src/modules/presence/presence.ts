import { isWithinWorkingHours, type PresenceReply, type SiteConfig } from '@parley/protocol'
import { PRESENCE_TOPIC } from '../../infra/bus/topics.ts'
import type { Bus } from '../../infra/bus/types.ts'

/** Operators online across relays (Redis: `RedisPresence`); absent with one relay. */
export interface PresenceDirectory {
  /** Records the operator on this relay as online or not; resolves with the total online. */
  set(operatorId: string, online: boolean): Promise<number>
  /** Calls `listener` with the total after each periodic recount (relays that died drop out). */
  onRecount(listener: (total: number) => void): void
  close(): Promise<void>
}

/**
 * Counts operators online (routing's statuses say who: `online` with a socket open) and
 * announces every change of the count to visitors as a `presence` frame. With several
 * relays the count is the directory's (every relay's operators, each once), and each relay
 * learns the others' changes from their `presence` frames on the bus.
 */
export class OperatorPresence {
  private readonly online = new Set<string>()
  /** The count across relays, when there is a directory. */
  private total = 0

  constructor(
    private readonly bus: Bus,
    private readonly directory?: PresenceDirectory,
  ) {
    if (!directory) return
    bus.subscribe(PRESENCE_TOPIC, ({ frame }) => {
      if (frame.t === 'presence') this.total = frame.operatorsOnline
    })
    directory.onRecount((total) => this.update(total))
  }

  /** Operators online now. */
  get count(): number {
    return this.directory ? this.total : this.online.size
  }

  /** Counts the operator as online (their status is `online`) or not. */
  set(employeeId: string, online: boolean): void {
    const before = this.count
    if (online) this.online.add(employeeId)
    else this.online.delete(employeeId)
    if (!this.directory) {
      this.announce(before)
      return
    }
    this.directory.set(employeeId, online).then(
      (total) => this.update(total),
      // Redis is away: the periodic recount corrects the count once it is back.
      () => {},
    )
  }

  private update(total: number): void {
    const before = this.total
    this.total = total
    this.announce(before)
  }

  private announce(before: number): void {
    if (before === this.count) return
    // `available` here ignores working hours; each visitor socket recomputes it for its site.
    this.bus.publish(PRESENCE_TOPIC, {
      frame: { t: 'presence', operatorsOnline: this.count, available: this.count > 0 },
    })
  }
}

/** What a site's visitors are told: operators online, and whether chat is available now. */
export function availability(
  operatorsOnline: number,
  site: Pick<SiteConfig, 'workingHours'>,
  now: number,
): PresenceReply {
  return {
    operatorsOnline,
    available: operatorsOnline > 0 && isWithinWorkingHours(site.workingHours, now),
  }
}
