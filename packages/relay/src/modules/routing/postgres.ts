import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type {
  GroupPatch,
  GroupRecord,
  GroupStore,
  OpenConversation,
  RoutingLogEntry,
} from './store.ts'

interface GroupRow {
  id: string
  site_id: string
  name: string
  strategy: GroupRecord['strategy']
  capacity: number
  no_answer_seconds: number
  fallback_group_id: string | null
  when_nobody_online: GroupRecord['whenNobodyOnline']
  is_default: number
  created_at: number
}

const toGroup = (row: GroupRow): GroupRecord => ({
  id: row.id,
  siteId: row.site_id,
  name: row.name,
  strategy: row.strategy,
  capacity: row.capacity,
  noAnswerSeconds: row.no_answer_seconds,
  fallbackGroupId: row.fallback_group_id,
  whenNobodyOnline: row.when_nobody_online,
  isDefault: row.is_default === 1,
  createdAt: row.created_at,
})

/** The `groups`, `group_members` and `routing_log` tables on PostgreSQL. */
export class PostgresGroupStore implements GroupStore {
  constructor(private readonly db: PostgresDatabase) {}

  async create(tx: Tx, group: GroupRecord): Promise<void> {
    await this.db.run(
      tx,
      `INSERT INTO groups (id, site_id, name, strategy, capacity, no_answer_seconds,
           fallback_group_id, when_nobody_online, is_default, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        group.id,
        group.siteId,
        group.name,
        group.strategy,
        group.capacity,
        group.noAnswerSeconds,
        group.fallbackGroupId,
        group.whenNobodyOnline,
        group.isDefault ? 1 : 0,
        group.createdAt,
      ],
    )
  }

  async get(id: string, tx?: Tx): Promise<GroupRecord | undefined> {
    const row = await this.db.row<GroupRow>('SELECT * FROM groups WHERE id = $1', [id], tx)
    return row && toGroup(row)
  }

  async list(siteId?: string, tx?: Tx): Promise<GroupRecord[]> {
    const rows =
      siteId === undefined
        ? await this.db.rows<GroupRow>('SELECT * FROM groups ORDER BY created_at, id', [], tx)
        : await this.db.rows<GroupRow>(
            'SELECT * FROM groups WHERE site_id = $1 ORDER BY created_at, id',
            [siteId],
            tx,
          )
    return rows.map(toGroup)
  }

  async update(tx: Tx, id: string, patch: GroupPatch): Promise<GroupRecord | undefined> {
    const set = (key: keyof GroupPatch) => patch[key] !== undefined
    await this.db.run(
      tx,
      `UPDATE groups SET
         name = CASE WHEN $2 THEN $3 ELSE name END,
         strategy = CASE WHEN $4 THEN $5 ELSE strategy END,
         capacity = CASE WHEN $6 THEN $7::integer ELSE capacity END,
         no_answer_seconds = CASE WHEN $8 THEN $9::integer ELSE no_answer_seconds END,
         fallback_group_id = CASE WHEN $10 THEN $11 ELSE fallback_group_id END,
         when_nobody_online = CASE WHEN $12 THEN $13 ELSE when_nobody_online END
       WHERE id = $1`,
      [
        id,
        set('name'),
        patch.name ?? null,
        set('strategy'),
        patch.strategy ?? null,
        set('capacity'),
        patch.capacity ?? null,
        set('noAnswerSeconds'),
        patch.noAnswerSeconds ?? null,
        set('fallbackGroupId'),
        patch.fallbackGroupId ?? null,
        set('whenNobodyOnline'),
        patch.whenNobodyOnline ?? null,
      ],
    )
    return this.get(id, tx)
  }

  async delete(tx: Tx, id: string): Promise<boolean> {
    return (await this.db.run(tx, 'DELETE FROM groups WHERE id = $1', [id])) > 0
  }

  async setMembers(tx: Tx, groupId: string, employeeIds: readonly string[]): Promise<void> {
    await this.db.run(tx, 'DELETE FROM group_members WHERE group_id = $1', [groupId])
    for (const id of new Set(employeeIds)) {
      await this.db.run(tx, 'INSERT INTO group_members (group_id, employee_id) VALUES ($1, $2)', [
        groupId,
        id,
      ])
    }
  }

  async addMember(tx: Tx, groupId: string, employeeId: string): Promise<void> {
    await this.db.run(
      tx,
      'INSERT INTO group_members (group_id, employee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [groupId, employeeId],
    )
  }

  async members(tx?: Tx): Promise<Map<string, string[]>> {
    const byGroup = new Map<string, string[]>()
    const rows = await this.db.rows<{ group_id: string; employee_id: string }>(
      `SELECT m.group_id, m.employee_id FROM group_members m
         JOIN employees e ON e.id = m.employee_id ORDER BY e.created_at, e.id`,
      [],
      tx,
    )
    for (const row of rows) {
      const list = byGroup.get(row.group_id) ?? []
      list.push(row.employee_id)
      byGroup.set(row.group_id, list)
    }
    return byGroup
  }

  async listOpen(tx?: Tx): Promise<OpenConversation[]> {
    const rows = await this.db.rows<{
      id: string
      site_id: string
      visitor_id: string
      kind: string
      routing_group: string | null
      operator_id: string | null
      answered_at: number | null
      created_at: number
    }>(
      `SELECT id, site_id, visitor_id, kind, routing_group, operator_id, answered_at, created_at
         FROM conversations WHERE status = 'open' ORDER BY created_at, id`,
      [],
      tx,
    )
    return rows.map((row) => ({
      id: row.id,
      siteId: row.site_id,
      visitorId: row.visitor_id,
      kind: row.kind,
      groupId: row.routing_group,
      operatorId: row.operator_id,
      answered: row.answered_at !== null,
      createdAt: row.created_at,
    }))
  }

  async assign(
    tx: Tx,
    conversationId: string,
    to: { groupId: string; operator: { id: string; name: string } | null },
  ): Promise<void> {
    await this.db.run(
      tx,
      `UPDATE conversations SET routing_group = $1, operator_id = $2, operator_name = $3,
           answered_at = NULL WHERE id = $4`,
      [to.groupId, to.operator?.id ?? null, to.operator?.name ?? null, conversationId],
    )
  }

  async markAnswered(tx: Tx, conversationId: string, at: number): Promise<void> {
    await this.db.run(
      tx,
      'UPDATE conversations SET answered_at = COALESCE(answered_at, $1) WHERE id = $2',
      [at, conversationId],
    )
  }

  async log(tx: Tx, entry: RoutingLogEntry): Promise<void> {
    await this.db.run(
      tx,
      `INSERT INTO routing_log (conversation_id, type, reason, group_id, operator_id, by_id, note, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        entry.conversationId,
        entry.type,
        entry.reason ?? null,
        entry.groupId ?? null,
        entry.operatorId ?? null,
        entry.byId ?? null,
        entry.note ?? null,
        entry.at,
      ],
    )
  }

