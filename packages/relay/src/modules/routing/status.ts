import type { OperatorStatus } from '@parley/protocol'
import type { Timers } from '../../infra/ws/frame-socket.ts'

export interface OperatorStatusOptions {
  timers: Timers
  /** Without activity this long, an online operator is set `away`. */
  awayAfterMs: number
  /** After the last socket closes, this long before the operator is `offline` (a reload). */
  offlineGraceMs: number
  /** Called with each change of an operator's status. */
  onChange: (operatorId: string, status: OperatorStatus) => void
  /**
   * Called when whether visitors may count the operator as online changes: `online` with a
   * socket open. Unlike the status, it drops as soon as the last socket closes (no grace).
   */
  onPresence: (operatorId: string, present: boolean) => void
}

interface Entry {
  sockets: number
  /** What the operator chose: `online` or `pause`. */
  chosen: 'online' | 'pause'
  status: OperatorStatus
  awayTimer?: unknown
  offlineTimer?: unknown
}

/**
 * Each operator's status across their sockets (tabs): `online` or `pause` as they chose while
 * a socket is open, `away` after `awayAfterMs` without activity (the next activity ends it),
 * `offline` `offlineGraceMs` after the last socket closed (a reload keeps the status).
 */
export class OperatorStatuses {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly options: OperatorStatusOptions) {}

  status(operatorId: string): OperatorStatus {
    return this.entries.get(operatorId)?.status ?? 'offline'
  }

  /** Every operator with a status but `offline`. */
  present(): [string, OperatorStatus][] {
    return [...this.entries].map(([id, entry]) => [id, entry.status])
  }

  /** A socket of the operator opened; returns its close. */
  connect(operatorId: string): () => void {
    let entry = this.entries.get(operatorId)
    if (!entry) {
      entry = { sockets: 0, chosen: 'online', status: 'offline' }
      this.entries.set(operatorId, entry)
    }
    entry.sockets++
    this.options.timers.clearTimeout(entry.offlineTimer)
    entry.offlineTimer = undefined
    this.activity(operatorId)
    // Back within the grace: the status never changed, but visitors count them again.
    this.options.onPresence(operatorId, entry.status === 'online')
    let closed = false
    return () => {
      if (closed) return
      closed = true
      this.disconnect(operatorId)
    }
  }

  /** The operator chose `online` or `pause`. */
  choose(operatorId: string, chosen: 'online' | 'pause'): void {
    const entry = this.entries.get(operatorId)
    if (!entry) return
    entry.chosen = chosen
    this.activity(operatorId)
  }

  /** The operator did something (any frame): not away, and the away timer starts again. */
  activity(operatorId: string): void {
    const entry = this.entries.get(operatorId)
    if (!entry || entry.sockets === 0) return
    const { timers, awayAfterMs } = this.options
    timers.clearTimeout(entry.awayTimer)
    entry.awayTimer = timers.setTimeout(() => {
      entry.awayTimer = undefined
      if (entry.sockets > 0 && entry.chosen === 'online') this.set(operatorId, entry, 'away')
    }, awayAfterMs)
    this.set(operatorId, entry, entry.chosen)
  }

  /** Forgets the operator at once (deactivated): `offline`, no grace. */
  remove(operatorId: string): void {
    const entry = this.entries.get(operatorId)
    if (!entry) return
    this.options.timers.clearTimeout(entry.awayTimer)
    this.options.timers.clearTimeout(entry.offlineTimer)
    this.entries.delete(operatorId)
    this.options.onPresence(operatorId, false)
    if (entry.status !== 'offline') this.options.onChange(operatorId, 'offline')
  }

  /** Stops every timer (shutdown). */
  close(): void {
    for (const entry of this.entries.values()) {
      this.options.timers.clearTimeout(entry.awayTimer)
      this.options.timers.clearTimeout(entry.offlineTimer)
    }
  }

  private disconnect(operatorId: string): void {
    const entry = this.entries.get(operatorId)
    if (!entry) return
    entry.sockets--
    if (entry.sockets > 0) return
    this.options.onPresence(operatorId, false)
    const { timers, offlineGraceMs } = this.options
    timers.clearTimeout(entry.awayTimer)
    entry.awayTimer = undefined
    const leave = () => {
      if (entry.sockets > 0) return
      this.entries.delete(operatorId)
      this.set(operatorId, entry, 'offline')
    }
    if (offlineGraceMs === 0) leave()
    else entry.offlineTimer = timers.setTimeout(leave, offlineGraceMs)
  }

  private set(operatorId: string, entry: Entry, status: OperatorStatus): void {
    if (entry.status === status) return
    entry.status = status
    if (entry.sockets > 0) this.options.onPresence(operatorId, status === 'online')
    this.options.onChange(operatorId, status)
  }
}
