import type { OperatorOutbound, VisitorOutbound } from '@parley/protocol'

/** What travels on the bus: a frame for subscribers, minus the socket it came from. */
export interface BusMessage {
  frame: VisitorOutbound | OperatorOutbound
  /** Id of the socket that caused it; that socket does not get it back. */
  origin?: string
  /**
   * On the operators' topic: whose conversation it is about, so each operator socket passes
   * on only what its operator may see. Absent: every operator may see it.
   */
  audience?: Audience
  /**
   * What one relay tells the others about `frame`, for the relays themselves and never put
   * on a socket (a proactive invitation to hold until the visitor answers; who holds the
   * visitor's socket). Flat, so it stays JSON.
   */
  note?: Readonly<Record<string, string | number>>
}

/** The conversation a message is about, as visibility needs it. */
export interface Audience {
  groupId: string | null
  operatorId: string | null
  /** The operator it was just taken from (they hear of it once more, to drop it). */
  previousOperatorId?: string
}

export type BusListener = (message: BusMessage) => void

/**
 * Fan-out between the relay's sockets (and, with a networked adapter, between
 * relay processes). Messages must stay JSON-serialisable.
 */
export interface Bus {
  /** Delivers `message` to every subscriber of `topic`, in publish order. */
  publish(topic: string, message: BusMessage): void
  /** Calls `listener` for each message on `topic` until the returned function is called. */
  subscribe(topic: string, listener: BusListener): () => void
  /**
   * Calls `listener` whenever this relay may have missed messages of other relays (its link
   * to them dropped and is back). The relay then closes its sockets so that their clients
   * reconnect and resume by cursor from the database. The in-process bus never misses any.
   */
  onResync?(listener: () => void): void
  /** Drops every subscription; later publishes are ignored. */
  close(): Promise<void>
}
