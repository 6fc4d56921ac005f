import { join } from 'node:path'
import type { ConversationEvent, ConversationSummary, SiteConfig } from '@parley/protocol'
import BetterSqlite3 from 'better-sqlite3'
import { RELAY_PACKAGE_DIR } from '../config/paths.ts'
import { migrate } from '../infra/db/migrate.ts'
import { relayError } from '../infra/errors.ts'
import { appendInTransaction, selectConversation, selectEventByCid } from './sqlite-append.ts'
import {
  CONVERSATION_SELECT,
  type ConversationRow,
  type EmployeeRow,
  type EventRow,
  toEmployee,
  toEvent,
  toSummary,
} from './sqlite-rows.ts'
import {
  applyVisitorPatch,
  insertConsent,
  insertFrameAck,
  selectConsents,
  selectFrameAck,
  selectVisitor,
} from './sqlite-visitors.ts'
import type {
  AppendInput,
  AppendResult,
  ConsentRecord,
  EmployeeRecord,
  NewEmployee,
  SiteRecord,
  Store,
  VisitorFrameInput,
  VisitorFrameResult,
  VisitorProfile,
} from './types.ts'

/**
 * The embedded store: one SQLite file in WAL mode with `synchronous = FULL`, so an
 * acknowledged event survives a crash of the process or of the machine.
 */
export class SqliteStore implements Store {
  readonly db: BetterSqlite3.Database

  constructor(path: string, migrationsDir = join(RELAY_PACKAGE_DIR, 'migrations')) {
    this.db = new BetterSqlite3(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    migrate(this.db, migrationsDir)
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
      | { value: string }
      | undefined
    return row?.value
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value)
  }

  async putSite(site: SiteRecord): Promise<void> {
    const { siteId, name, configVersion, ...config } = site.config
    const settings = {
      ...config,
      agreementTemplate: site.agreementTemplate ?? null,
      identitySecret: site.identitySecret ?? null,
    }
    this.db
      .prepare(
        `INSERT INTO sites (id, name, origins, settings, config_version, updated_at)
         VALUES (@id, @name, @origins, @settings, @version, @at)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, origins = excluded.origins,
           settings = excluded.settings, config_version = excluded.config_version,
           updated_at = excluded.updated_at`,
      )
      .run({
        id: siteId,
        name,
        origins: JSON.stringify(site.origins),
        settings: JSON.stringify(settings),
        version: configVersion,
        at: Date.now(),
      })
  }

  async getSite(id: string): Promise<SiteRecord | undefined> {
    const row = this.db
      .prepare('SELECT id, name, origins, settings, config_version FROM sites WHERE id = ?')
      .get(id) as
      | { id: string; name: string; origins: string; settings: string; config_version: string }
      | undefined
    if (!row) return undefined
    const { agreementTemplate, identitySecret, ...settings } = JSON.parse(row.settings) as Omit<
      SiteConfig,
      'siteId' | 'name' | 'configVersion'
    > &
      Pick<SiteRecord, 'agreementTemplate' | 'identitySecret'>
    const site: SiteRecord = {
      config: { siteId: row.id, name: row.name, configVersion: row.config_version, ...settings },
      origins: JSON.parse(row.origins) as string[],
    }
    if (agreementTemplate) site.agreementTemplate = agreementTemplate
    if (identitySecret) site.identitySecret = identitySecret
    return site
  }

