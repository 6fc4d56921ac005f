import type { ChatMessage } from '@parley/client'
import type { SystemEventData } from '@parley/protocol'
import { systemEventData } from '@parley/protocol/forms'
import { operatorLabel } from './labels.ts'

type Transferred = Extract<SystemEventData, { type: 'transferred' }>

/** Where a transferred conversation went: "Ivan", "the sales group", "Ivan (sales)". */
function target({ operator, group }: Transferred): string {
  if (operator && group) return `${operator} (${group})`
  return operator ?? (group ? `the ${group} group` : 'another operator')
}

/**
 * A system event as the operator reads it, worded from its facts (`SystemEventData`); one
 * stored before the relay wrote facts, or of a type this console does not know yet, by its
 * stored text. Closing and rating read as the relay's older prose did, so old and new events
 * look alike.
 */
export function systemText(message: Pick<ChatMessage, 'kind' | 'data' | 'text'>): string {
  const data = systemEventData(message)
  switch (data?.type) {
    case 'closed':
      return `Conversation closed by ${data.operator}`
    case 'rated':
      return data.comment ? `Rated ${data.rating}/5: ${data.comment}` : `Rated ${data.rating}/5`
    case 'invitation': {
      const from = data.operator
        ? ` from ${operatorLabel({ name: data.operator, position: data.position })}`
        : ''
      return `Invitation${from}: ${data.message}`
    }
    case 'assigned':
      return `${data.operator} took the conversation`
    case 'transferred':
      return `Transferred${data.from ? ` from ${data.from}` : ''} to ${target(data)}`
    default:
      return message.text
  }
}
