import type { ConversationEvent } from './common.ts'
import type { SystemEventData, SystemEventType } from './system-events.ts'

const TYPES: Record<SystemEventType, true> = {
  closed: true,
  rated: true,
  invitation: true,
  assigned: true,
  transferred: true,
}

/**
 * A `system` event's facts, or `undefined` for any other kind and for a system event stored
 * before the relay wrote them (its prose is in `text`, which a UI then shows as it is).
 */
export function systemEventData(
  event: Pick<ConversationEvent, 'data'> & { kind?: ConversationEvent['kind'] | undefined },
): SystemEventData | undefined {
  const type = event.data?.type
  if (event.kind !== 'system' || type === undefined || !Object.hasOwn(TYPES, type)) return undefined
  return event.data as SystemEventData
}