  async createEmployee(employee: NewEmployee): Promise<EmployeeRecord> {
    try {
      this.db
        .prepare(
          `INSERT INTO employees (id, email, name, role, password_hash, created_at)
           VALUES (@id, @email, @name, @role, @passwordHash, @createdAt)`,
        )
        .run(employee)
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw relayError('email_taken')
      }
      throw error
    }
    return { ...employee }
  }

  async getEmployee(id: string): Promise<EmployeeRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM employees WHERE id = ?').get(id) as
      | EmployeeRow
      | undefined
    return row && toEmployee(row)
  }

  async getEmployeeByEmail(email: string): Promise<EmployeeRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM employees WHERE email = ?').get(email) as
      | EmployeeRow
      | undefined
    return row && toEmployee(row)
  }

  async listEmployees(): Promise<EmployeeRecord[]> {
    const rows = this.db.prepare('SELECT * FROM employees ORDER BY created_at, id').all()
    return (rows as EmployeeRow[]).map(toEmployee)
  }

  async setEmployeePassword(id: string, passwordHash: string): Promise<void> {
    this.db.prepare('UPDATE employees SET password_hash = ? WHERE id = ?').run(passwordHash, id)
    this.db.prepare('DELETE FROM sessions WHERE employee_id = ?').run(id)
  }

  async updateEmployee(
    id: string,
    patch: { name?: string; position?: string | null; photoUrl?: string | null },
  ): Promise<EmployeeRecord | undefined> {
    this.db
      .prepare(
        `UPDATE employees SET
           name = CASE WHEN @setName THEN @name ELSE name END,
           position = CASE WHEN @setPosition THEN @position ELSE position END,
           photo_url = CASE WHEN @setPhoto THEN @photoUrl ELSE photo_url END
         WHERE id = @id`,
      )
      .run({
        id,
        setName: patch.name !== undefined ? 1 : 0,
        name: patch.name ?? null,
        setPosition: patch.position !== undefined ? 1 : 0,
        position: patch.position || null,
        setPhoto: patch.photoUrl !== undefined ? 1 : 0,
        photoUrl: patch.photoUrl || null,
      })
    return this.getEmployee(id)
  }

  async getVisitor(siteId: string, visitorId: string): Promise<VisitorProfile | undefined> {
    return selectVisitor(this.db, siteId, visitorId)
  }

  async recordVisitorFrame(input: VisitorFrameInput): Promise<VisitorFrameResult> {
    return this.db.transaction((): VisitorFrameResult => {
      const earlier = selectFrameAck(this.db, input.authorKey, input.cid)
      if (earlier) return { ...earlier, duplicate: true }
      if (input.profile) applyVisitorPatch(this.db, input.profile, input.at)
      if (input.consent) insertConsent(this.db, input.consent)
      insertFrameAck(this.db, input)
      return { id: input.id, at: input.at, duplicate: false }
    })()
  }

  async findVisitorFrame(authorKey: string, cid: string) {
    return selectFrameAck(this.db, authorKey, cid)
  }

  async listConsents(siteId: string, visitorId: string): Promise<ConsentRecord[]> {
    return selectConsents(this.db, siteId, visitorId)
  }

  async createSession(
    tokenHash: string,
    session: { employeeId: string; expiresAt: number; createdAt: number },
  ): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO sessions (token_hash, employee_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
      )
      .run(tokenHash, session.employeeId, session.createdAt, session.expiresAt)
  }

  async getSession(tokenHash: string) {
    const row = this.db
      .prepare('SELECT employee_id, expires_at FROM sessions WHERE token_hash = ?')
      .get(tokenHash) as { employee_id: string; expires_at: number } | undefined
    return row && { employeeId: row.employee_id, expiresAt: row.expires_at }
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash)
  }

  async createApiToken(token: {
    id: string
    name: string
    tokenHash: string
    employeeId: string
    createdAt: number
  }): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO api_tokens (id, name, token_hash, employee_id, created_at)
         VALUES (@id, @name, @tokenHash, @employeeId, @createdAt)`,
      )
      .run(token)
  }

  async getApiToken(tokenHash: string) {
    const row = this.db
      .prepare('SELECT id, employee_id FROM api_tokens WHERE token_hash = ?')
      .get(tokenHash) as { id: string; employee_id: string } | undefined
    return row && { id: row.id, employeeId: row.employee_id }
  }

  async getConversation(id: string): Promise<ConversationSummary | undefined> {
    return selectConversation(this.db, id)
  }

  async listVisitorConversations(siteId: string, visitorId: string, limit: number) {
    const rows = this.db
      .prepare(
        `${CONVERSATION_SELECT} WHERE c.site_id = ? AND c.visitor_id = ?
         ORDER BY c.updated_at DESC, c.id LIMIT ?`,
      )
      .all(siteId, visitorId, limit) as ConversationRow[]
    return rows.map(toSummary)
  }

  async listConversations(limit: number): Promise<ConversationSummary[]> {
    const rows = this.db
      .prepare(`${CONVERSATION_SELECT} ORDER BY c.updated_at DESC, c.id LIMIT ?`)
      .all(limit) as ConversationRow[]
    return rows.map(toSummary)
  }

  async findEventByCid(authorKey: string, cid: string): Promise<ConversationEvent | undefined> {
    return selectEventByCid(this.db, authorKey, cid)
  }

  async appendEvent(input: AppendInput): Promise<AppendResult> {
    return this.db.transaction(() => appendInTransaction(this.db, input))()
  }

  async eventsAfter(conversationId: string, afterSeq: number, limit: number) {
    const rows = this.db
      .prepare('SELECT * FROM events WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(conversationId, afterSeq, limit) as EventRow[]
    return rows.map(toEvent)
  }

  async latestEvents(conversationId: string, limit: number) {
    const rows = this.db
      .prepare('SELECT * FROM events WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?')
      .all(conversationId, limit) as EventRow[]
    return rows.reverse().map(toEvent)
  }

  async markRead(conversationId: string, readerKey: string, seq: number, at: number) {
    const row = this.db
      .prepare(
        `INSERT INTO reads (conversation_id, reader_key, seq, at) VALUES (?, ?, ?, ?)
         ON CONFLICT(conversation_id, reader_key) DO UPDATE SET
           seq = MAX(reads.seq, excluded.seq), at = excluded.at
         RETURNING seq`,
      )
      .get(conversationId, readerKey, seq, at) as { seq: number }
    return row.seq
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}

/** Opens (and migrates) a SQLite store; `':memory:'` gives a throwaway one. */
export function createSqliteStore(path: string): Store {
  return new SqliteStore(path)
}
