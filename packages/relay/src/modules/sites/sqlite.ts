import type { SiteConfig } from '@parley/protocol'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type Statements, statements } from '../../infra/db/statements.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { SiteRecord, SiteStore } from './store.ts'

type StoredSettings = Omit<SiteConfig, 'siteId' | 'name' | 'configVersion'> &
  Pick<SiteRecord, 'agreementTemplate' | 'identitySecret'>

/** The `sites` table (`001_init.sql`): the config without its id, name and version as JSON. */
export class SqliteSiteStore implements SiteStore {
  private readonly sql: Statements

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
  }

  async put(tx: Tx, site: SiteRecord, at: number): Promise<void> {
    const { siteId, name, configVersion, ...config } = site.config
    const settings = {
      ...config,
      agreementTemplate: site.agreementTemplate ?? null,
      identitySecret: site.identitySecret ?? null,
    }
    this.sql(
      `INSERT INTO sites (id, name, origins, settings, config_version, updated_at)
         VALUES (@id, @name, @origins, @settings, @version, @at)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, origins = excluded.origins,
           settings = excluded.settings, config_version = excluded.config_version,
           updated_at = excluded.updated_at`,
      tx,
    ).run({
      id: siteId,
      name,
      origins: JSON.stringify(site.origins),
      settings: JSON.stringify(settings),
      version: configVersion,
      at,
    })
  }

  list(): Promise<{ id: string; name: string }[]> {
    return this.db.read(
      (db) =>
        db.prepare('SELECT id, name FROM sites ORDER BY id').all() as {
          id: string
          name: string
        }[],
    )
  }

  get(id: string, tx?: Tx): Promise<SiteRecord | undefined> {
    return this.db.read(() => {
      const row = this.sql(
        'SELECT id, name, origins, settings, config_version FROM sites WHERE id = ?',
      ).get(id) as
        | { id: string; name: string; origins: string; settings: string; config_version: string }
        | undefined
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
    }, tx)
  }
}
