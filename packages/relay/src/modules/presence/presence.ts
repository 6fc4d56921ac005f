import { isWithinWorkingHours, type PresenceReply, type SiteConfig } from '@parley/protocol'
import { PRESENCE_TOPIC } from '../../infra/bus/topics.ts'
import type { Bus } from '../../infra/bus/types.ts'

/**
 * Counts operators online (routing's statuses say who: `online` with a socket open) and
 * announces every change of the count to visitors as a `presence` frame.
 */
export class OperatorPresence {
  private readonly online = new Set<string>()

  constructor(private readonly bus: Bus) {}

  /** Operators online now. */
  get count(): number {
    return this.online.size
  }

  /** Counts the operator as online (their status is `online`) or not. */
  set(employeeId: string, online: boolean): void {
    const before = this.count
    if (online) this.online.add(employeeId)
    else this.online.delete(employeeId)
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
