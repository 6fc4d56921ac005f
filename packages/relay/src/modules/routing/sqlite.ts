import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type Statements, statements } from '../../infra/db/statements.ts'
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

/** The `groups` and `group_members` tables, and routing columns of `conversations` (`006_groups.sql`). */
export class SqliteGroupStore implements GroupStore {
  private readonly sql: Statements

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
  }

  async create(tx: Tx, group: GroupRecord): Promise<void> {
    this.sql(
      `INSERT INTO groups (id, site_id, name, strategy, capacity, no_answer_seconds,
           fallback_group_id, when_nobody_online, is_default, created_at)
         VALUES (@id, @siteId, @name, @strategy, @capacity, @noAnswerSeconds,
           @fallbackGroupId, @whenNobodyOnline, @isDefault, @createdAt)`,
      tx,
    ).run({ ...group, isDefault: group.isDefault ? 1 : 0 })
  }

  get(id: string, tx?: Tx): Promise<GroupRecord | undefined> {
    return this.db.read(() => {
      const row = this.sql('SELECT * FROM groups WHERE id = ?').get(id) as GroupRow | undefined
      return row && toGroup(row)
    }, tx)
  }

  list(siteId?: string, tx?: Tx): Promise<GroupRecord[]> {
    return this.db.read(() => {
      const rows = (
        siteId === undefined
          ? this.sql('SELECT * FROM groups ORDER BY created_at, id').all()
          : this.sql('SELECT * FROM groups WHERE site_id = ? ORDER BY created_at, id').all(siteId)
      ) as GroupRow[]
      return rows.map(toGroup)
    }, tx)
  }

  async update(tx: Tx, id: string, patch: GroupPatch): Promise<GroupRecord | undefined> {
    const set = (key: keyof GroupPatch) => (patch[key] !== undefined ? 1 : 0)
    this.sql(
      `UPDATE groups SET
         name = CASE WHEN @setName THEN @name ELSE name END,
         strategy = CASE WHEN @setStrategy THEN @strategy ELSE strategy END,
         capacity = CASE WHEN @setCapacity THEN @capacity ELSE capacity END,
         no_answer_seconds = CASE WHEN @setNoAnswer THEN @noAnswerSeconds ELSE no_answer_seconds END,
         fallback_group_id = CASE WHEN @setFallback THEN @fallbackGroupId ELSE fallback_group_id END,
         when_nobody_online = CASE WHEN @setWhenNobody THEN @whenNobodyOnline
           ELSE when_nobody_online END
       WHERE id = @id`,
      tx,
    ).run({
      id,
      setName: set('name'),
      name: patch.name ?? null,
      setStrategy: set('strategy'),
      strategy: patch.strategy ?? null,
      setCapacity: set('capacity'),
      capacity: patch.capacity ?? null,
      setNoAnswer: set('noAnswerSeconds'),
      noAnswerSeconds: patch.noAnswerSeconds ?? null,
      setFallback: set('fallbackGroupId'),
      fallbackGroupId: patch.fallbackGroupId ?? null,
      setWhenNobody: set('whenNobodyOnline'),
      whenNobodyOnline: patch.whenNobodyOnline ?? null,
    })
    return this.get(id, tx)
  }

  async delete(tx: Tx, id: string): Promise<boolean> {
    return this.sql('DELETE FROM groups WHERE id = ?', tx).run(id).changes > 0
  }

  async setMembers(tx: Tx, groupId: string, employeeIds: readonly string[]): Promise<void> {
    this.sql('DELETE FROM group_members WHERE group_id = ?', tx).run(groupId)
    const insert = this.sql('INSERT INTO group_members (group_id, employee_id) VALUES (?, ?)', tx)
    for (const id of new Set(employeeIds)) insert.run(groupId, id)
  }

  async addMember(tx: Tx, groupId: string, employeeId: string): Promise<void> {
    this.sql('INSERT OR IGNORE INTO group_members (group_id, employee_id) VALUES (?, ?)', tx).run(
      groupId,
      employeeId,
    )
  }

  members(tx?: Tx): Promise<Map<string, string[]>> {
    return this.db.read(() => {
      const byGroup = new Map<string, string[]>()
      const rows = this.sql(`SELECT m.group_id, m.employee_id FROM group_members m
           JOIN employees e ON e.id = m.employee_id ORDER BY e.created_at, e.id`).all() as {
        group_id: string
        employee_id: string
      }[]
      for (const row of rows) {
        const list = byGroup.get(row.group_id) ?? []
        list.push(row.employee_id)
        byGroup.set(row.group_id, list)
      }
      return byGroup
    }, tx)
  }

  listOpen(tx?: Tx): Promise<OpenConversation[]> {
    return this.db.read(
      () =>
        (
          this.sql(`SELECT id, site_id, visitor_id, kind, routing_group, operator_id, answered_at, created_at
               FROM conversations WHERE status = 'open' ORDER BY created_at, id`).all() as {
            id: string
            site_id: string
            visitor_id: string
            kind: string
            routing_group: string | null
            operator_id: string | null
            answered_at: number | null
            created_at: number
          }[]
        ).map((row) => ({
          id: row.id,
          siteId: row.site_id,
          visitorId: row.visitor_id,
          kind: row.kind,
          groupId: row.routing_group,
          operatorId: row.operator_id,
          answered: row.answered_at !== null,
          createdAt: row.created_at,
        })),
      tx,
    )
  }

  async assign(
    tx: Tx,
    conversationId: string,
    to: { groupId: string; operator: { id: string; name: string } | null },
  ): Promise<void> {
    this.sql(
      `UPDATE conversations SET routing_group = ?, operator_id = ?, operator_name = ?,
           answered_at = NULL WHERE id = ?`,
      tx,
    ).run(to.groupId, to.operator?.id ?? null, to.operator?.name ?? null, conversationId)
  }

  async markAnswered(tx: Tx, conversationId: string, at: number): Promise<void> {
    this.sql(
      'UPDATE conversations SET answered_at = COALESCE(answered_at, ?) WHERE id = ?',
      tx,
    ).run(at, conversationId)
  }

  async log(tx: Tx, entry: RoutingLogEntry): Promise<void> {
    this.sql(
      `INSERT INTO routing_log (conversation_id, type, reason, group_id, operator_id, by_id, note, at)
         VALUES (@conversationId, @type, @reason, @groupId, @operatorId, @byId, @note, @at)`,
      tx,
    ).run({
      reason: null,
      groupId: null,
      operatorId: null,
      byId: null,
      note: null,
      ...entry,
    })
  }

  logOf(conversationId: string): Promise<RoutingLogEntry[]> {
    return this.db.read(() =>
      (
        this.sql('SELECT * FROM routing_log WHERE conversation_id = ? ORDER BY id').all(
          conversationId,
        ) as Record<string, string | number | null>[]
      ).map((row) => {
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
      }),
    )
  }

  lastOperatorOf(
    siteId: string,
    visitorId: string,
    exceptConversationId: string,
  ): Promise<string | null> {
    return this.db.read(() => {
      const row = this.sql(`SELECT operator_id FROM conversations
           WHERE site_id = ? AND visitor_id = ? AND id != ? AND operator_id IS NOT NULL
           ORDER BY updated_at DESC LIMIT 1`).get(siteId, visitorId, exceptConversationId) as
        | { operator_id: string }
        | undefined
      return row?.operator_id ?? null
    })
  }
}
