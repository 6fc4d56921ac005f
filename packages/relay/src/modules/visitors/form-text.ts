import type { CallbackValue, OfflineValue } from '@parley/protocol'

function slot(at: number, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at)
  return `${text} (${timeZone})`
}

/** "Callback request: Anna, +79161234567, as soon as possible — comment" */
export function callbackSummary(value: CallbackValue, timeZone: string): string {
  const when = value.when === 'asap' ? 'as soon as possible' : slot(value.when, timeZone)
  const text = `Callback request: ${value.name}, ${value.phone}, ${when}`
  return value.comment ? `${text} — ${value.comment}` : text
}

/** "Offline message from Anna (anna@example.com, +7…): text" */
export function offlineSummary(value: OfflineValue): string {
  const contact = [value.email, value.phone].filter(Boolean).join(', ')
  return `Offline message from ${value.name} (${contact}): ${value.text}`
}
