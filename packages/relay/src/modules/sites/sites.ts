import { createHash } from 'node:crypto'
import {
  type AgreementTemplate,
  isCountryCode,
  type SiteConfig,
  type SiteSettings,
} from '@parley/protocol'
import type { SiteDefinition } from '../../config/config.ts'
import { agreementVersion } from './agreement.ts'
import type { SiteRecord } from './store.ts'

/** Every setting of a site, defaults applied; the public config is derived from it. */
export interface SiteData {
  name: string
  origins: string[]
  locale: SiteConfig['locale']
  storage: SiteConfig['storage']
  /** ISO 3166-1 alpha-2 code of phone numbers typed without `+`, or `null`. */
  defaultCountry: string | null
  theme: SiteConfig['theme']
  chat: SiteConfig['chat']
  button: SiteConfig['button']
  channels: SiteConfig['channels']
  workingHours: SiteConfig['workingHours']
  prechat: SiteConfig['prechat']
  agreementTemplate: AgreementTemplate | null
  identityVerification: SiteConfig['identityVerification']
  identitySecret: string | null
}

/** Where the relay serves a site's agreement page. */
export function agreementPath(siteId: string): string {
  return `/v1/sites/${encodeURIComponent(siteId)}/agreement`
}

/** Whether `id` can be a site id: 1-64 letters, digits, "_" or "-". */
export function isSiteId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id)
}

/** Derives the stored record: public config (agreement version, `configVersion`) + private parts. */
export function buildSiteRecord(siteId: string, data: SiteData): SiteRecord {
  if (!isSiteId(siteId)) {
    throw new TypeError(`Site id "${siteId}" must be 1-64 letters, digits, "_" or "-"`)
  }
  if (data.defaultCountry !== null && !isCountryCode(data.defaultCountry)) {
    throw new TypeError(
      `Site "${siteId}": defaultCountry "${data.defaultCountry}" must be an ISO 3166-1 alpha-2 code such as "RU", or null`,
    )
  }
  const body: Omit<SiteConfig, 'configVersion'> = {
    siteId,
    name: data.name,
    locale: data.locale,
    storage: data.storage,
    defaultCountry: data.defaultCountry,
    theme: data.theme,
    chat: data.chat,
    button: data.button,
    channels: data.channels,
    workingHours: data.workingHours,
    prechat: data.prechat,
    agreement: data.agreementTemplate
      ? { version: agreementVersion(data.agreementTemplate), url: agreementPath(siteId) }
      : null,
    identityVerification: data.identityVerification,
  }
  const configVersion = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16)
  return {
    config: { ...body, configVersion },
    origins: data.origins,
    agreementTemplate: data.agreementTemplate,
    identitySecret: data.identitySecret,
  }
}

/** The settings a stored record was built from. */
export function siteDataOf(record: SiteRecord): SiteData {
  const { config } = record
  return {
    name: config.name,
    origins: record.origins,
    locale: config.locale,
    storage: config.storage,
    defaultCountry:
      config.defaultCountry !== undefined ? config.defaultCountry : defaultCountry(config.locale),
    theme: config.theme,
    chat: config.chat,
    button: config.button ?? defaultButton(config.theme),
    channels: config.channels ?? defaultChannels(),
    workingHours: config.workingHours ?? null,
    prechat: config.prechat ?? defaultPrechat(),
    agreementTemplate: record.agreementTemplate ?? null,
    identityVerification: config.identityVerification ?? 'off',
    identitySecret: record.identitySecret ?? null,
  }
}

/** Sites stored before `defaultCountry` (and new ones without it) read numbers as before: ru → RU. */
function defaultCountry(locale: SiteConfig['locale']): string | null {
  return locale === 'ru' ? 'RU' : null
}

/** Chat and callback on; no messenger handles. */
function defaultChannels(): SiteConfig['channels'] {
  return { chat: true, callback: true }
}

/** No pre-chat form; when enabled without a list, it asks for name and e-mail. */
function defaultPrechat(): SiteConfig['prechat'] {
  return { enabled: false, fields: ['name', 'email'] }
}

function defaultButton(theme: SiteConfig['theme']): SiteConfig['button'] {
  return { label: 'Chat', position: theme.position, offsetX: 20, offsetY: 20, color: theme.accent }
}

/**
 * The settings of a configured site: keys the definition gives win over `base` (the stored
 * site, so edits made through the admin API survive a restart), the rest keep `base` or defaults.
 */
export function siteDataFrom(site: SiteDefinition, base?: SiteData): SiteData {
  const theme = { accent: '#2563eb', position: 'right' as const, ...base?.theme, ...site.theme }
  const locale = site.locale ?? base?.locale ?? 'en'
  return {
    name: site.name ?? base?.name ?? site.id,
    origins: site.origins ?? base?.origins ?? [],
    locale,
    storage: site.storage ?? base?.storage ?? 'consent',
    defaultCountry:
      site.defaultCountry !== undefined
        ? site.defaultCountry
        : (base?.defaultCountry ?? defaultCountry(locale)),
    theme,
    chat: {
      title: 'Chat with us',
      greeting: 'Hello! How can we help?',
      ...base?.chat,
      ...site.chat,
    },
    button: { ...defaultButton(theme), ...base?.button, ...site.button },
    channels: site.channels ?? base?.channels ?? defaultChannels(),
    workingHours:
      site.workingHours !== undefined ? site.workingHours : (base?.workingHours ?? null),
    prechat: site.prechat ?? base?.prechat ?? defaultPrechat(),
    agreementTemplate:
      site.agreement !== undefined ? site.agreement : (base?.agreementTemplate ?? null),
    identityVerification: site.identityVerification ?? base?.identityVerification ?? 'off',
    identitySecret:
      site.identitySecret !== undefined ? site.identitySecret : (base?.identitySecret ?? null),
  }
}

/** Fills a site definition's defaults and derives its `configVersion` from the content. */
export function toSiteRecord(site: SiteDefinition, stored?: SiteRecord): SiteRecord {
  return buildSiteRecord(site.id, siteDataFrom(site, stored && siteDataOf(stored)))
}

/** What the admin API shows: everything but the identity secret itself. */
export function toSiteSettings(record: SiteRecord): SiteSettings {
  const data = siteDataOf(record)
  return {
    siteId: record.config.siteId,
    name: data.name,
    locale: data.locale,
    storage: data.storage,
    defaultCountry: data.defaultCountry,
    allowedOrigins: data.origins,
    theme: data.theme,
    chat: data.chat,
    button: data.button,
    channels: data.channels,
    workingHours: data.workingHours,
    prechat: data.prechat,
    agreementTemplate: data.agreementTemplate,
    agreement: record.config.agreement ?? null,
    identityVerification: data.identityVerification,
    identitySecretSet: data.identitySecret !== null,
  }
}

/** Whether a page origin may use the site: the site's list, else the relay's, else any. */
export function isOriginAllowed(
  origin: string | undefined,
  siteOrigins: string[],
  relayOrigins: string[] | undefined,
): boolean {
  const allowed = siteOrigins.length > 0 ? siteOrigins : relayOrigins
  // Non-browser clients send no Origin; the allowlist guards browsers only.
  if (!allowed || origin === undefined) return true
  return allowed.includes(origin)
}
