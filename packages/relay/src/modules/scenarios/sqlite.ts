import type { ConversationKind, Scenario, ScenarioSettings, ScenarioStats } from '@parley/protocol'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type Statements, statements } from '../../infra/db/statements.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { type EngagementRow, toRecord } from './rows.ts'
import { DEFAULT_SCENARIO_SETTINGS, type EngagementRecord, type ScenarioStore } from './store.ts'

/** The SQLite adapter; shares the relay store's connection (tables from `003_scenarios.sql`). */
export class SqliteScenarioStore implements ScenarioStore {
  private readonly sql: Statements

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
  }

  list(siteId: string): Promise<Scenario[]> {
    return this.db.read(() =>
      (
        this.sql('SELECT data FROM scenarios WHERE site_id = ? ORDER BY position, id').all(
          siteId,
        ) as { data: string }[]
      ).map((row) => JSON.parse(row.data) as Scenario),
    )
  }

  get(siteId: string, id: string): Promise<Scenario | undefined> {
    return this.db.read(() => {
      const row = this.sql('SELECT data FROM scenarios WHERE site_id = ? AND id = ?').get(
        siteId,
        id,
      ) as { data: string } | undefined
      return row && (JSON.parse(row.data) as Scenario)
    })
  }

  async put(tx: Tx, scenario: Scenario, at: number): Promise<void> {
    this.sql(
      `INSERT INTO scenarios (site_id, id, position, enabled, data, created_at, updated_at)
         VALUES (@siteId, @id,
           (SELECT COALESCE(MAX(position), 0) + 1 FROM scenarios WHERE site_id = @siteId),
           @enabled, @data, @at, @at)
         ON CONFLICT(site_id, id) DO UPDATE SET enabled = excluded.enabled,
           data = excluded.data, updated_at = excluded.updated_at`,
      tx,
    ).run({
      siteId: scenario.siteId,
      id: scenario.id,
      enabled: scenario.enabled ? 1 : 0,
      data: JSON.stringify(scenario),
      at,
    })
  }

  async remove(tx: Tx, siteId: string, id: string): Promise<boolean> {
    return (
      this.sql('DELETE FROM scenarios WHERE site_id = ? AND id = ?', tx).run(siteId, id).changes > 0
    )
  }

  settings(siteId: string): Promise<ScenarioSettings> {
    return this.db.read(() => {
      const row = this.sql('SELECT data FROM scenario_settings WHERE site_id = ?').get(siteId) as
        | { data: string }
        | undefined
      return row ? (JSON.parse(row.data) as ScenarioSettings) : { ...DEFAULT_SCENARIO_SETTINGS }
    })
  }

  async putSettings(tx: Tx, siteId: string, settings: ScenarioSettings): Promise<void> {
    this.sql(
      `INSERT INTO scenario_settings (site_id, data) VALUES (?, ?)
         ON CONFLICT(site_id) DO UPDATE SET data = excluded.data`,
      tx,
    ).run(siteId, JSON.stringify(settings))
  }

  async recordEngagement(tx: Tx, record: EngagementRecord) {
    if (record.authorKey !== undefined && record.cid !== undefined) {
      const earlier = this.sql(
        'SELECT * FROM engagements WHERE author_key = ? AND cid = ?',
        tx,
      ).get(record.authorKey, record.cid) as EngagementRow | undefined
      if (earlier) return { record: toRecord(earlier), duplicate: true }
    }
    this.sql(
      `INSERT INTO engagements (id, site_id, visitor_id, scenario_id, event, page, at, session,
             kind, conversation_id, author_key, cid)
           VALUES (@id, @siteId, @visitorId, @scenarioId, @event, @page, @at, @session, @kind,
             @conversationId, @authorKey, @cid)`,
      tx,
    ).run({
      id: record.id,
      siteId: record.siteId,
      visitorId: record.visitorId ?? null,
      scenarioId: record.scenarioId,
      event: record.event,
      page: record.page ?? null,
      at: record.at,
      session: record.session ?? null,
      kind: record.kind ?? null,
      conversationId: record.conversationId ?? null,
      authorKey: record.authorKey ?? null,
      cid: record.cid ?? null,
    })
    return { record, duplicate: false }
  }

  async visitorEngagements(siteId: string, visitorId: string, since: number) {
    const rows = (await this.db.read(() =>
      this.sql(`SELECT * FROM engagements WHERE site_id = ? AND visitor_id = ? AND at >= ?
         ORDER BY at DESC, rowid DESC LIMIT 500`).all(siteId, visitorId, since),
    )) as EngagementRow[]
    return rows.map(toRecord)
  }

  async conversionFor(conversationId: string) {
    const row = (await this.db.read(() =>
      this.sql(`SELECT scenario_id FROM engagements WHERE conversation_id = ? AND event = 'conversion'
         ORDER BY at, rowid LIMIT 1`).get(conversationId),
    )) as { scenario_id: string } | undefined
    return row?.scenario_id
  }

  async stats(siteId: string, from: number, to: number) {
    const rows = (await this.db.read(() =>
      this.sql(`SELECT scenario_id, event, kind, COUNT(*) AS n FROM engagements
         WHERE site_id = ? AND at >= ? AND at < ?
         GROUP BY scenario_id, event, kind`).all(siteId, from, to),
    )) as {
      scenario_id: string
      event: EngagementRecord['event']
      kind: ConversationKind | null
      n: number
    }[]
    const byScenario = new Map<string, Omit<ScenarioStats, 'name'>>()
    for (const row of rows) {
      let stats = byScenario.get(row.scenario_id)
      if (!stats) {
        stats = {
          scenarioId: row.scenario_id,
          impressions: 0,
          clicks: 0,
          dismissals: 0,
          conversions: { chat: 0, callback: 0, offline: 0, total: 0 },
          conversionRate: 0,
        }
        byScenario.set(row.scenario_id, stats)
      }
      if (row.event === 'impression') stats.impressions += row.n
      else if (row.event === 'click') stats.clicks += row.n
      else if (row.event === 'dismiss') stats.dismissals += row.n
      else {
        stats.conversions[row.kind ?? 'chat'] += row.n
        stats.conversions.total += row.n
      }
    }
    for (const stats of byScenario.values()) {
      stats.conversionRate = stats.impressions > 0 ? stats.conversions.total / stats.impressions : 0
    }
    return [...byScenario.values()]
  }
}
