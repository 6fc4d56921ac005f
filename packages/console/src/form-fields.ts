import type { ConversationKind } from '@parley/protocol'
import { formatPhone } from './phone-format.ts'

/** One row of a submitted form, as the operator reads it. */
export interface FormRow {
  /** The field's key in the event's `data`, e.g. `phone`. */
  field: string
  label: string
  value: string
}

const LABELS: Record<string, string> = {
  name: 'Name',
  phone: 'Phone',
  email: 'Email',
  when: 'When to call',
  comment: 'Comment',
  text: 'Message',
}

/** Known fields first, in this order; any others follow in alphabetical order. */
const ORDER = Object.keys(LABELS)

/**
 * A callback's `when`: `asap` → "As soon as possible"; epoch milliseconds (as digits) or an
 * ISO date → the date and time in the operator's time zone (the browser's, or `timeZone`),
 * naming the zone (`Tue, 12 Mar, 14:30 (Europe/Moscow)`), so a slot the visitor chose in
 * their own zone is never misread; anything else as it is.
 */
export function formatWhen(value: string, now: number = Date.now(), timeZone?: string): string {
  if (value === 'asap') return 'As soon as possible'
  const at = /^\d{10,}$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isFinite(at)) return value
  const format = new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone && { timeZone }),
  })
  const zone = format.resolvedOptions().timeZone
  return `${format.format(new Date(at))} (${zone})${at < now ? ' (passed)' : ''}`
}

/** The rows of a form event's `data`: labelled, ordered, empty values left out. */
export function formRows(data: Readonly<Record<string, string>>, now?: number): FormRow[] {
  const rank = (field: string) => {
    const index = ORDER.indexOf(field)
    return index === -1 ? ORDER.length : index
  }
  return Object.entries(data)
    .filter(([, value]) => value.trim() !== '')
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([field, value]) => ({
      field,
      label: LABELS[field] ?? field,
      value:
        field === 'when' ? formatWhen(value, now) : field === 'phone' ? formatPhone(value) : value,
    }))
}

/**
 * The heading of a form block: from the conversation's kind, else guessed from the
 * fields (a `when` means a callback request).
 */
export function formTitle(
  data: Readonly<Record<string, string>>,
  kind: ConversationKind | undefined,
): string {
  if (kind === 'callback' || (kind === undefined && 'when' in data)) return 'Callback request'
  if (kind === 'offline') return 'Offline message'
  return 'Form'
}
