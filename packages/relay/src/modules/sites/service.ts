import type { SiteDefinition } from '../../config/config.ts'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { toSiteRecord } from './sites.ts'
import type { SiteRecord, SiteStore } from './store.ts'

export interface SiteServiceOptions {
  db: UnitOfWork
  store: SiteStore
  now: () => number
}

/** Who changed a site's settings (an employee), for the listeners. */
export interface SiteChangedBy {
  id: string
  name: string
}

/** Told of every write of a site, inside its transaction, with the site as it was before. */
export type SiteListener = (
  tx: Tx,
  before: SiteRecord | undefined,
  after: SiteRecord,
  by: SiteChangedBy | undefined,
) => Promise<void>

/** Sites: their config, origins, agreement and identity secret. */
export class SiteService {
  private readonly listeners: SiteListener[] = []

  constructor(private readonly options: SiteServiceOptions) {}

  /** Calls `listener` in the transaction of every later write (the privacy module audits them). */
  onChange(listener: SiteListener): void {
    this.listeners.push(listener)
  }

  get(id: string): Promise<SiteRecord | undefined> {
    return this.options.store.get(id)
  }

  list(): Promise<{ id: string; name: string }[]> {
    return this.options.store.list()
  }

  put(site: SiteRecord, by?: SiteChangedBy): Promise<void> {
    const { db, store, now } = this.options
    return db.transaction(async (tx) => {
      const before = this.listeners.length ? await store.get(site.config.siteId, tx) : undefined
      await store.put(tx, site, now())
      for (const listener of this.listeners) await listener(tx, before, site, by)
    })
  }

  /**
   * Writes every configured site (and `demo` with `--demo`). Keys the definition gives win;
   * other settings (edited through the admin API) are kept.
   */
  async seed(sites: SiteDefinition[]): Promise<void> {
    const { db, store, now } = this.options
    for (const site of sites) {
      await db.transaction(async (tx) => {
        const before = await store.get(site.id, tx)
        const after = toSiteRecord(site, before)
        await store.put(tx, after, now())
        for (const listener of this.listeners) await listener(tx, before, after, undefined)
      })
    }
  }
}
