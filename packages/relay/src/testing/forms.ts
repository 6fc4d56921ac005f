import type { AgreementTemplate, WorkingHours } from '@parley/protocol'
import type { SiteDefinition } from '../config/config.ts'
import { agreementVersion } from '../modules/sites/agreement.ts'
import type { TestRelay } from './relay.ts'

/** A valid agreement template (INN and OGRN pass their checksums). */
export const TEMPLATE: AgreementTemplate = {
  company: 'Chai & Co LLC',
  inn: '7701234560',
  ogrn: '1177746123455',
  legalAddress: '12 Chainaya St, Moscow',
  email: 'privacy@chai.example',
  siteUrl: 'https://chai.example',
}
export const VERSION = agreementVersion(TEMPLATE)
export const CONSENT = { version: VERSION }

/** Monday 15 January 2024, 12:00 in Moscow. */
export const MONDAY_NOON_MSK = Date.parse('2024-01-15T09:00:00Z')

export const MOSCOW_OFFICE: WorkingHours = {
  timeZone: 'Europe/Moscow',
  days: {
    mon: ['09:00', '18:00'],
    tue: ['09:00', '18:00'],
    wed: ['09:00', '18:00'],
    thu: ['09:00', '18:00'],
    fri: ['09:00', '18:00'],
    sat: null,
    sun: null,
  },
}

/** Site `shop` with an agreement, office hours and Russian forms; `other` without an agreement. */
export const FORM_SITES: SiteDefinition[] = [
  { id: 'shop', locale: 'ru', agreement: TEMPLATE, workingHours: MOSCOW_OFFICE },
  { id: 'other' },
]

/** Everything the store holds for a visitor: conversations, consents, profile. */
export async function storedFor(relay: TestRelay, visitorId: string, siteId = 'shop') {
  const { visitors } = relay.stores
  return {
    conversations: await relay.app.conversations.visitorConversations(siteId, visitorId),
    consents: await visitors.listConsents(siteId, visitorId),
    profile: await visitors.get(siteId, visitorId),
  }
}

/** Admin REST call with the admin's session cookie. */
export async function adminFetch(
  relay: TestRelay,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await relay.fetch(path, {
    method,
    headers: body === undefined ? { cookie } : { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}
