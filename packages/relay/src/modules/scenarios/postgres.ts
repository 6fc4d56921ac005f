import type { ConversationKind, Scenario, ScenarioSettings, ScenarioStats } from '@parley/protocol'
import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { type EngagementRow, toRecord } from './rows.ts'
import { DEFAULT_SCENARIO_SETTINGS, type EngagementRecord, type ScenarioStore } from './store.ts'

const ENGAGEMENT_COLUMNS = `id, site_id, visitor_id, scenario_id, event, page, at, session, kind,
  conversation_id, author_key, cid`

/** The scenario tables on PostgreSQL. */
export class PostgresScenarioStore implements ScenarioStore {
  constructor(private readonly db: PostgresDatabase) {}

  async list(siteId: string): Promise<Scenario[]> {
    const rows = await this.db.rows<{ data: string }>(
      'SELECT data FROM scenarios WHERE site_id = $1 ORDER BY position, id',
      [siteId],
    )
    return rows.map((row) => JSON.parse(row.data) as Scenario)
  }

  async get(siteId: string, id: string): Promise<Scenario | undefined> {
    const row = await this.db.row<{ data: string }>(
      'SELECT data FROM scenarios WHERE site_id = $1 AND id = $2',
      [siteId, id],
    )
    return row && (JSON.parse(row.data) as Scenario)
  }

  async put(tx: Tx, scenario: Scenario, at: number): Promise<void> {
    await this.db.run(
      tx,
      `INSERT INTO scenarios (site_id, id, position, enabled, data, created_at, updated_at)
         VALUES ($1, $2,
           (SELECT COALESCE(MAX(position), 0) + 1 FROM scenarios WHERE site_id = $1),
           $3, $4, $5, $5)
         ON CONFLICT (site_id, id) DO UPDATE SET enabled = excluded.enabled,
           data = excluded.data, updated_at = excluded.updated_at`,
      [scenario.siteId, scenario.id, scenario.enabled ? 1 : 0, JSON.stringify(scenario), at],
    )
  }

  async remove(tx: Tx, siteId: string, id: string): Promise<boolean> {
    return (
      (await this.db.run(tx, 'DELETE FROM scenarios WHERE site_id = $1 AND id = $2', [
        siteId,
        id,
      ])) > 0
    )
  }

  async settings(siteId: string): Promise<ScenarioSettings> {
    const row = await this.db.row<{ data: string }>(
      'SELECT data FROM scenario_settings WHERE site_id = $1',
      [siteId],
    )
    return row ? (JSON.parse(row.data) as ScenarioSettings) : { ...DEFAULT_SCENARIO_SETTINGS }
  }

  async putSettings(tx: Tx, siteId: string, settings: ScenarioSettings): Promise<void> {
    await this.db.run(
      tx,
      `INSERT INTO scenario_settings (site_id, data) VALUES ($1, $2)
         ON CONFLICT (site_id) DO UPDATE SET data = excluded.data`,
      [siteId, JSON.stringify(settings)],
    )
  }

  async recordEngagement(tx: Tx, record: EngagementRecord) {
    const hasCid = record.authorKey !== undefined && record.cid !== undefined
    const inserted = await this.db.run(
      tx,
      `INSERT INTO engagements (${ENGAGEMENT_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (author_key, cid) WHERE cid IS NOT NULL DO NOTHING`,
      [
        record.id,
        record.siteId,
        record.visitorId ?? null,
        record.scenarioId,
        record.event,
        record.page ?? null,
        record.at,
        record.session ?? null,
        record.kind ?? null,
        record.conversationId ?? null,
        record.authorKey ?? null,
        record.cid ?? null,
      ],
    )
    if (inserted === 0 && hasCid) {
      const earlier = await this.db.row<EngagementRow>(
        `SELECT ${ENGAGEMENT_COLUMNS} FROM engagements WHERE author_key = $1 AND cid = $2`,
        [record.authorKey!, record.cid!],
        tx,
      )
      return { record: toRecord(earlier!), duplicate: true }
    }
    return { record, duplicate: false }
  }

  async visitorEngagements(siteId: string, visitorId: string, since: number) {
    const rows = await this.db.rows<EngagementRow>(
      `SELECT ${ENGAGEMENT_COLUMNS} FROM engagements
         WHERE site_id = $1 AND visitor_id = $2 AND at >= $3
         ORDER BY at DESC, ord DESC LIMIT 500`,
      [siteId, visitorId, since],
    )
    return rows.map(toRecord)
  }

  async conversionFor(conversationId: string) {
    const row = await this.db.row<{ scenario_id: string }>(
      `SELECT scenario_id FROM engagements WHERE conversation_id = $1 AND event = 'conversion'
         ORDER BY at, ord LIMIT 1`,
      [conversationId],
    )
    return row?.scenario_id
  }

  async stats(siteId: string, from: number, to: number) {
    const rows = await this.db.rows<{
      scenario_id: string
      event: EngagementRecord['event']
      kind: ConversationKind | null
      n: number
    }>(
      `SELECT scenario_id, event, kind, COUNT(*) AS n FROM engagements
         WHERE site_id = $1 AND at >= $2 AND at < $3
         GROUP BY scenario_id, event, kind`,
      [siteId, from, to],
    )
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