  async logOf(conversationId: string): Promise<RoutingLogEntry[]> {
    const rows = await this.db.rows<Record<string, string | number | null>>(
      'SELECT * FROM routing_log WHERE conversation_id = $1 ORDER BY id',
      [conversationId],
    )
    return rows.map((row) => {
      const entry: RoutingLogEntry = {
        conversationId: row.conversation_id as string,
        type: row.type as RoutingLogEntry['type'],
        at: row.at as number,
      }
      if (row.reason !== null) entry.reason = row.reason as string
      if (row.group_id !== null) entry.groupId = row.group_id as string
      if (row.operator_id !== null) entry.operatorId = row.operator_id as string
      if (row.by_id !== null) entry.byId = row.by_id as string
      if (row.note !== null) entry.note = row.note as string
      return entry
    })
  }

  async lastOperatorOf(
    siteId: string,
    visitorId: string,
    exceptConversationId: string,
  ): Promise<string | null> {
    const row = await this.db.row<{ operator_id: string }>(
      `SELECT operator_id FROM conversations
         WHERE site_id = $1 AND visitor_id = $2 AND id != $3 AND operator_id IS NOT NULL
         ORDER BY updated_at DESC LIMIT 1`,
      [siteId, visitorId, exceptConversationId],
    )
    return row?.operator_id ?? null
  }
}
