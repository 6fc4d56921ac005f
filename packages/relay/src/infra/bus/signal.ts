import type { Bus } from './types.ts'

/**
 * A nudge from one relay to every relay of the deployment (itself included): "the webhook
 * endpoints changed", "rows were queued for the relay that sends". It carries no data and
 * reaches no socket: only relays subscribe to these topics (the frame is unused).
 */
export function sendSignal(bus: Bus, name: string): void {
  bus.publish(`relay:signal:${name}`, { frame: { t: 'pong' }, note: { signal: name } })
}

/** Calls `listener` on each `sendSignal(…, name)` of any relay; returns the unsubscribe. */
export function onSignal(bus: Bus, name: string, listener: () => void): () => void {
  return bus.subscribe(`relay:signal:${name}`, () => listener())
}
