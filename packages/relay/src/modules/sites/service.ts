import type { SiteDefinition } from '../../config/config.ts'
import { onSignal, sendSignal } from '../../infra/bus/signal.ts'
import type { Bus } from '../../infra/bus/types.ts'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { toSiteRecord } from './sites.ts'
import type { SiteRecord, SiteStore } from './store.ts'

export interface SiteServiceOptions {
  db: UnitOfWork
  store: SiteStore
  now: () => number
  /** Several relays: a change here drops every relay's copy of the site (over the bus). */
  bus?: Bus
}

/** Signal between relays (`infra/bus/signal.ts`): a site was written. */
const CHANGED_SIGNAL = 'sites:changed'

/** `value`, frozen all the way down: one copy is shared by every socket and request. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
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

/**
 * Sites: their config, origins, agreement and identity secret. A site is read from the store
 * once and then shared, frozen, by every socket and request (idle sockets hold no copy of
 * their own); a write drops it, here and, over the bus, on every relay.
 */
export class SiteService {
  private readonly listeners: SiteListener[] = []
  /** Sites found, by id (an unknown id is not kept: anyone may ask for any). */
  private readonly cache = new Map<string, Promise<SiteRecord | undefined>>()

  constructor(private readonly options: SiteServiceOptions) {
    if (options.bus) onSignal(options.bus, CHANGED_SIGNAL, () => this.cache.clear())
  }

  /** Calls `listener` in the transaction of every later write (the privacy module audits them). */
  onChange(listener: SiteListener): void {
    this.listeners.push(listener)
  }

  /** The site as stored, frozen (build a changed copy to `put`). */
  get(id: string): Promise<SiteRecord | undefined> {
    let found = this.cache.get(id)
    if (!found) {
      found = this.options.store.get(id).then(deepFreeze)
      this.cache.set(id, found)
      found.then(
        (site) => site === undefined && this.cache.get(id) === found && this.cache.delete(id),
        () => this.cache.get(id) === found && this.cache.delete(id),
      )
    }
    return found
  }

  /** A site was written: every relay reads it again. */
  private changed(id: string): void {
    this.cache.delete(id)
    if (this.options.bus) sendSignal(this.options.bus, CHANGED_SIGNAL)
  }

  list(): Promise<{ id: string; name: string }[]> {
    return this.options.store.list()
  }

  async put(site: SiteRecord, by?: SiteChangedBy): Promise<void> {
    const { db, store, now } = this.options
    await db.transaction(async (tx) => {
      const before = this.listeners.length ? await store.get(site.config.siteId, tx) : undefined
      await store.put(tx, site, now())
      for (const listener of this.listeners) await listener(tx, before, site, by)
    })
    this.changed(site.config.siteId)
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
      this.changed(site.id)
    }
  }
}
