/** Every frame for one visitor's sockets (all tabs). */
export function visitorTopic(siteId: string, visitorId: string): string {
  return `visitor:${siteId}:${visitorId}`
}

/** Every frame for operator sockets; each socket filters by `BusMessage.audience`. */
export const OPERATORS_TOPIC = 'operators'

/** Frames for one operator's own sockets (their status, in every tab). */
export function operatorTopic(operatorId: string): string {
  return `operator:${operatorId}`
}

/** `presence` frames for visitor sockets. */
export const PRESENCE_TOPIC = 'presence'

/** Proactive invitations, for every relay to hold (each message's `note` says what it is). */
export const INVITATIONS_TOPIC = 'invitations'

/** Answers to one relay about its invitations (whether a relay holds the visitor's socket). */
export function invitationRepliesTopic(relayId: string): string {
  return `invitations:${relayId}`
}
