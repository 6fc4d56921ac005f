import type { SiteConfig } from '@parley/protocol'
import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { SiteRecord, SiteStore } from './store.ts'

type StoredSettings = Omit<SiteConfig, 'siteId' | 'name' | 'configVersion'> &
  Pick<SiteRecord, 'agreementTemplate' | 'identitySecret'>

/** The `sites` table on PostgreSQL (`postgres/001_init.sql`), stored as `SqliteSiteStore` does. */
export class PostgresSiteStore implements SiteStore {
  constructor(private readonly db: PostgresDatabase) {}

  async put(tx: Tx, site: SiteRecord, at: number): Promise<void> {
    const { siteId, name, configVersion, ...config } = site.config
    const settings = {
      ...config,
      agreementTemplate: site.agreementTemplate ?? null,
      identitySecret: site.identitySecret ?? null,
    }
    await this.db.run(
      tx,
      `INSERT INTO sites (id, name, origins, settings, config_version, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, origins = excluded.origins,
           settings = excluded.settings, config_version = excluded.config_version,
           updated_at = excluded.updated_at`,
      [siteId, name, JSON.stringify(site.origins), JSON.stringify(settings), configVersion, at],
    )
  }

  list(): Promise<{ id: string; name: string }[]> {
    return this.db.rows('SELECT id, name FROM sites ORDER BY id')
  }

  async get(id: string, tx?: Tx): Promise<SiteRecord | undefined> {
    const row = await this.db.row<{
      id: string
      name: string
      origins: string
      settings: string
      config_version: string
    }>('SELECT id, name, origins, settings, config_version FROM sites WHERE id = $1', [id], tx)
    if (!row) return undefined
    const { agreementTemplate, identitySecret, ...settings } = JSON.parse(
      row.settings,
    ) as StoredSettings
    const site: SiteRecord = {
      config: { siteId: row.id, name: row.name, configVersion: row.config_version, ...settings },
      origins: JSON.parse(row.origins) as string[],
    }
    if (agreementTemplate) site.agreementTemplate = agreementTemplate
    if (identitySecret) site.identitySecret = identitySecret
    return site
  }
}
