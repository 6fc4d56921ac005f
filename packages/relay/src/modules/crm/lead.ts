import {
  type CrmFieldRow,
  type LeadCreatedData,
  LeadCreatedData as LeadCreatedSchema,
} from '@parley/protocol'
import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { DeliveryAttempt, OutboxEvent } from '../webhooks/destination.ts'

/** The outbox event type the CRM connectors make leads from; every other type is skipped. */
export const LEAD_CREATED = 'lead.created'

/**
 * Whether a connector files this event: a `lead.created`, or the `webhook.test` that "Send a
 * test lead" queues for a CRM connection (its data is a sample lead).
 */
export function carriesLead(event: OutboxEvent): boolean {
  return event.type === LEAD_CREATED || event.type === 'webhook.test'
}

/** One row of a connector's field mapping: which CRM field gets what. */
export interface FieldMapping<C> {
  /** The CRM's field, as its API names it. */
  field: string
  /** What Parley puts there, in words (shown in settings and the README). */
  source: string
  /** The value for a lead; undefined: the field is left out. */
  value: (lead: LeadCreatedData, context: { event: OutboxEvent; config: C }) => unknown
}

/**
 * A connector's mapping: the rows of its table in `@parley/protocol` (what settings and the
 * README show), each with the function that fills it; every row must have one.
 */
export function fieldMapping<C, R extends readonly CrmFieldRow[]>(
  rows: R,
  values: { [K in R[number]['field']]: FieldMapping<C>['value'] },
): FieldMapping<C>[] {
  return rows.map((row) => ({
    ...row,
    value: (values as Record<string, FieldMapping<C>['value']>)[row.field]!,
  }))
}

/** The fields a mapping gives a lead, leaving out those without a value. */
export function mapFields<C>(
  mapping: readonly FieldMapping<C>[],
  lead: LeadCreatedData,
  context: { event: OutboxEvent; config: C },
): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const row of mapping) {
    const value = row.value(lead, context)
    if (value !== undefined) fields[row.field] = value
  }
  return fields
}

/** What a lead kind reads as in a CRM title. */
const KIND_TITLES: Record<LeadCreatedData['kind'], string> = {
  callback: 'Callback request',
  offline: 'Offline message',
  'chat-contact': 'Chat contact',
}

/** `Callback request: Anna (+79161234567)`. */
export function leadTitle(lead: LeadCreatedData): string {
  const who = lead.name ?? lead.phone ?? lead.email ?? 'visitor'
  const contact = lead.name ? (lead.phone ?? lead.email) : undefined
  return `${KIND_TITLES[lead.kind]}: ${who}${contact ? ` (${contact})` : ''}`
}

/** Most characters of a transcript sent to a CRM (its comment fields are not for whole logs). */
export const MAX_TRANSCRIPT = 20_000

/** A line that marks text as this event's, so a retry can tell it was already written. */
export function eventMarker(event: OutboxEvent): string {
  return `[parley event ${event.id}]`
}

/** The text of a CRM comment or note: message, link, transcript, and the event's marker. */
export function leadComment(lead: LeadCreatedData, event: OutboxEvent): string {
  const transcript =
    lead.transcript.length > MAX_TRANSCRIPT
      ? `${lead.transcript.slice(0, MAX_TRANSCRIPT)}\n…`
      : lead.transcript
  return [
    leadTitle(lead),
    ...(lead.message ? [`Message: ${lead.message}`] : []),
    ...(lead.when
      ? [`When: ${lead.when === 'asap' ? 'as soon as possible' : whenText(lead.when)}`]
      : []),
    ...(lead.page ? [`Page: ${lead.page}`] : []),
    `Conversation: ${lead.consoleUrl}`,
    '',
    transcript,
    '',
    eventMarker(event),
  ].join('\n')
}

function whenText(when: string): string {
  const ms = Number(when)
  return Number.isFinite(ms) ? new Date(ms).toISOString() : when
}

/** The lead of a `lead.created` event, or the attempt that says why it cannot be one. */
export function leadOf(event: OutboxEvent): LeadCreatedData | DeliveryAttempt {
  if (Value.Check(LeadCreatedSchema, event.data)) return event.data
  const first = Value.Errors(LeadCreatedSchema, event.data).First()
  return {
    ok: false,
    status: null,
    latencyMs: 0,
    excerpt: '',
    retryable: false,
    error: `lead.created data is not a lead${first ? ` (${first.path || '/'}: ${first.message})` : ''}`,
  }
}

/** Checks a destination's settings when it is made: a TypeError naming the first bad field. */
export function checkConfig<C>(kind: string, schema: TSchema, config: C): C {
  if (Value.Check(schema, config)) return config
  const first = Value.Errors(schema, config).First()
  throw new TypeError(
    `${kind} settings: ${first ? `${first.path || '/'} ${first.message}` : 'do not match the schema'}`,
  )
}

/** What a connector answers for an event type it does not handle: done, nothing sent. */
export const SKIPPED: DeliveryAttempt = {
  ok: true,
  status: null,
  latencyMs: 0,
  excerpt: 'skipped: not a lead.created event',
  retryable: false,
}
