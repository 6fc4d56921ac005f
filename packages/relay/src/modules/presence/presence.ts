import { isWithinWorkingHours, type PresenceReply, type SiteConfig } from '@parley/protocol'
import { PRESENCE_TOPIC } from '../../infra/bus/topics.ts'
import type { Bus } from '../../infra/bus/types.ts'

/**
 * Counts operators with at least one open socket and announces every change of
 * the count to visitors as a `presence` frame.
 */
export class OperatorPresence {
  private readonly sockets = new Map<string, number>()

  constructor(private readonly bus: Bus) {}

  /** Operators online now. */
  get count(): number {
    return this.sockets.size
  }

  /** Counts the operator as online (their status is `online`) or not. */
  set(employeeId: string, online: boolean): void {
    const before = this.count
    if (online) this.sockets.set(employeeId, 1)
    else this.sockets.delete(employeeId)
    this.announce(before)
  }

  /** Registers one socket of the employee; returns the function that unregisters it. */
  add(employeeId: string): () => void {
    const before = this.count
    this.sockets.set(employeeId, (this.sockets.get(employeeId) ?? 0) + 1)
    this.announce(before)
    let removed = false
    return () => {
      if (removed) return
      removed = true
      const left = (this.sockets.get(employeeId) ?? 1) - 1
      const previous = this.count
      if (left > 0) this.sockets.set(employeeId, left)
      else this.sockets.delete(employeeId)
      this.announce(previous)
    }
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
