import type { SiteDefinition } from '../../config/config.ts'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { toSiteRecord } from './sites.ts'
import type { SiteRecord, SiteStore } from './store.ts'

export interface SiteServiceOptions {
  db: UnitOfWork
  store: SiteStore
  now: () => number
}

/** Sites: their config, origins, agreement and identity secret. */
export class SiteService {
  constructor(private readonly options: SiteServiceOptions) {}

  get(id: string): Promise<SiteRecord | undefined> {
    return this.options.store.get(id)
  }

  list(): Promise<{ id: string; name: string }[]> {
    return this.options.store.list()
  }

  put(site: SiteRecord): Promise<void> {
    const { db, store, now } = this.options
    return db.transaction((tx) => store.put(tx, site, now()))
  }

  /**
   * Writes every configured site (and `demo` with `--demo`). Keys the definition gives win;
   * other settings (edited through the admin API) are kept.
   */
  async seed(sites: SiteDefinition[]): Promise<void> {
    const { db, store, now } = this.options
    for (const site of sites) {
      await db.transaction(async (tx) =>
        store.put(tx, toSiteRecord(site, await store.get(site.id, tx)), now()),
      )
    }
  }
}
