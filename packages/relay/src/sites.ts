import { createHash } from 'node:crypto'
import type { SiteConfig } from '@parley/protocol'
import type { SiteDefinition } from './config.ts'
import type { SiteRecord } from './store/types.ts'

/** Fills a site definition's defaults and derives its `configVersion` from the content. */
export function toSiteRecord(site: SiteDefinition): SiteRecord {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(site.id)) {
    throw new TypeError(`Site id "${site.id}" must be 1-64 letters, digits, "_" or "-"`)
  }
  const body: Omit<SiteConfig, 'configVersion'> = {
    siteId: site.id,
    name: site.name ?? site.id,
    locale: site.locale ?? 'en',
    storage: site.storage ?? 'consent',
    theme: { accent: '#2563eb', position: 'right', ...site.theme },
    chat: { title: 'Chat with us', greeting: 'Hello! How can we help?', ...site.chat },
  }
  const configVersion = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16)
  return { config: { ...body, configVersion }, origins: site.origins ?? [] }
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
