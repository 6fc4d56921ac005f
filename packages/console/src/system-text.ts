import type { ChatMessage } from '@parley/client'
import type { SystemEventData } from '@parley/protocol'
import { systemEventData } from '@parley/protocol/forms'
import { operatorLabel } from './labels.ts'

/** The languages system events are worded in. */
export type SystemLanguage = 'en' | 'ru'

type Transferred = Extract<SystemEventData, { type: 'transferred' }>

interface Words {
  closed(operator: string): string
  rated(rating: string, comment?: string): string
  /** `from`: the operator's label ("Olga, Tea sommelier"), when the invitation names one. */
  invitation(message: string, from?: string): string
  assigned(operator: string): string
  transferred(facts: Transferred): string
}

/**
 * Both languages. The Russian wording never declines a name nor puts it after a gendered
 * verb ("закрыл"/"закрыла"): names stand alone, in the nominative.
 */
const WORDS: Record<SystemLanguage, Words> = {
  en: {
    closed: (operator) => `Conversation closed by ${operator}`,
    rated: (rating, comment) => (comment ? `Rated ${rating}/5: ${comment}` : `Rated ${rating}/5`),
    invitation: (message, from) => `Invitation${from ? ` from ${from}` : ''}: ${message}`,
    assigned: (operator) => `${operator} took the conversation`,
    transferred: ({ from, operator, group }) => {
      const to =
        operator && group
          ? `${operator} (${group})`
          : (operator ?? (group ? `the ${group} group` : 'another operator'))
      return `Transferred${from ? ` from ${from}` : ''} to ${to}`
    },
  },
  ru: {
    closed: (operator) => `Разговор закрыт (оператор ${operator})`,
    rated: (rating, comment) => (comment ? `Оценка ${rating}/5: ${comment}` : `Оценка ${rating}/5`),
    invitation: (message, from) => `Приглашение${from ? ` (${from})` : ''}: ${message}`,
    assigned: (operator) => `Разговор принят (оператор ${operator})`,
    transferred: ({ from, operator, group }) => {
      const to =
        operator && group
          ? `${operator} (группа «${group}»)`
          : (operator ?? (group ? `группа «${group}»` : 'другой оператор'))
      return `Передано: ${from ? `${from} → ` : ''}${to}`
    },
  },
}

/**
 * The operator's language: Russian when the browser's first language is Russian, English
 * otherwise (the console has no language setting of its own; its page is `lang="en"`).
 */
export function operatorLanguage(
  languages: readonly string[] = globalThis.navigator?.languages ?? [],
): SystemLanguage {
  return /^ru\b/i.test(languages[0] ?? '') ? 'ru' : 'en'
}

/**
 * A system event as the operator reads it, worded from its facts (`SystemEventData`) in
 * `language`; one stored before the relay wrote facts, or of a type this console does not
 * know yet, by its stored text. In English, closing and rating read as the relay's older
 * prose did, so old and new events look alike.
 */
export function systemText(
  message: Pick<ChatMessage, 'kind' | 'data' | 'text'>,
  language: SystemLanguage = operatorLanguage(),
): string {
  const words = WORDS[language]
  const data = systemEventData(message)
  switch (data?.type) {
    case 'closed':
      return words.closed(data.operator)
    case 'rated':
      return words.rated(data.rating, data.comment)
    case 'invitation':
      return words.invitation(
        data.message,
        data.operator && operatorLabel({ name: data.operator, position: data.position }),
      )
    case 'assigned':
      return words.assigned(data.operator)
    case 'transferred':
      return words.transferred(data)
    default:
      return message.text
  }
}
