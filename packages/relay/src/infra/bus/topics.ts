/** Every frame for one visitor's sockets (all tabs). */
export function visitorTopic(siteId: string, visitorId: string): string {
  return `visitor:${siteId}:${visitorId}`
}

/** Every frame for operator sockets (all operators see all conversations for now). */
export const OPERATORS_TOPIC = 'operators'

/** `presence` frames for visitor sockets. */
export const PRESENCE_TOPIC = 'presence'
