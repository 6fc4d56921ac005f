import { type SettingsStore, SqliteSettingsStore } from './infra/db/settings.ts'
import { SqliteDatabase } from './infra/db/sqlite.ts'
import type { UnitOfWork } from './infra/db/unit-of-work.ts'
import { SqliteAuthStore } from './modules/auth/sqlite.ts'
import type { AuthStore } from './modules/auth/store.ts'
import { SqliteCannedStore } from './modules/canned/sqlite.ts'
import type { CannedStore } from './modules/canned/store.ts'
import { SqliteChannelStore } from './modules/channels/sqlite.ts'
import type { ChannelStore } from './modules/channels/store.ts'
import { SqliteConversationStore } from './modules/conversations/sqlite.ts'
import type { ConversationStore } from './modules/conversations/store.ts'
import { SqliteEmployeeStore } from './modules/employees/sqlite.ts'
import type { EmployeeStore } from './modules/employees/store.ts'
import { SqlitePrivacyStore } from './modules/privacy/sqlite.ts'
import type { PrivacyStore } from './modules/privacy/store.ts'
import { SqliteGroupStore } from './modules/routing/sqlite.ts'
import type { GroupStore } from './modules/routing/store.ts'
import { SqliteScenarioStore } from './modules/scenarios/sqlite.ts'
import type { ScenarioStore } from './modules/scenarios/store.ts'
import { SqliteSiteStore } from './modules/sites/sqlite.ts'
import type { SiteStore } from './modules/sites/store.ts'
import { SqliteVisitorStore } from './modules/visitors/sqlite.ts'
import type { VisitorStore } from './modules/visitors/store.ts'
import { SqliteWebhookStore } from './modules/webhooks/sqlite.ts'
import type { WebhookStore } from './modules/webhooks/store.ts'

/**
 * One storage engine's adapters: the unit of work and every module's store over it. The
 * composition root picks the engine; modules only see their own store interface. A new
 * engine is correct when its set passes every module's contract suite.
 */
export interface Stores {
  db: UnitOfWork
  settings: SettingsStore
  auth: AuthStore
  employees: EmployeeStore
  sites: SiteStore
  conversations: ConversationStore
  visitors: VisitorStore
  scenarios: ScenarioStore
  groups: GroupStore
  canned: CannedStore
  privacy: PrivacyStore
  webhooks: WebhookStore
  channels: ChannelStore
}

/** The embedded engine: one SQLite file (`':memory:'` for a throwaway one), migrated. */
export function createSqliteStores(path: string): Stores {
  const db = new SqliteDatabase(path)
  return {
    db,
    settings: new SqliteSettingsStore(db),
    auth: new SqliteAuthStore(db),
    employees: new SqliteEmployeeStore(db),
    sites: new SqliteSiteStore(db),
    conversations: new SqliteConversationStore(db),
    visitors: new SqliteVisitorStore(db),
    scenarios: new SqliteScenarioStore(db),
    groups: new SqliteGroupStore(db),
    canned: new SqliteCannedStore(db),
    privacy: new SqlitePrivacyStore(db),
    webhooks: new SqliteWebhookStore(db),
    channels: new SqliteChannelStore(db),
  }
}
