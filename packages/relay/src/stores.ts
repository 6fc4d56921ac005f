import { PostgresDatabase } from './infra/db/postgres.ts'
import {
  PostgresSettingsStore,
  type SettingsStore,
  SqliteSettingsStore,
} from './infra/db/settings.ts'
import { SqliteDatabase } from './infra/db/sqlite.ts'
import type { UnitOfWork } from './infra/db/unit-of-work.ts'
import { PostgresAnalyticsStore } from './modules/analytics/postgres.ts'
import { SqliteAnalyticsStore } from './modules/analytics/sqlite.ts'
import type { AnalyticsStore } from './modules/analytics/store.ts'
import { PostgresAttachmentStore } from './modules/attachments/postgres.ts'
import { SqliteAttachmentStore } from './modules/attachments/sqlite.ts'
import type { AttachmentStore } from './modules/attachments/store.ts'
import { PostgresAuthStore } from './modules/auth/postgres.ts'
import { SqliteAuthStore } from './modules/auth/sqlite.ts'
import type { AuthStore } from './modules/auth/store.ts'
import { PostgresCannedStore } from './modules/canned/postgres.ts'
import { SqliteCannedStore } from './modules/canned/sqlite.ts'
import type { CannedStore } from './modules/canned/store.ts'
import { PostgresChannelStore } from './modules/channels/postgres.ts'
import { SqliteChannelStore } from './modules/channels/sqlite.ts'
import type { ChannelStore } from './modules/channels/store.ts'
import { PostgresConversationStore } from './modules/conversations/postgres.ts'
import { SqliteConversationStore } from './modules/conversations/sqlite.ts'
import type { ConversationStore } from './modules/conversations/store.ts'
import { PostgresEmployeeStore } from './modules/employees/postgres.ts'
import { SqliteEmployeeStore } from './modules/employees/sqlite.ts'
import type { EmployeeStore } from './modules/employees/store.ts'
import { PostgresFunnelStore } from './modules/funnel/postgres.ts'
import { SqliteFunnelStore } from './modules/funnel/sqlite.ts'
import type { FunnelStore } from './modules/funnel/store.ts'
import { PostgresPrivacyStore } from './modules/privacy/postgres.ts'
import { SqlitePrivacyStore } from './modules/privacy/sqlite.ts'
import type { PrivacyStore } from './modules/privacy/store.ts'
import { PostgresGroupStore } from './modules/routing/postgres.ts'
import { SqliteGroupStore } from './modules/routing/sqlite.ts'
import type { GroupStore } from './modules/routing/store.ts'
import { PostgresScenarioStore } from './modules/scenarios/postgres.ts'
import { SqliteScenarioStore } from './modules/scenarios/sqlite.ts'
import type { ScenarioStore } from './modules/scenarios/store.ts'
import { PostgresSearchStore } from './modules/search/postgres.ts'
import { SqliteSearchStore } from './modules/search/sqlite.ts'
import type { SearchStore } from './modules/search/store.ts'
import { PostgresSiteStore } from './modules/sites/postgres.ts'
import { SqliteSiteStore } from './modules/sites/sqlite.ts'
import type { SiteStore } from './modules/sites/store.ts'
import { PostgresVisitorStore } from './modules/visitors/postgres.ts'
import { SqliteVisitorStore } from './modules/visitors/sqlite.ts'
import type { VisitorStore } from './modules/visitors/store.ts'
import { PostgresWebhookStore } from './modules/webhooks/postgres.ts'
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
  search: SearchStore
  analytics: AnalyticsStore
  channels: ChannelStore
  attachments: AttachmentStore
  funnel: FunnelStore
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
    search: new SqliteSearchStore(db),
    analytics: new SqliteAnalyticsStore(db),
    channels: new SqliteChannelStore(db),
    attachments: new SqliteAttachmentStore(db),
    funnel: new SqliteFunnelStore(db),
  }
}

/**
 * The networked engine: a PostgreSQL database at `url` (`postgres://user:pass@host/db`),
 * migrated with `migrations/postgres/` (once, whichever relay starts first). Several relays
 * may share it.
 */
export async function createPostgresStores(
  url: string,
  options: { poolSize?: number } = {},
): Promise<Stores> {
  const db = await PostgresDatabase.open(url, options)
  return {
    db,
    settings: new PostgresSettingsStore(db),
    auth: new PostgresAuthStore(db),
    employees: new PostgresEmployeeStore(db),
    sites: new PostgresSiteStore(db),
    conversations: new PostgresConversationStore(db),
    visitors: new PostgresVisitorStore(db),
    scenarios: new PostgresScenarioStore(db),
    groups: new PostgresGroupStore(db),
    canned: new PostgresCannedStore(db),
    privacy: new PostgresPrivacyStore(db),
    webhooks: new PostgresWebhookStore(db),
    search: new PostgresSearchStore(db),
    analytics: new PostgresAnalyticsStore(db),
    channels: new PostgresChannelStore(db),
    attachments: new PostgresAttachmentStore(db),
    funnel: new PostgresFunnelStore(db),
  }
}

/** The engine the config names: PostgreSQL at `databaseUrl`, else the SQLite file. */
export function openStores(config: { databasePath: string; databaseUrl?: string | undefined }) {
  return config.databaseUrl !== undefined
    ? createPostgresStores(config.databaseUrl)
    : Promise.resolve(createSqliteStores(config.databasePath))
}
