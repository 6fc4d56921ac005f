import type { Ack } from '@parley/protocol'
import type { Bus, BusMessage } from './types.ts'

/** One message for one topic, published after the write that caused it committed. */
export interface Publication {
  topic: string
  message: BusMessage
}

/**
 * What a service returns for a frame or request: the ack for the caller (absent for frames
 * that are not acknowledged) and what to publish. The gateway or route sends the ack first,
 * then publishes, so the sender always learns of its write before anyone else's copy of it.
 */
export interface Outcome {
  ack?: Ack
  publish: Publication[]
}

/** Publishes an outcome's messages in order. */
export function publishAll(bus: Bus, outcome: Outcome): void {
  for (const { topic, message } of outcome.publish) bus.publish(topic, message)
}
