import { PRESENCE_TOPIC } from '../bus/topics.ts'
import type { Bus } from '../bus/types.ts'

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
    this.bus.publish(PRESENCE_TOPIC, { frame: { t: 'presence', operatorsOnline: this.count } })
  }
}
