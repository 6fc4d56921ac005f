import type { AgreementTemplate, SiteConfig } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'

/** A site as stored: its public config plus the origins allowed to chat. */
export interface SiteRecord {
  config: SiteConfig
  /** Empty: the relay-wide allowlist applies. */
  origins: string[]
  /** What the agreement text is rendered from; `config.agreement` is derived from it. */
  agreementTemplate?: AgreementTemplate | null
  /** Key of the `identify` HMAC; never sent to visitors. */
  identitySecret?: string | null
}

/** Sites. `describeSiteStore` in `contract.ts` is the suite every adapter passes. */
export interface SiteStore {
  /** Creates or replaces the site. */
  put(tx: Tx, site: SiteRecord, at: number): Promise<void>
  get(id: string, tx?: Tx): Promise<SiteRecord | undefined>
  /** Every site's id and name, by id. */
  list(): Promise<{ id: string; name: string }[]>
}
